"""`ringway events`: the published event catalogue (JSON Schema + AsyncAPI)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ringway.cli import exitcodes
from ringway.shared.events import catalog

app = typer.Typer(help="The event catalogue: every event type, its topic, key and schema.",
                  no_args_is_help=True)

Directory = Annotated[Path, typer.Argument(help="Catalogue folder.")]


@app.command("list")
def list_events() -> None:
    """Print every event type with its topic, key, version and meaning."""
    registry, _topics = catalog.load_catalogue()
    models = sorted(registry, key=lambda m: (m.topic, m.event_type, m.version))
    typer.echo(f"{'type':<34}{'topic':<14}{'key':<14}{'v':>2}  description")
    for model in models:
        typer.echo(f"{model.event_type:<34}{model.topic:<14}{model.key_field:<14}"
                   f"{model.version:>2}  {catalog.summary(model)}")


@app.command()
def write(directory: Directory = Path("docs/events")) -> None:
    """Write README.md, asyncapi.json and schemas/<type>.v<N>.json into DIRECTORY."""
    for path in catalog.write(directory, *catalog.load_catalogue()):
        typer.echo(f"wrote {path}")


@app.command()
def check(directory: Directory = Path("docs/events")) -> None:
    """Compare DIRECTORY with the contracts: exit 1 on an incompatible change, else 0."""
    code = catalog.main(["check", str(directory)])
    raise typer.Exit(exitcodes.CHECK_FAILED if code else exitcodes.OK)
