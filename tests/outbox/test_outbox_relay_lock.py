"""Two outbox relays on one PostgreSQL schema: only the lock holder publishes, each row once."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime

import pytest
from sqlalchemy import MetaData, text

from ringway.shared.bus.base import Record
from ringway.shared.bus.inprocess import InProcessBus
from ringway.shared.contracts.agents import AgentCreated
from ringway.shared.db.engine import Database
from ringway.shared.db.outbox import OutboxRelay, add_outbox_tables
from ringway.shared.db.uow import UnitOfWork
from tests.conftest import unique

pytestmark = pytest.mark.postgres

metadata = MetaData()
outbox, inbox = add_outbox_tables(metadata)


class RecordingBus(InProcessBus):
    """A bus that only keeps what it was given (no consumer here)."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[Record] = []

    async def send(self, records: Sequence[Record]) -> None:
        self.sent.extend(records)


@pytest.fixture
async def db(pg_url: str) -> AsyncIterator[Database]:
    database = Database(pg_url, schema=unique("relay"))
    async with database.engine.begin() as conn:
        await conn.exec_driver_sql(f'CREATE SCHEMA "{database.schema}"')
        await conn.run_sync(metadata.create_all)
    yield database
    await database.dispose()


async def publish_agents(db: Database, count: int) -> None:
    for n in range(count):
        async with UnitOfWork(db, source="test", outbox=outbox, inbox=inbox) as uow:
            uow.publish(AgentCreated(agent_id=f"a{n}", display_name="A", skills={},
                                     created_at=datetime.now(UTC)))


async def test_a_relay_publishes_nothing_while_another_holds_the_lock_then_each_row_once(
    db: Database,
) -> None:
    await publish_agents(db, 3)
    first, second = RecordingBus(), RecordingBus()
    relay, other = OutboxRelay(db, first, outbox), OutboxRelay(db, second, outbox)
    async with db.engine.connect() as holder, holder.begin():
        await holder.execute(text("SELECT pg_advisory_xact_lock(x'52494E47'::int)"))
        assert await relay.publish_batch() == 0
        assert await relay.pending() == 3
    assert await relay.publish_batch() == 3
    assert await other.publish_batch() == 0
    assert [r.key for r in first.sent] == ["a0", "a1", "a2"]
    assert second.sent == []
    assert await relay.pending() == 0
