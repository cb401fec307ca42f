"""`ringway` command line."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from ringway.cli.embedded import create_embedded_app, load_or_create_auth
from ringway.cli.services import SERVICES
from ringway.shared.web.logs import setup_logging

app = typer.Typer(help="Ringway contact-center platform.", no_args_is_help=True)


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
