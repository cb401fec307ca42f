"""`python -m ringway.cli`."""

from ringway.cli.main import app

app(prog_name="ringway")
