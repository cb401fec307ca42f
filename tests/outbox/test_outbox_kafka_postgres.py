"""Transactional outbox and idempotent inbox on real PostgreSQL and real Kafka."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, select, update
from sqlalchemy.dialects import postgresql

from ringway.shared.bus.kafka import KafkaBus
from ringway.shared.consumers import EventRouter
from ringway.shared.contracts.agents import AgentCreated
from ringway.shared.contracts.topics import TOPICS
from ringway.shared.db.engine import Database
from ringway.shared.db.outbox import OutboxRelay, add_outbox_tables
from ringway.shared.db.uow import UnitOfWork
from ringway.shared.events.envelope import Envelope
from ringway.shared.testing.kafka import LocalKafka
from tests.conftest import eventually, unique

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

producer_meta = MetaData()
agents = Table("agents", producer_meta, Column("id", String(40), primary_key=True))
p_outbox, p_inbox = add_outbox_tables(producer_meta)

consumer_meta = MetaData()
effects = Table("effects", consumer_meta, Column("agent_id", String(40), primary_key=True),
                Column("applied", Integer, nullable=False))
c_outbox, c_inbox = add_outbox_tables(consumer_meta)


async def create_schema(db: Database, metadata: MetaData) -> None:
    async with db.engine.begin() as conn:
        await conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{db.schema}"')
        await conn.run_sync(metadata.create_all)


@pytest.fixture
async def dbs(pg_url: str) -> AsyncIterator[tuple[Database, Database]]:
    producer = Database(pg_url, schema="producer")
    consumer = Database(pg_url, schema="consumer")
    await create_schema(producer, producer_meta)
    await create_schema(consumer, consumer_meta)
    yield producer, consumer
    await producer.dispose()
    await consumer.dispose()


async def apply_effect(uow: UnitOfWork, event: AgentCreated, _: Envelope) -> None:
    """A non-idempotent effect on purpose: only the inbox keeps it exactly-once."""
    statement = postgresql.insert(effects).values(agent_id=event.agent_id, applied=1)
    await uow.session.execute(statement.on_conflict_do_update(
        index_elements=["agent_id"], set_={"applied": effects.c.applied + 1}))


async def commit_agents(producer: Database, relay: OutboxRelay, ids: list[str]) -> None:
    for agent_id in ids:
        async with UnitOfWork(producer, source="test", outbox=p_outbox, inbox=p_inbox,
                              on_commit=relay.notify) as uow:
            await uow.session.execute(agents.insert().values(id=agent_id))
            uow.publish(AgentCreated(agent_id=agent_id, display_name="A", skills={},
                                     created_at=datetime.now(UTC)))


async def count(db: Database, statement: object) -> int:
    async with db.session() as session:
        return int(await session.scalar(statement) or 0)  # type: ignore[call-overload]


async def test_broker_outage_delays_events_and_effects_apply_exactly_once(
    kafka: LocalKafka, dbs: tuple[Database, Database],
) -> None:
    producer, consumer = dbs
    bus = KafkaBus(kafka.bootstrap_servers, stall_timeout_s=5.0, session_timeout_ms=6000)
    await bus.start()
    await bus.ensure_topics([TOPICS["agents"]])
    relay = OutboxRelay(producer, bus, p_outbox, poll_interval_s=0.2, max_backoff_s=1.0)
    relay.start()
    run = unique("run")
    ids = [f"{run}-{i}" for i in range(100)]
    group = unique("effects")
    router = EventRouter(group, lambda: UnitOfWork(consumer, source="c", outbox=c_outbox,
                                                   inbox=c_inbox), {"agent.created": apply_effect})
    mine = effects.c.agent_id.like(f"{run}-%")
    try:
        member = await bus.subscribe(group, ["agents"], router)
        await commit_agents(producer, relay, ids[:50])
        await eventually(lambda: relay.published >= 50, what="first 50 published")

        await asyncio.to_thread(kafka.stop)
        await commit_agents(producer, relay, ids[50:])
        assert await count(producer, select(func.count()).select_from(agents)) == 100
        await asyncio.sleep(2)
        assert await relay.pending() == 50  # state committed, events held back, nothing lost

        await asyncio.to_thread(kafka.restart)
        applied = 0
        for _ in range(600):
            applied = await count(consumer, select(func.count()).where(mine))
            if applied == 100:
                break
            await asyncio.sleep(0.2)
        assert applied == 100
        assert await relay.pending() == 0

        # Force redeliveries: the relay sends 10 events again, and the consumer restarts
        # from scratch in a new member after an abort.
        async with producer.session() as session, session.begin():
            await session.execute(update(p_outbox).where(
                p_outbox.c.seq.in_(select(p_outbox.c.seq).order_by(p_outbox.c.seq).limit(10))
            ).values(sent_at=None))
        relay.notify()
        await eventually(lambda: router.duplicates >= 10, timeout=60, what="duplicates seen")
        await member.abort()
        await bus.subscribe(group, ["agents"], router)
        await asyncio.sleep(3)

        total = await count(consumer, select(func.sum(effects.c.applied)).where(mine))
        assert total == 100  # every effect exactly once despite retries and redelivery
    finally:
        await relay.stop()
        await bus.stop()
