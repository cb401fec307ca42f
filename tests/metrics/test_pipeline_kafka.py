"""Pipelined ingestion on real Kafka and PostgreSQL: a batch whose transaction fails half-way
(after its inbox claim, at its upserts) goes one by one before the next batch is applied, and
the aggregates come out exact, with per-contact state read in event order across batches."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from metrics_harness import ADMIN_KEY, at, queued, wrap
from sqlalchemy import func, select

from ringway.metrics import store, tables
from ringway.metrics.app import create_app
from ringway.metrics.batch import BatchEventRouter
from ringway.metrics.settings import MetricsSettings
from ringway.shared.bus.base import Record
from ringway.shared.bus.kafka import KafkaBus
from ringway.shared.contracts.common import Channel
from ringway.shared.contracts.contacts import ContactTransferred
from ringway.shared.contracts.topics import TOPICS
from ringway.shared.testing.kafka import LocalKafka
from ringway.shared.web.auth import Authenticator
from tests.conftest import unique

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

CONTACTS, POLL = 100, 40


def transferred(contact: str, minutes: float) -> Any:
    return wrap(ContactTransferred(contact_id=contact, from_agent_id="a1", queue_id="qb",
                                   channel=Channel.VOICE, transferred_at=at(minutes),
                                   arrived_at=at(1)))


async def test_a_batch_failing_mid_transaction_goes_one_by_one_and_the_totals_are_exact(
        kafka: LocalKafka, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    namespace = f"{unique('pipe')}."
    contacts = [f"c{n:03d}" for n in range(CONTACTS)]
    # Every contact queued in qa, then (later batches) transferred to qb: the transfer counts
    # against qa only if the contact's earlier queueing was applied first.
    events = [queued(c, at(1), queue="qa") for c in contacts] + \
        [transferred(c, 20) for c in contacts]
    producer = KafkaBus(kafka.bootstrap_servers, namespace=namespace)
    await producer.start()
    try:
        await producer.ensure_topics([TOPICS["contacts"]])
        await producer.send([Record.of("contacts", e) for e in events])
    finally:
        await producer.stop()

    real_execute, failed = store.execute, []

    async def execute_failing_once(uow: Any, statements: Any) -> None:
        if router.batches == 1 and not failed:  # the second batch, after its claim
            failed.append(True)
            raise ConnectionResetError("PostgreSQL went away during the upserts")
        await real_execute(uow, statements)

    monkeypatch.setattr(store, "execute", execute_failing_once)
    settings = MetricsSettings(data_dir=tmp_path, database_url=pg_url,
                               kafka_bootstrap_servers=kafka.bootstrap_servers,
                               service_name=unique("metrics"), consumer_batch_max=POLL)
    bus = KafkaBus(kafka.bootstrap_servers, namespace=namespace)
    app = create_app(settings, bus, Authenticator("k" * 32, admin_api_key=ADMIN_KEY),
                     owns_bus=True)
    async with app.router.lifespan_context(app):
        router: BatchEventRouter = app.state.runtime.routers[0]
        async with asyncio.timeout(60):
            while router.handled < len(events):  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        async with app.state.runtime.uow() as uow:
            s = tables.interval_stats
            totals = dict((await uow.session.execute(
                select(s.c.queue_id, func.sum(s.c.offered) * 1000 + func.sum(s.c.transfers))
                .group_by(s.c.queue_id))).all())
    assert failed == [True]
    assert router.duplicates == 0
    assert router.batches >= 3  # batches on both sides of the failed one
    assert totals == {"qa": CONTACTS * 1000 + CONTACTS}  # offered 100, transferred out 100
