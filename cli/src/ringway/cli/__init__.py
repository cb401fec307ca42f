"""The `ringway` command: the embedded platform and operator commands."""
