"""Pooled PostgreSQL connections: a connection the server dropped while idle is replaced."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from ringway.shared.db.engine import Database


async def backend_pid(db: Database) -> int:
    async with db.engine.connect() as conn:
        return int(await conn.scalar(text("SELECT pg_backend_pid()")) or 0)


@pytest.mark.postgres
async def test_a_pooled_connection_the_server_closed_while_idle_is_replaced(pg_url: str) -> None:
    db = Database(pg_url, pool_size=1, idle_ping_s=0.05)
    admin = Database(pg_url)
    try:
        first = await backend_pid(db)
        async with admin.engine.connect() as conn:  # what a server restart does to a session
            await conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        await asyncio.sleep(0.2)
        second = await backend_pid(db)
    finally:
        await db.dispose()
        await admin.dispose()
    assert second not in (0, first)

