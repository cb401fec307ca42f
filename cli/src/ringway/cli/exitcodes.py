"""Exit codes of the `ringway` commands, for scripts (sysexits.h where one fits)."""

OK = 0
# A check ran and found a difference (topics missing or mis-configured, catalogue outdated).
CHECK_FAILED = 1
# Wrong arguments (click's own code for usage errors).
USAGE = 2
# Kafka or the database could not be reached (EX_UNAVAILABLE).
UNAVAILABLE = 69
# A wrong or missing setting (EX_CONFIG).
CONFIG = 78
# An input file with a bad row or column (EX_DATAERR).
DATA_ERROR = 65
