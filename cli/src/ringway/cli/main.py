"""`ringway` command line."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from ringway.cli import configref, events, staffing, topics
from ringway.cli.migrate import migrate
from ringway.cli.serve import serve
from ringway.shared.web.logs import setup_logging

HELP = """Ringway contact-center platform.

`ringway run` starts everything in one process; `ringway serve SERVICE` runs one service
against Kafka and PostgreSQL; `migrate` and `topics create` are the init steps of a deployment;
`staffing plan` turns a CSV of volumes into agents per interval. Exit codes: 0 ok, 1 a check
found differences, 2 usage, 65 bad input file, 69 Kafka or database unreachable, 78 bad
configuration."""

app = typer.Typer(help=HELP, no_args_is_help=True, rich_markup_mode=None)
app.command()(serve)
app.command()(migrate)
app.add_typer(topics.app, name="topics")
app.add_typer(events.app, name="events")
app.add_typer(configref.app, name="config")
app.add_typer(staffing.app, name="staffing")


@app.callback()
def _root() -> None:
    """Ringway contact-center platform."""


@app.command()
def run(
    host: Annotated[str, typer.Option(envvar="RINGWAY_HOST")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="RINGWAY_PORT")] = 8080,
    data_dir: Annotated[Path, typer.Option(envvar="RINGWAY_DATA_DIR")] = Path("data"),
    log_level: Annotated[str, typer.Option(envvar="RINGWAY_LOG_LEVEL")] = "WARNING",
) -> None:
    """Start every service in one process (in-process bus, SQLite under DATA_DIR)."""
    from ringway.cli.embedded import create_embedded_app, load_or_create_auth
    from ringway.cli.services import SERVICES

    setup_logging(log_level)
    os.environ["RINGWAY_DATA_DIR"] = str(data_dir)
    auth = load_or_create_auth(data_dir)
    web = create_embedded_app(data_dir, auth.authenticator)
    base = f"http://{host}:{port}"
    typer.echo(f"Ringway embedded: data in {data_dir.resolve()}")
    for entry in SERVICES:
        typer.echo(f"  {entry.name:<12} {base}{entry.prefix}/docs   health: "
                   f"{base}{entry.prefix}/healthz")
    if auth.new_admin_key:
        typer.echo("\nAdmin API key (shown once; send it as the X-API-Key header):\n"
                   f"  {auth.new_admin_key}\n")
    typer.echo("Ctrl-C stops it.")
    uvicorn.run(web, host=host, port=port, log_config=None, timeout_graceful_shutdown=10)


if __name__ == "__main__":
    app()
