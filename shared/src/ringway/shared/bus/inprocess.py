"""In-process event bus for the embedded mode and fast tests.

Same semantics as the Kafka bus: topics split into partitions by key hash (per-key
order), committed offsets per consumer group (independent groups, redelivery of what
was not committed), members of a group share the partitions, bounded retries then a
dead-letter topic. Records consumed by every group are dropped to bound memory.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from ringway.shared.bus.base import (
    BusStatus,
    Delivery,
    EventBus,
    Handler,
    Record,
    RetryPolicy,
    Subscription,
    handle_with_retries,
)

log = logging.getLogger(__name__)


@dataclass
class _Partition:
    base: int = 0  # offset of records[0]; earlier records were consumed by every group
    records: list[Record] = field(default_factory=list)

    @property
    def end(self) -> int:
        return self.base + len(self.records)


class _Topic:
    def __init__(self, partitions: int) -> None:
        self.partitions = [_Partition() for _ in range(partitions)]
        self.changed = asyncio.Event()

    def notify(self) -> None:
        # Waiters hold the old event; setting it wakes them all, a fresh one is used next.
        self.changed.set()
        self.changed = asyncio.Event()


class _Member(Subscription):
    def __init__(self, bus: InProcessBus, group: str, topics: tuple[str, ...], handler: Handler,
                 retry: RetryPolicy) -> None:
        self.bus = bus
        self.group = group
        self.topics = topics
        self.handler = handler
        self.retry = retry
        self.tasks: list[asyncio.Task[None]] = []
        self.stopping = False

    async def stop(self) -> None:
        self.stopping = True
        for name in self.topics:
            self.bus._topic(name).notify()  # wake idle partition loops so they see `stopping`
        # In-flight handlers finish and commit; then the member leaves.
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.bus._leave(self)

    async def abort(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.bus._leave(self)

    def healthy(self) -> bool:
        return all(not t.done() for t in self.tasks) or self.stopping


class InProcessBus(EventBus):
    """An asyncio-only bus: nothing leaves the process."""

    def __init__(self, partitions: int = 4) -> None:
        self.default_partitions = partitions
        self._topics: dict[str, _Topic] = {}
        self._committed: dict[tuple[str, str, int], int] = {}
        self._members: dict[str, list[_Member]] = {}
        # Every group that ever read a topic holds back trimming until it has consumed.
        self._readers: dict[str, set[str]] = {}
        self._running = False

    async def start(self) -> None:
        self._running = True

    async def stop(self) -> None:
        for members in list(self._members.values()):
            for member in list(members):
                await member.stop()
        self._running = False

    def _topic(self, name: str) -> _Topic:
        if name not in self._topics:
            self._topics[name] = _Topic(self.default_partitions)
        return self._topics[name]

    @staticmethod
    def partition_for(key: str, partitions: int) -> int:
        """Stable partition of a key."""
        return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=4).digest()) % partitions

    async def send(self, records: Sequence[Record]) -> None:
        if not self._running:
            raise RuntimeError("bus is not started")
        touched: set[str] = set()
        for record in records:
            topic = self._topic(record.topic)
            part = self.partition_for(record.key, len(topic.partitions))
            topic.partitions[part].records.append(record)
            touched.add(record.topic)
        for name in touched:
            self._topics[name].notify()

    async def subscribe(self, group: str, topics: Sequence[str], handler: Handler, *,
                        retry: RetryPolicy | None = None) -> Subscription:
        if not self._running:
            raise RuntimeError("bus is not started")
        member = _Member(self, group, tuple(topics), handler, retry or RetryPolicy())
        for name in member.topics:
            self._readers.setdefault(name, set()).add(group)
        await self._rebalance(group, joining=member)
        return member

    async def status(self) -> BusStatus:
        stalled = [
            m.group for members in self._members.values() for m in members if not m.healthy()
        ]
        return BusStatus(reachable=self._running, stalled=stalled)

    def committed(self, group: str, topic: str, partition: int) -> int:
        """Committed offset of a group on a partition (0 if none)."""
        return self._committed.get((group, topic, partition), 0)

    def pending(self, topic: str) -> int:
        """Records not yet dropped from a topic (for tests and memory checks)."""
        return sum(len(p.records) for p in self._topic(topic).partitions)

    # -- group membership -------------------------------------------------------------

    async def _rebalance(self, group: str, joining: _Member | None = None) -> None:
        members = self._members.setdefault(group, [])
        for member in members:
            for task in member.tasks:
                task.cancel()
            await asyncio.gather(*member.tasks, return_exceptions=True)
            member.tasks = []
        if joining is not None:
            members.append(joining)
        assignments = [
            (name, p)
            for name in sorted({t for m in members for t in m.topics})
            for p in range(len(self._topic(name).partitions))
        ]
        for index, (name, part) in enumerate(assignments):
            eligible = [m for m in members if name in m.topics]
            owner = eligible[index % len(eligible)]
            owner.tasks.append(asyncio.create_task(self._consume(owner, name, part)))

    def _leave(self, member: _Member) -> None:
        members = self._members.get(member.group, [])
        if member in members:
            members.remove(member)
            for task in member.tasks:
                task.cancel()
            member.tasks = []
            if members:
                # Re-assign the partitions the leaver owned; offsets resume from commits.
                asyncio.get_running_loop().create_task(self._rebalance(member.group))

    async def _consume(self, member: _Member, name: str, part: int) -> None:
        topic = self._topic(name)
        key = (member.group, name, part)
        while not member.stopping:
            partition = topic.partitions[part]
            position = max(self._committed.get(key, 0), partition.base)
            if position >= partition.end:
                changed = topic.changed
                await changed.wait()
                continue
            record = partition.records[position - partition.base]
            delivery = Delivery(name, part, position, record.key, record.value, record.headers)
            await handle_with_retries(
                member.handler, delivery, member.retry, member.group, self._dead_letter
            )
            self._committed[key] = position + 1
            self._trim(name, part)

    async def _dead_letter(self, record: Record) -> None:
        await self.send([record])

    def _trim(self, name: str, part: int) -> None:
        groups = self._readers.get(name, set())
        partition = self._topic(name).partitions[part]
        floor = min(self._committed.get((g, name, part), 0) for g in groups)
        if floor > partition.base:
            del partition.records[: floor - partition.base]
            partition.base = floor
