"""Helpers the `ringway` commands share: settings, progress, messages."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.progress import track

from ringway.cli import exitcodes
from ringway.shared.entry import load_settings
from ringway.shared.settings import ServiceSettings

if TYPE_CHECKING:
    from ringway.cli.services import ServiceEntry

T = TypeVar("T")
S = TypeVar("S", bound=ServiceSettings)

err = Console(stderr=True)


def fail(message: str, code: int) -> NoReturn:
    """Print one line to stderr and exit with `code`."""
    typer.echo(message, err=True)
    raise typer.Exit(code)


def settings_for(entry: ServiceEntry, **overrides: Any) -> ServiceSettings:
    """The service's settings from the environment (overrides win); bad ones exit 78."""
    try:
        if overrides:
            return entry.settings(**overrides)
        return load_settings(entry.settings)
    except SystemExit as error:
        fail(str(error.code), exitcodes.CONFIG)
    except ValueError as error:  # a pydantic ValidationError from explicit overrides
        fail(f"configuration error: {error}".splitlines()[0], exitcodes.CONFIG)


def chosen_services(names: Sequence[str] | None) -> list[ServiceEntry]:
    """The named services (all when none is named); an unknown name exits 2."""
    # Imported here: `topics` and `events` work without loading the four apps.
    from ringway.cli.services import SERVICES, service_entry

    if not names:
        return list(SERVICES)
    try:
        return [service_entry(name) for name in names]
    except KeyError as error:
        fail(str(error.args[0]), exitcodes.USAGE)


def progress(items: Iterable[T], what: str, total: int | None = None) -> Iterator[T]:
    """Iterate with a progress bar on stderr (plain when stderr is not a terminal)."""
    yield from track(items, description=what, total=total, console=err, transient=True)
