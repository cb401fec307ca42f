"""The dialer's migration creates exactly the tables the code declares."""

from __future__ import annotations

from dialer_harness import Dialer, schema_differences


async def test_migrated_schema_matches_the_table_definitions(dialer: Dialer) -> None:
    async with dialer.runtime.db.engine.connect() as connection:
        differences = await connection.run_sync(schema_differences)
    assert differences == []
