"""Every service's Alembic history builds exactly its declared tables, on SQLite and PostgreSQL."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, inspect
from sqlalchemy.engine import Connection

from ringway.cli.services import SERVICES
from ringway.shared.db.engine import Database
from ringway.shared.db.migrations import upgrade

NAMES = [entry.name for entry in SERVICES]


def service_parts(name: str) -> tuple[MetaData, Path]:
    tables = importlib.import_module(f"ringway.{name}.tables")
    app = importlib.import_module(f"ringway.{name}.app")
    return tables.metadata, app.MIGRATIONS


def differences(connection: Connection, metadata: MetaData) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


async def check_migrations(db: Database, name: str) -> None:
    metadata, migrations = service_parts(name)
    await upgrade(db, str(migrations))
    await upgrade(db, str(migrations))  # a second run is a no-op, not an error
    async with db.engine.connect() as conn:
        diff = await conn.run_sync(differences, metadata)
        tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert diff == [], f"{name}: migrations and tables.py disagree: {diff}"
    assert {"outbox", "inbox", "alembic_version"} <= tables


@pytest.mark.parametrize("name", NAMES)
async def test_migrations_match_tables_on_sqlite(name: str, tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / name}.db")
    try:
        await check_migrations(db, name)
    finally:
        await db.dispose()


@pytest.mark.postgres
async def test_each_service_migrates_into_its_own_schema_on_postgres(pg_url: str) -> None:
    for name in NAMES:
        db = Database(pg_url, schema=name)
        try:
            await check_migrations(db, name)
            async with db.engine.connect() as conn:
                schemas = await conn.run_sync(lambda c: set(inspect(c).get_schema_names()))
                own = await conn.run_sync(
                    lambda c, s=name: set(inspect(c).get_table_names(schema=s)))
        finally:
            await db.dispose()
        assert name in schemas
        assert "outbox" in own
        public = Database(pg_url)
        try:
            async with public.engine.connect() as conn:
                stray = await conn.run_sync(lambda c: set(inspect(c).get_table_names("public")))
        finally:
            await public.dispose()
        assert stray == set(), f"{name} wrote outside its schema: {stray}"
