"""An outside consumer follows routing configuration changes on the real Kafka `routing` topic."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
from routing_harness import eventually
from test_routing_e2e import ADMIN_KEY, Service, routing_process  # noqa: F401 - the fixture

from ringway.shared.bus.base import Delivery
from ringway.shared.bus.kafka import KafkaBus
from ringway.shared.testing.kafka import LocalKafka

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]


def _configure(service: Service) -> None:
    admin = {"X-API-Key": ADMIN_KEY}
    with httpx.Client(base_url=service.url, timeout=10, headers=admin) as client:
        for method, path, body, status in [
                ("PUT", "/reasons/billing", {"category": "post-sale", "label": "Billing"}, 201),
                ("POST", "/routing-rules", {"reason": "billing", "queue_id": "billing"}, 201),
                ("PUT", "/queues/billing", {}, 201),
                ("PUT", "/queues/main", {"outcomes": {"full": {"action": "overflow",
                                                               "queue_id": "nowhere"}}}, 422),
                ("PUT", "/routing-settings", {"repeat_window_s": 600, "repeat_boost": 20}, 200)]:
            response = client.request(method, path, json=body)
            assert response.status_code == status, response.text


async def test_configuration_changes_reach_a_kafka_consumer(
        routing_process: Service, kafka: LocalKafka) -> None:  # noqa: F811 - the fixture
    seen: list[Any] = []

    async def observe(delivery: Delivery) -> None:
        seen.append(delivery.envelope())

    observer = KafkaBus(kafka.bootstrap_servers, client_id="routing-config-observer",
                        namespace=routing_process.env["KAFKA_NAMESPACE"])
    await observer.start()
    await observer.subscribe(f"config-observer-{time.time_ns()}", ["routing"], observe)
    try:
        await asyncio.to_thread(_configure, routing_process)
        await eventually(lambda: len({e.id for e in seen}) >= 4, timeout_s=60,
                         what="four configuration events on the routing topic")
    finally:
        await observer.stop()
    # One partition: every change arrives in the order it was made; the refused one is absent.
    assert [(e.type, e.subject) for e in {e.id: e for e in seen}.values()] == [
        ("contact_reason.saved", "reason:billing"), ("routing_rule.saved", seen[1].subject),
        ("queue.configured", "queue:billing"), ("routing_settings.changed", "settings")]
