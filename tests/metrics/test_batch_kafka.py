"""KafkaBus hands a whole poll to a handler's `handle_batch`, and falls back to one by one."""

from __future__ import annotations

import asyncio
import gc
import uuid
from collections.abc import Sequence

import pytest

from ringway.shared.bus.base import Delivery, Record
from ringway.shared.bus.kafka import KafkaBus
from ringway.shared.contracts.topics import TopicSpec
from ringway.shared.testing.kafka import LocalKafka

pytestmark = pytest.mark.kafka


class Batching:
    """Records what arrived in batches and one by one; its batches can be made to fail."""

    def __init__(self, *, fail_batches: bool) -> None:
        self.fail_batches = fail_batches
        self.batched: list[int] = []
        self.single: list[int] = []
        self.order: list[int] = []
        self.collecting_in_batch: set[bool] = set()

    async def __call__(self, delivery: Delivery) -> None:
        self.single.append(int(delivery.value))
        self.order.append(int(delivery.value))

    async def handle_batch(self, deliveries: Sequence[Delivery]) -> None:
        if self.fail_batches:
            raise RuntimeError("the database went away for this batch")
        self.collecting_in_batch.add(gc.isenabled())
        self.batched.extend(int(d.value) for d in deliveries)
        self.order.extend(int(d.value) for d in deliveries)


async def consume(kafka: LocalKafka, handler: Batching, count: int) -> None:
    topic = f"batch-{uuid.uuid4().hex[:8]}"
    bus = KafkaBus(kafka.bootstrap_servers, stall_timeout_s=5.0, session_timeout_ms=6000)
    await bus.start()
    try:
        await bus.ensure_topics([TopicSpec(topic, "n", "test", partitions=1)])
        await bus.send([Record(topic, "k", str(n).encode()) for n in range(count)])
        member = await bus.subscribe(f"g-{topic}", [topic], handler)
        async with asyncio.timeout(60):
            while len(handler.batched) + len(handler.single) < count:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        await member.stop()
    finally:
        await bus.stop()


async def test_a_poll_goes_to_handle_batch_in_order(kafka: LocalKafka) -> None:
    handler = Batching(fail_batches=False)
    await consume(kafka, handler, 300)
    assert handler.order == list(range(300))  # one partition: its order kept
    assert len(handler.batched) > len(handler.single)  # a poll of one record goes alone
    # A batch's objects are not rescanned by the cyclic collector; it runs again after.
    assert handler.collecting_in_batch == {False}
    assert gc.isenabled()


async def test_a_failed_batch_is_handled_one_by_one_and_nothing_is_lost(
        kafka: LocalKafka) -> None:
    handler = Batching(fail_batches=True)
    await consume(kafka, handler, 300)
    assert handler.single == list(range(300))
    assert handler.batched == []
    assert gc.isenabled()  # turned back on after the failed batch
