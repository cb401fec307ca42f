"""Benchmark: events/s through the Kafka bus against raw aiokafka, on the local broker.

Stages, each over the same N messages in the same run:
  raw        aiokafka producer (idempotent, acks=all) and a raw consumer (manual commits)
  relay      the outbox relay publishing N pending rows from PostgreSQL to Kafka
  bus        KafkaBus consumer group with a trivial handler (the consume path)
  e2e        commit -> outbox -> relay -> Kafka -> idempotent handler (inbox on PostgreSQL)

Usage: python bench/bus.py [--quick] [--events N]
Uses KAFKA_BOOTSTRAP_SERVERS / DATABASE_URL when set, else starts a local broker and PostgreSQL.
The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid
from datetime import UTC, datetime

from _infra import infrastructure, progress
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import Column, Integer, MetaData, String, Table, insert
from sqlalchemy.dialects import postgresql

from ringway.shared import contracts  # noqa: F401 - registers the event types
from ringway.shared.bus.base import Record
from ringway.shared.bus.kafka import KafkaBus
from ringway.shared.consumers import EventRouter
from ringway.shared.contracts.agents import AgentCreated
from ringway.shared.contracts.topics import TopicSpec
from ringway.shared.db.engine import Database
from ringway.shared.db.outbox import OutboxRelay, add_outbox_tables, outbox_row
from ringway.shared.db.uow import UnitOfWork
from ringway.shared.events.envelope import Envelope

meta = MetaData()
outbox, inbox = add_outbox_tables(meta)
effects = Table("effects", meta, Column("agent_id", String(40), primary_key=True),
                Column("n", Integer, nullable=False))



def envelopes(n: int) -> list[Envelope]:
    now = datetime.now(UTC)
    return [Envelope.wrap(AgentCreated(agent_id=f"a{i:07d}", display_name="Agent",
                                       skills={"billing": 5}, created_at=now), source="bench")
            for i in range(n)]



async def wait_count(counter: list[int], n: int, timeout: float = 300) -> float:
    start = time.perf_counter()
    while counter[0] < n:
        if time.perf_counter() - start > timeout:
            raise TimeoutError(f"only {counter[0]}/{n} after {timeout}s")
        await asyncio.sleep(0.005)
    return time.perf_counter()


async def raw_stage(bootstrap: str, topic: str, records: list[Record]) -> dict[str, float]:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all",
                                linger_ms=5, max_batch_size=512 * 1024)
    await producer.start()
    t0 = time.perf_counter()
    futures = [await producer.send(topic, r.value, key=r.key.encode(), headers=list(r.headers))
               for r in records]
    await asyncio.gather(*futures)
    produce_s = time.perf_counter() - t0
    await producer.stop()
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=f"raw-{topic}",
                                enable_auto_commit=False, auto_offset_reset="earliest",
                                isolation_level="read_committed", max_poll_records=500)
    await consumer.start()
    seen, t_first = 0, None
    while seen < len(records):
        batches = await consumer.getmany(timeout_ms=500)
        if batches and t_first is None:
            t_first = time.perf_counter()
        for messages in batches.values():
            for message in messages:
                Envelope.from_bytes(message.value or b"")  # same parse work as the bus handler
                seen += 1
        if batches:
            await consumer.commit()
    consume_s = time.perf_counter() - (t_first or time.perf_counter())
    await consumer.stop()
    n = len(records)
    return {"raw_produce_events_per_s": n / produce_s, "raw_consume_events_per_s": n / consume_s}


async def fill_outbox(db: Database, records: list[Record], ids: list[str]) -> float:
    t0 = time.perf_counter()
    async with db.session() as session, session.begin():
        rows = [outbox_row(r, i) for r, i in zip(records, ids, strict=True)]
        for start in range(0, len(rows), 2000):
            await session.execute(insert(outbox), rows[start:start + 2000])
    return len(records) / (time.perf_counter() - t0)


async def bus_stage(bootstrap: str, url: str, topic: str, evs: list[Envelope],
                    e2e_events: int) -> dict[str, float]:
    db = Database(url, schema="bench")
    async with db.engine.begin() as conn:
        await conn.exec_driver_sql('CREATE SCHEMA IF NOT EXISTS "bench"')
        await conn.run_sync(meta.drop_all)
        await conn.run_sync(meta.create_all)
    bus = KafkaBus(bootstrap)
    await bus.start()
    await bus.ensure_topics([TopicSpec(topic, "agent_id", "bench", partitions=6)])
    records = [Record.of(topic, e) for e in evs]
    n = len(records)
    figures: dict[str, float] = {}
    figures["outbox_write_events_per_s"] = await fill_outbox(db, records, [e.id for e in evs])

    relay = OutboxRelay(db, bus, outbox, batch_size=1000)
    progress(f"relay: publishing {n} outbox rows ...")
    t0 = time.perf_counter()
    await relay.drain()
    figures["outbox_relay_events_per_s"] = n / (time.perf_counter() - t0)

    counter = [0]
    t_first: list[float] = []

    async def count(_: object) -> None:
        if not t_first:
            t_first.append(time.perf_counter())
        Envelope.from_bytes(_.value)  # type: ignore[attr-defined]
        counter[0] += 1

    progress("bus: consuming with a KafkaBus group ...")
    sub = await bus.subscribe(f"bus-{topic}", [topic], count)
    done = await wait_count(counter, n)
    figures["bus_consume_events_per_s"] = n / (done - t_first[0])
    await sub.stop()

    evs = evs[:e2e_events]
    n = len(evs)
    progress(f"e2e: {n} events: commit -> outbox -> relay -> Kafka -> idempotent handler ...")
    router = EventRouter(f"e2e-{topic}", lambda: UnitOfWork(db, source="b", outbox=outbox,
                                                          inbox=inbox),
                         {"agent.created": apply_effect})
    handled = [0]

    async def counted(delivery: object) -> None:
        await router(delivery)  # type: ignore[arg-type]
        handled[0] += 1

    e2e_topic = f"{topic}-e2e"
    await bus.ensure_topics([TopicSpec(e2e_topic, "agent_id", "bench", partitions=6)])
    sub = await bus.subscribe(f"e2e-{topic}", [e2e_topic], counted)
    relay.start()
    t0 = time.perf_counter()
    e2e_records = [Record.of(e2e_topic, e) for e in evs]
    await fill_outbox(db, e2e_records, [f"E{e.id[1:]}" for e in evs])
    relay.notify()
    done = await wait_count(handled, n)
    figures["e2e_idempotent_events_per_s"] = n / (done - t0)
    await sub.stop()
    await relay.stop()
    await bus.stop()
    await db.dispose()
    return figures


async def apply_effect(uow: UnitOfWork, event: AgentCreated, _: Envelope) -> None:
    statement = postgresql.insert(effects).values(agent_id=event.agent_id, n=1)
    await uow.session.execute(statement.on_conflict_do_update(
        index_elements=["agent_id"], set_={"n": effects.c.n + 1}))


async def run(n: int, e2e_events: int, bootstrap: str, url: str) -> dict[str, float]:
    topic = f"bench-{uuid.uuid4().hex[:8]}"
    evs = envelopes(n)
    admin_bus = KafkaBus(bootstrap)
    await admin_bus.ensure_topics([TopicSpec(f"{topic}-raw", "agent_id", "bench", partitions=6)])
    progress(f"raw aiokafka: {n} events ...")
    figures = await raw_stage(bootstrap, f"{topic}-raw",
                              [Record.of(f"{topic}-raw", e) for e in evs])
    figures.update(await bus_stage(bootstrap, url, topic, evs, e2e_events))
    figures["bus_consume_ratio_vs_raw"] = (figures["bus_consume_events_per_s"]
                                           / figures["raw_consume_events_per_s"])
    figures["relay_ratio_vs_raw_produce"] = (figures["outbox_relay_events_per_s"]
                                             / figures["raw_produce_events_per_s"])
    rounded = {k: round(v, 3 if "ratio" in k else 1) for k, v in figures.items()}
    return {"events": n, "e2e_events": e2e_events, **rounded}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 events (under a minute)")
    parser.add_argument("--events", type=int, default=None)
    args = parser.parse_args()
    n = args.events or (20_000 if args.quick else 100_000)
    # The idempotent path runs one DB transaction per event: fewer events keep --quick short.
    e2e_events = min(n, 2_000 if args.quick else 10_000)
    with infrastructure() as (bootstrap, url):
        figures = asyncio.run(run(n, e2e_events, bootstrap, url))
    targets = {"outbox_relay_events_per_s >= 5000": figures["outbox_relay_events_per_s"] >= 5000,
               "bus_consume_ratio_vs_raw >= 0.5": figures["bus_consume_ratio_vs_raw"] >= 0.5}
    for name, value in figures.items():
        print(f"{name:>36}: {value}")
    for target, met in targets.items():
        print(f"{target:>36}: {'met' if met else 'NOT met'}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
