"""Benchmark: events/s from the local Kafka into metrics' aggregates, against raw aiokafka.

Stages, over the same N events on the same topics in the same run:
  raw      a plain aiokafka consumer reading every record (manual commits, no parsing)
  metrics  the metrics service (its app, KafkaBus consumer group and PostgreSQL) folding every
           event into the interval, agent, reason and real-time tables, batch by batch with
           the inbox claim in the same transaction; then the KPIs read back are checked

The events are a large center's day (1M events in 24 h; --quick is its first hour or so) over
20 queues, 3 channels and 400 agents, in time order as a live stream brings them: queued
(with a contact reason), answered or abandoned, completed, and agents' state changes (no
customer ids: first-contact resolution and containment take per-event queries and are not
part of this figure).

Besides wall-time events/s, each stage's CPU time per event in this process is reported
(time.process_time: the consumer, decoding, folding and the PostgreSQL client, not the
server), which a loaded machine disturbs less, with the load average at the end.

Usage: python bench/metrics.py [--quick] [--events N]
Uses KAFKA_BOOTSTRAP_SERVERS / DATABASE_URL when set, else starts a local broker and PostgreSQL.
The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

import httpx
from _infra import infrastructure, progress
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from ringway.metrics.app import create_app
from ringway.metrics.batch import BatchEventRouter
from ringway.metrics.settings import MetricsSettings
from ringway.shared import contracts  # noqa: F401 - registers the event types
from ringway.shared.bus.base import Record
from ringway.shared.bus.kafka import KafkaBus
from ringway.shared.contracts.agents import AgentState, AgentStateChanged
from ringway.shared.contracts.common import Channel
from ringway.shared.contracts.contacts import (
    ContactAbandoned,
    ContactAccepted,
    ContactCompleted,
    ContactQueued,
)
from ringway.shared.contracts.topics import TOPICS
from ringway.shared.events.envelope import Envelope, EventData
from ringway.shared.web.auth import Authenticator, Role

DAY = datetime(2026, 11, 23, tzinfo=UTC)
QUEUES, AGENTS = 20, 400
REASONS = ("billing", "order-status", "product-info", "complaint", "pricing")
STATES = (AgentState.AVAILABLE, AgentState.BUSY, AgentState.WRAP_UP, AgentState.NOT_READY)



def contact_events(n: int, seed: int = 7) -> tuple[list[Record], int]:
    """About n records (topic, key, bytes) and how many contacts were offered."""
    rng = random.Random(seed)
    records: list[Record] = []
    contacts = 0

    def add(data: EventData) -> None:
        envelope = Envelope.wrap(data, source="routing")
        records.append(Record.of(data.topic, envelope, key=data.key()))

    arrived = DAY
    # A large center's day: ~1M events (3.2 per contact) in 24 h. --quick is the first hour
    # or so of the same day, so both see the same density of contacts and state changes.
    gap_s = 86_000 * 3.2 / 1_000_000
    while len(records) < n:
        contacts += 1
        cid, queue = f"c{contacts:08d}", f"q{rng.randrange(QUEUES):02d}"
        channel = rng.choice((Channel.VOICE, Channel.VOICE, Channel.CHAT, Channel.EMAIL))
        arrived += timedelta(seconds=rng.expovariate(1 / gap_s))
        add(ContactQueued(contact_id=cid, queue_id=queue, channel=channel, arrived_at=arrived,
                          reason=rng.choice(REASONS)))
        waited = int(rng.expovariate(1 / 25_000))
        agent = f"a{rng.randrange(AGENTS):04d}"
        left = arrived + timedelta(milliseconds=waited)
        if rng.random() < 0.1:
            add(ContactAbandoned(contact_id=cid, queue_id=queue, channel=channel,
                                 abandoned_at=left, waited_ms=waited))
            continue
        add(ContactAccepted(contact_id=cid, queue_id=queue, channel=channel, agent_id=agent,
                            accepted_at=left, waited_ms=waited))
        talk = int(rng.expovariate(1 / 240_000))
        add(ContactCompleted(contact_id=cid, queue_id=queue, channel=channel, agent_id=agent,
                             completed_at=left + timedelta(milliseconds=talk + 30_000),
                             talk_ms=talk, hold_ms=0, wrap_up_ms=30_000,
                             reason=rng.choice(REASONS)))
        if rng.random() < 0.3:
            previous, state = rng.sample(STATES, 2)
            add(AgentStateChanged(agent_id=agent, previous=previous, state=state,
                                  changed_at=left, reason="break" if state is
                                  AgentState.NOT_READY else None))
    return records[:n], contacts



async def produce(bootstrap: str, namespace: str, records: list[Record]) -> float:
    """Publish the records (idempotent, acks=all); returns events/s."""
    await KafkaBus(bootstrap, namespace=namespace).ensure_topics(
        [TOPICS["contacts"], TOPICS["agents"]])
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all",
                                linger_ms=5, max_batch_size=512 * 1024)
    await producer.start()
    start = time.perf_counter()
    futures = [await producer.send(namespace + r.topic, r.value, key=r.key.encode(),
                                   headers=list(r.headers)) for r in records]
    await asyncio.gather(*futures)
    await producer.stop()
    return len(records) / (time.perf_counter() - start)


async def raw_consume(bootstrap: str, namespace: str, n: int) -> dict[str, float]:
    """A plain aiokafka group reading all n records: events/s and CPU us/event from the first
    record on (CPU time of this process: less noisy than wall time on a loaded machine)."""
    consumer = AIOKafkaConsumer(namespace + "contacts", namespace + "agents",
                                bootstrap_servers=bootstrap, group_id=f"{namespace}raw",
                                enable_auto_commit=False, auto_offset_reset="earliest",
                                isolation_level="read_committed", max_poll_records=500)
    await consumer.start()
    seen, first, cpu = 0, 0.0, 0.0
    try:
        while seen < n:
            batches = await consumer.getmany(timeout_ms=500)
            if batches and not first:
                first, cpu = time.perf_counter(), time.process_time()
            seen += sum(len(messages) for messages in batches.values())
            if batches:
                await consumer.commit()
        seconds, cpu = time.perf_counter() - first, time.process_time() - cpu
    finally:
        await consumer.stop()
    return {"raw_consume_events_per_s": n / seconds, "raw_cpu_us_per_event": cpu / n * 1e6}


async def ingest(bootstrap: str, url: str, namespace: str, n: int,
                 contacts: int) -> dict[str, float]:
    """Run the metrics app until it has folded all n events; check the KPIs it serves."""
    with TemporaryDirectory() as data:
        settings = MetricsSettings(data_dir=Path(data), database_url=url,
                                   kafka_bootstrap_servers=bootstrap,
                                   service_name="metrics-bench")
        authenticator = Authenticator("b" * 32, admin_api_key="bench-admin-key-0123456789")
        bus = KafkaBus(bootstrap, namespace=namespace, client_id="metrics-bench")
        app = create_app(settings, bus, authenticator, owns_bus=True)
        async with app.router.lifespan_context(app):
            router: BatchEventRouter = app.state.runtime.routers[0]
            start, cpu, before = 0.0, 0.0, 0
            while router.handled + router.duplicates < n:
                if not start and router.handled:  # timed from the end of the first batch on
                    start, cpu = time.perf_counter(), time.process_time()
                    before = router.handled + router.duplicates
                    progress("metrics: consuming ...")
                await asyncio.sleep(0.01)
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            offered = await offered_total(app, authenticator)
        if offered != contacts:
            raise SystemExit(f"KPIs count {offered} contacts offered, expected {contacts}")
        # The service's process: its consumer on the KafkaBus, decoding, folding and the
        # PostgreSQL client (the server's CPU is not in it).
        timed = n - before
        return {"metrics_ingest_events_per_s": timed / seconds,
                "metrics_cpu_us_per_event": cpu / timed * 1e6,
                "metrics_batches": router.batches,
                "metrics_batches_folded_during_claim": router.overlapped,
                "metrics_duplicates": router.duplicates}


async def offered_total(app: object, authenticator: Authenticator) -> int:
    headers = {"Authorization": f"Bearer {authenticator.mint('bench', {Role.SUPERVISOR})}"}
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://m") as client:
        response = await client.get("/kpis/intervals", headers=headers, params={
            "start": DAY.isoformat(), "end": (DAY + timedelta(days=2)).isoformat(),
            "interval_minutes": 60})
        response.raise_for_status()
        return sum(int(row["offered"]) for row in response.json()["items"])


async def run(n: int, bootstrap: str, url: str) -> dict[str, float]:
    namespace = f"bench-{uuid.uuid4().hex[:8]}."
    progress(f"building {n} events ...")
    records, contacts = contact_events(n)
    progress("producing ...")
    figures = {"produce_events_per_s": await produce(bootstrap, namespace, records)}
    # Both consuming stages run in this process: the records produced (a million objects)
    # would otherwise stay in its heap for the collector to walk, which a service has not.
    del records
    gc.collect()
    progress("raw aiokafka consume ...")
    figures.update(await raw_consume(bootstrap, namespace, n))
    figures.update(await ingest(bootstrap, url, namespace, n, contacts))
    figures["metrics_ratio_vs_raw"] = (figures["metrics_ingest_events_per_s"]
                                       / figures["raw_consume_events_per_s"])
    figures["metrics_cpu_ratio_vs_raw"] = (figures["raw_cpu_us_per_event"]
                                           / figures["metrics_cpu_us_per_event"])
    rounded = {k: round(v, 3 if "ratio" in k else 1) for k, v in figures.items()}
    load_1m = os.getloadavg()[0]
    return {"events": n, "contacts": contacts, **rounded, "load_avg_1m": round(load_1m, 2),
            "cpus": os.cpu_count() or 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50,000 events (under a minute)")
    parser.add_argument("--events", type=int, default=None)
    args = parser.parse_args()
    n = args.events or (50_000 if args.quick else 1_000_000)
    with infrastructure() as (bootstrap, url):
        figures = asyncio.run(run(n, bootstrap, url))
    targets = {
        "metrics_ingest_events_per_s >= 20000": figures["metrics_ingest_events_per_s"] >= 20_000,
        "metrics_ratio_vs_raw >= 0.4": figures["metrics_ratio_vs_raw"] >= 0.4}
    for name, value in figures.items():
        print(f"{name:>36}: {value}")
    for target, met in targets.items():
        print(f"{target:>36}: {'met' if met else 'NOT met'}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
