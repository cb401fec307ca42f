"""Opt-in pipelining on the real broker: a handler with `prepare_batch` has poll N+1 fetched and
prepared while batch N is applied; offsets never pass a batch not applied, order is kept, and
a failed or interrupted apply loses nothing."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from ringway.shared.bus.base import Delivery, Record
from ringway.shared.bus.kafka import KafkaBus
from ringway.shared.contracts.topics import TopicSpec
from ringway.shared.testing.kafka import LocalKafka
from tests.conftest import unique

pytestmark = pytest.mark.kafka

COUNT, POLL = 300, 50  # one partition, all produced first: polls of 50 from one fetch


class Pipelined:
    """Applies batches after the next one was prepared; can fail or hold one batch's apply."""

    def __init__(self, kafka: LocalKafka, group: str, *, fail_batch: int | None = None,
                 hold_batch: int | None = None) -> None:
        self.bootstrap, self.group = kafka.bootstrap_servers, group
        self.fail_batch, self.hold_batch = fail_batch, hold_batch
        self.prepared: list[list[int]] = []
        self.applied: list[int] = []  # every value handled, batch or single, in order
        self.single: list[int] = []
        self.finished = 0  # applies returned (or failed)
        self.prepared_before_previous_finished = 0
        self.failing = False
        self.failed: list[int] = []
        self.held: list[int] = []
        self.prepared_while_failing: list[list[int]] = []
        self.committed_at_apply: list[tuple[int, int]] = []  # (batch's first offset, committed)
        self.holding = asyncio.Event()
        self.applies = 0

    async def __call__(self, delivery: Delivery) -> None:
        self.single.append(int(delivery.value))
        self.applied.append(int(delivery.value))

    async def prepare_batch(self, deliveries: Sequence[Delivery]) -> Callable[[], Awaitable[None]]:
        self.prepared_before_previous_finished += len(self.prepared) > self.finished
        values = [int(d.value) for d in deliveries]
        self.prepared.append(values)
        if self.failing:
            self.prepared_while_failing.append(values)
        position, first = len(self.prepared), deliveries[0].offset

        async def apply() -> None:
            index = self.applies
            self.applies += 1
            try:
                self.failing = index == self.fail_batch
                if values[-1] != COUNT - 1:  # not the last: the next poll is prepared meanwhile
                    await self._wait_for(lambda: len(self.prepared) > position)
                self.committed_at_apply.append((first, await committed(self.bootstrap,
                                                                       self.group)))
                if index == self.hold_batch:
                    self.held = values
                    self.holding.set()
                    await asyncio.Event().wait()  # until the member is aborted
                if self.failing:
                    self.failed = values
                    raise RuntimeError("the database went away for this batch")
                self.applied.extend(values)
            finally:
                self.finished += 1
        return apply

    async def _wait_for(self, condition: Callable[[], bool]) -> None:
        # (A poll can come back empty while its records are still being fetched: the loop
        # then lands this batch first, so the wait is bounded.)
        try:
            async with asyncio.timeout(3):
                while not condition():  # noqa: ASYNC110
                    await asyncio.sleep(0.01)
        except TimeoutError:
            pass


async def committed(bootstrap: str, group: str) -> int:
    """The group's committed offset on the test topic's one partition (0: none yet)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    return max((o.offset for o in offsets.values()), default=0)


async def until(check: Callable[[], bool] | Callable[[], Awaitable[bool]]) -> None:
    async with asyncio.timeout(60):
        while True:
            result = check()
            if await result if isinstance(result, Awaitable) else result:
                return
            await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def topic_with_records(kafka: LocalKafka) -> AsyncIterator[tuple[KafkaBus, str]]:
    bus = KafkaBus(kafka.bootstrap_servers, stall_timeout_s=5.0, session_timeout_ms=6000,
                   max_poll_records=POLL)
    await bus.start()
    try:
        topic = unique("pipe")
        await bus.ensure_topics([TopicSpec(topic, "n", "test", partitions=1)])
        await bus.send([Record(topic, "k", str(n).encode()) for n in range(COUNT)])
        yield bus, topic
    finally:
        await bus.stop()


async def test_the_next_poll_is_prepared_while_a_batch_applies_and_offsets_wait_for_it(
        kafka: LocalKafka) -> None:
    async with topic_with_records(kafka) as (bus, topic):
        group = unique("g")
        handler = Pipelined(kafka, group)
        member = await bus.subscribe(group, [topic], handler)
        await until(lambda: len(handler.applied) >= COUNT)
        await until(lambda: _is(committed(kafka.bootstrap_servers, group), COUNT))
        await member.stop()
    assert handler.applied == list(range(COUNT))  # one partition: its order kept
    assert len(handler.prepared) >= 3
    # Batches were prepared while the one before was still being applied ...
    assert handler.prepared_before_previous_finished >= 1
    # No batch's offsets were committed before its apply had returned.
    assert all(done <= first for first, done in handler.committed_at_apply)


async def test_a_failed_apply_goes_one_by_one_before_the_next_batch_and_loses_nothing(
        kafka: LocalKafka) -> None:
    async with topic_with_records(kafka) as (bus, topic):
        group = unique("g")
        handler = Pipelined(kafka, group, fail_batch=1)
        member = await bus.subscribe(group, [topic], handler)
        await until(lambda: len(handler.applied) >= COUNT)
        await until(lambda: _is(committed(kafka.bootstrap_servers, group), COUNT))
        await member.stop()
    assert handler.failed
    assert all(v in handler.single for v in handler.failed)  # each handled alone
    assert handler.applied == list(range(COUNT))  # and before anything after them
    # A batch prepared while the failed one was applied was prepared again afterwards.
    for values in handler.prepared_while_failing:
        assert handler.prepared.count(values) == 2
    assert all(done <= first for first, done in handler.committed_at_apply)


async def test_a_crash_during_an_apply_commits_no_offset_past_it_and_the_group_resumes_there(
        kafka: LocalKafka) -> None:
    async with topic_with_records(kafka) as (bus, topic):
        group = unique("g")
        crashing = Pipelined(kafka, group, hold_batch=2)
        member = await bus.subscribe(group, [topic], crashing)
        await asyncio.wait_for(crashing.holding.wait(), timeout=60)
        held_first = crashing.held[0]
        await member.abort()
        resumed_at = await committed(kafka.bootstrap_servers, group)
        assert resumed_at <= held_first  # nothing past the batch being applied
        after = Pipelined(kafka, group)
        member = await bus.subscribe(group, [topic], after)
        await until(lambda: bool(after.applied) and after.applied[-1] == COUNT - 1)
        await member.stop()
    assert crashing.applied == list(range(held_first))
    assert after.applied == list(range(resumed_at, COUNT))  # from the committed offset, in order


async def _is(value: Awaitable[int], expected: int) -> bool:
    return await value == expected
