"""Read-model writes: atomic upserts that add counts (or keep maxima). Flushes, never commits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, case

from ringway.shared.db.uow import UnitOfWork


async def increment(uow: UnitOfWork, table: Table, key: dict[str, Any],
                    amounts: dict[str, int], maxima: Iterable[str] = ()) -> None:
    """Add `amounts` to the row at `key` (created at zero), keeping the larger of `maxima`."""
    # One INSERT ... ON CONFLICT DO UPDATE: atomic under concurrent consumers, no read first.
    statement = uow.db.insert(table).values(**key, **amounts)
    excluded = statement.excluded
    biggest = set(maxima)
    updates = {name: table.c[name] + excluded[name] for name in amounts if name not in biggest}
    updates.update({name: case((excluded[name] > table.c[name], excluded[name]),
                               else_=table.c[name]) for name in biggest})
    await uow.session.execute(statement.on_conflict_do_update(index_elements=list(key),
                                                              set_=updates))


async def put(uow: UnitOfWork, table: Table, key: dict[str, Any], values: dict[str, Any]) -> None:
    """Insert or replace the row at `key`."""
    statement = uow.db.insert(table).values(**key, **values)
    await uow.session.execute(statement.on_conflict_do_update(index_elements=list(key),
                                                              set_=values))

