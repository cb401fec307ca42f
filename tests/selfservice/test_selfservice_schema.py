"""The migration builds exactly the tables the code declares; settings read their own prefix."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from ringway.selfservice.app import MIGRATIONS
from ringway.selfservice.settings import SelfServiceSettings
from ringway.selfservice.tables import metadata
from ringway.shared.db.engine import Database
from ringway.shared.db.migrations import upgrade


def differences(connection: Connection) -> list[object]:
    """What autogenerate would change to make the database match the metadata."""
    return list(compare_metadata(MigrationContext.configure(connection), metadata))


async def test_the_migration_matches_the_table_definitions(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'selfservice.db'}")
    try:
        await upgrade(db, str(MIGRATIONS))
        async with db.engine.connect() as connection:
            diff = await connection.run_sync(differences)
            names = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    finally:
        await db.dispose()
    assert diff == []
    assert names == {"customers", "customer_contacts", "kb_articles", "outbox", "inbox",
                     "alembic_version"}


def test_settings_use_the_selfservice_prefix(monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    monkeypatch.setenv("SELFSERVICE_DATABASE_URL", "postgresql+asyncpg://u@db/ringway")
    monkeypatch.setenv("RINGWAY_DATA_DIR", str(tmp_path))

    settings = SelfServiceSettings()

    assert settings.service_name == "selfservice"
    assert settings.resolved_database_url == "postgresql+asyncpg://u@db/ringway"
    assert settings.resolved_schema == "selfservice"


def test_without_a_database_url_settings_use_a_sqlite_file_named_after_the_service(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SELFSERVICE_DATABASE_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)

    settings = SelfServiceSettings(data_dir=tmp_path)

    assert settings.resolved_database_url.endswith("/selfservice.db")
