"""Alembic migrations per service, run programmatically on the service's own connection."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection

from ringway.shared.db.engine import Database


async def upgrade(db: Database, script_location: str, revision: str = "head") -> None:
    """Bring the service's schema (or SQLite file) up to `revision`."""
    async with db.engine.begin() as conn:
        if db.is_postgres:
            # Replicas starting together, and the migration Job, would race to create the same
            # tables: one migrates, the others wait here, then find nothing left to do.
            await conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"),
                               {"name": f"ringway-migrate:{db.schema}"})
        if db.is_postgres and db.schema:
            await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{db.schema}"'))
        await conn.run_sync(_upgrade, script_location, revision)


def _upgrade(connection: Connection, script_location: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", script_location)
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def run_env(context: Any, metadata: MetaData) -> None:
    """Body of a service's alembic env.py: migrate on the connection `upgrade` passes in."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations with `ringway migrate` (shared.db.migrations.upgrade)")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
