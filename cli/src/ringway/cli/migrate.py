"""`ringway migrate`: bring each service's schema to the newest revision."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Annotated

import typer
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ringway.cli import exitcodes
from ringway.cli.common import chosen_services, fail, progress, settings_for
from ringway.cli.serve import ServiceName
from ringway.shared.db.engine import Database
from ringway.shared.db.migrations import upgrade

if TYPE_CHECKING:
    from ringway.cli.services import ServiceEntry


async def migrate_one(entry: ServiceEntry, database_url: str | None) -> tuple[str, str]:
    """Upgrade one service's schema to head; returns (where, revision now)."""
    settings = settings_for(entry, database_url=database_url) if database_url \
        else settings_for(entry)
    db = Database(settings.resolved_database_url, schema=settings.resolved_schema)
    if db.is_sqlite:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        await upgrade(db, str(entry.migrations))
        async with db.engine.connect() as conn:
            revision = await conn.scalar(text("SELECT version_num FROM alembic_version"))
    finally:
        await db.dispose()
    where = f"schema {db.schema}" if db.schema else str(db.url.database)
    return where, str(revision)


def migrate(
    services: Annotated[list[ServiceName] | None, typer.Argument(
        help="Services to migrate (default: all four).", show_default=False)] = None,
    database_url: Annotated[str | None, typer.Option(
        help="Database for every named service; default DATABASE_URL / <SERVICE>_DATABASE_URL, "
        "else SQLite files under RINGWAY_DATA_DIR.", show_default=False)] = None,
) -> None:
    """Migrate the services' schemas to the newest revision (safe to run again).

    Run it before starting a new version (the Kubernetes migration Job does). Exit codes:
    0 done, 69 database unreachable, 78 bad configuration.
    """
    names = [s.value for s in services] if services else None
    for entry in progress(chosen_services(names), "migrating"):
        try:
            where, revision = asyncio.run(migrate_one(entry, database_url))
        except (OSError, SQLAlchemyError) as error:
            fail(f"{entry.name}: database unreachable: {type(error).__name__}: "
                 f"{str(error).splitlines()[0] if str(error) else ''}", exitcodes.UNAVAILABLE)
        typer.echo(f"{entry.name}: {where} at revision {revision}")
