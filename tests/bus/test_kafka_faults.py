"""Kafka under faults: a broker restart under a running consumer never stalls it silently."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiokafka.errors import KafkaError

from ringway.shared.bus.base import Delivery, Record
from ringway.shared.bus.kafka import KafkaBus
from ringway.shared.contracts.topics import TopicSpec
from ringway.shared.testing.kafka import LocalKafka
from tests.conftest import eventually, unique

pytestmark = pytest.mark.kafka


async def send_until_accepted(bus: KafkaBus, record: Record, timeout: float = 90) -> None:
    """Publish, retrying while the broker is still coming back."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            await bus.send([record])
            return
        except (KafkaError, TimeoutError):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)


@pytest.mark.parametrize("how", ["terminate", "kill"])
async def test_consumer_resumes_after_the_broker_restarts(kafka: LocalKafka, how: str) -> None:
    bus = KafkaBus(kafka.bootstrap_servers, stall_timeout_s=5.0, session_timeout_ms=6000)
    await bus.start()
    topic = unique("restart")
    await bus.ensure_topics([TopicSpec(topic, "key", "test", partitions=2)])
    got: list[bytes] = []

    async def handler(d: Delivery) -> None:
        got.append(d.value)

    try:
        member = await bus.subscribe(unique("g"), [topic], handler)
        await bus.send([Record(topic, "k", b"before")])
        await eventually(lambda: got == [b"before"], what="first record")

        await asyncio.to_thread(kafka.stop if how == "terminate" else kafka.kill)
        status = await bus.status()
        assert not status.reachable
        assert not status.ready
        await asyncio.to_thread(kafka.restart)

        await send_until_accepted(bus, Record(topic, "k", b"after"))
        await eventually(lambda: got[-1:] == [b"after"], timeout=90, what="record after restart")
        assert got.count(b"before") >= 1
        assert member.healthy()
        assert (await bus.status()).ready
    finally:
        await bus.stop()


async def until_reachable(bus: KafkaBus, failure: str, *, want: bool = True,
                          timeout: float = 60) -> None:
    """Wait until the bus reports the broker reachable (or, with want=False, unreachable)."""
    deadline = time.monotonic() + timeout
    while (await bus.status()).reachable is not want:
        assert time.monotonic() < deadline, failure
        await asyncio.sleep(0.5)


async def test_paused_broker_makes_readiness_false_then_true(kafka: LocalKafka) -> None:
    bus = KafkaBus(kafka.bootstrap_servers, stall_timeout_s=5.0, session_timeout_ms=6000)
    await bus.start()
    try:
        # On a loaded machine the first metadata round trip can outlast the 3 s probe.
        await until_reachable(bus, "bus never became reachable")
        await asyncio.to_thread(kafka.pause)
        try:
            # A metadata answer already on its way when the broker froze can still arrive once.
            await until_reachable(bus, "bus never reported the frozen broker", want=False,
                                  timeout=20)
        finally:
            await asyncio.to_thread(kafka.resume)
        await until_reachable(bus, "bus never became reachable again")
    finally:
        await bus.stop()
