"""End to end on real Kafka and PostgreSQL: routing's events on the topics -> metrics' HTTP KPIs."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from metrics_harness import ADMIN_KEY, DAY, accepted, at, queued
from test_inbound_kpis import AVAILABLE, BUSY, OFFLINE, state

from ringway.metrics.app import create_app
from ringway.metrics.settings import MetricsSettings
from ringway.shared.bus.base import Record
from ringway.shared.bus.kafka import KafkaBus
from ringway.shared.events.registry import REGISTRY
from ringway.shared.testing.kafka import LocalKafka
from ringway.shared.web.auth import Authenticator, Role

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]


async def test_routing_events_over_kafka_become_kpis_on_postgres(
        kafka: LocalKafka, pg_url: str, tmp_path: Path) -> None:
    queue = f"q-{uuid.uuid4().hex[:8]}"  # the broker is shared by the session: our own queue
    settings = MetricsSettings(data_dir=tmp_path, database_url=pg_url,
                               kafka_bootstrap_servers=kafka.bootstrap_servers,
                               service_name=f"metrics-{uuid.uuid4().hex[:8]}")
    authenticator = Authenticator("k" * 32, admin_api_key=ADMIN_KEY)
    app = create_app(settings, KafkaBus(kafka.bootstrap_servers), authenticator, owns_bus=True)
    producer = KafkaBus(kafka.bootstrap_servers, client_id="routing-test")
    events = [queued("c1", at(1), queue=queue), queued("c2", at(2), queue=queue),
              accepted("c1", at(1.2), waited_ms=12_000, queue=queue),
              state(f"a-{queue}", OFFLINE, AVAILABLE, at(0)),
              state(f"a-{queue}", AVAILABLE, BUSY, at(1.2))]
    headers = {"Authorization": f"Bearer {authenticator.mint('sup', {Role.SUPERVISOR})}"}
    async with app.router.lifespan_context(app):
        await producer.start()
        try:
            await producer.send([Record.of(REGISTRY.model(e.type).topic, e) for e in events])
            await producer.send([Record.of("contacts", e) for e in events[:1]])  # redelivered
        finally:
            await producer.stop()
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://m")
        rows: list[dict[str, Any]] = []

        async def fetch() -> None:
            response = await client.get("/kpis/intervals", params={**DAY, "queue_id": queue},
                                        headers=headers)
            # 404 unknown-queue until the first event naming our queue is consumed.
            rows[:] = response.json()["items"] if response.status_code == 200 else []

        async def seen() -> bool:
            await fetch()
            return bool(rows) and rows[0]["answered"] == 1 and rows[0]["offered"] >= 2

        await eventually_async(seen)
        assert (rows[0]["offered"], rows[0]["answered_within_sl"]) == (2, 1)
        board = (await client.get("/realtime", headers=headers)).json()
        [mine] = [q for q in board["queues"] if q["queue_id"] == queue]
        assert mine["waiting"] == 1
        await client.aclose()


async def eventually_async(check: Any, timeout: float = 60.0) -> None:
    """Wait until the async `check()` is true."""
    async with asyncio.timeout(timeout):
        while not await check():  # noqa: ASYNC110 - polling an HTTP read model
            await asyncio.sleep(0.2)

