"""Work promised after a commit runs once the rows are visible to others, never after a rollback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, func, insert, select

from ringway.shared.db.engine import Database
from ringway.shared.db.outbox import add_outbox_tables
from ringway.shared.db.uow import UnitOfWork

metadata = MetaData()
outbox, inbox = add_outbox_tables(metadata)
items = Table("items", metadata, Column("id", Integer, primary_key=True))


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'uow.db'}")
    async with database.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield database
    await database.dispose()


def uow_of(db: Database) -> UnitOfWork:
    return UnitOfWork(db, source="test", outbox=outbox, inbox=inbox)


async def visible_items(db: Database) -> int:
    async with db.engine.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(items))).scalar_one())


async def test_after_commit_runs_only_once_the_transaction_has_committed(db: Database) -> None:
    called: list[int] = []
    async with uow_of(db) as uow:
        await uow.session.execute(insert(items).values(id=1))
        uow.after_commit(lambda: called.append(1))
        assert called == []  # not while the rows are still uncommitted
        assert await visible_items(db) == 0
    assert called == [1]
    assert await visible_items(db) == 1


async def test_after_commit_is_dropped_when_the_transaction_rolls_back(db: Database) -> None:
    called: list[int] = []
    uow = uow_of(db)

    async def failing_handler() -> None:
        async with uow:
            await uow.session.execute(insert(items).values(id=3))
            uow.after_commit(lambda: called.append(1))
            raise RuntimeError("handler failed")

    with pytest.raises(RuntimeError):
        await failing_handler()
    async with uow:
        pass  # a later unit of work on the same object must not run the stale callback
    assert called == []
    assert await visible_items(db) == 0
