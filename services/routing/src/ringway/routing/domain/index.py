"""Indexes that make a routing decision a heap peek instead of a scan over every agent.

Entries are never removed in place: a record's `version` changes when it moves, which makes
its old entries stale; stale entries are dropped when they reach the top, or in bulk when a
heap holds more than twice its live entries.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from typing import TypeVar, cast

from ringway.routing.domain.model import (
    LEAST_OCCUPIED,
    LONGEST_IDLE,
    MOST_SKILLED,
    QUEUED,
    QueueSpec,
)
from ringway.routing.domain.records import AgentRecord, ContactRecord, Slot
from ringway.shared.contracts.common import Channel

R = TypeVar("R", AgentRecord, ContactRecord)
Entry = tuple[float, float, int, int, object]


def _valid(entry: Entry) -> bool:
    record = cast(AgentRecord | ContactRecord, entry[4])
    return entry[3] == record.version


def _push(slot: Slot, entry: Entry) -> None:
    heapq.heappush(slot.entries, entry)
    slot.live += 1
    if len(slot.entries) > 2 * slot.live + 32:
        _compact(slot)


def _compact(slot: Slot) -> None:
    slot.entries = [e for e in slot.entries if _valid(e)]
    heapq.heapify(slot.entries)


def _best(slot: Slot | None, skip: Callable[[R], bool]) -> R | None:
    """The best live record of a heap that `skip` does not exclude."""
    if slot is None:
        return None
    heap, skipped, found = slot.entries, [], None
    while heap:
        entry = heap[0]
        if not _valid(entry):
            heapq.heappop(heap)
            continue
        record = cast(R, entry[4])
        if skip(record):
            skipped.append(heapq.heappop(heap))
            continue
        found = record
        break
    for entry in skipped:
        heapq.heappush(heap, entry)
    return found


def strategy_score(queue: QueueSpec, step: int, agent: AgentRecord, now: float) -> float:
    """The figure the strategy chose by, for the offer's explanation."""
    strategy = queue.strategy
    if strategy is LONGEST_IDLE:
        return round(max(0.0, now - agent.idle_since), 3)
    if strategy is LEAST_OCCUPIED:
        return round(1.0 - agent.occupancy(), 3)
    if strategy is MOST_SKILLED:
        return float(queue.requirement_at(step).score(agent.spec.skills))
    return float(agent.last_offer.get(queue.id, -1))


class AgentIndex:
    """Available agents per (queue, overflow step, channel), ordered by the queue's strategy.

    Ties go to the longest idle agent. Filing an agent is the hot path of every decision, so
    `file` computes each key inline rather than through a call per heap.
    """

    def __init__(self) -> None:
        self._slots: dict[tuple[str, int, Channel], Slot] = {}
        self._seq = itertools.count()

    def slot(self, queue_id: str, step: int, channel: Channel) -> Slot:
        """The heap of one (queue, step, channel), created on first use."""
        key = (queue_id, step, channel)
        slot = self._slots.get(key)
        if slot is None:
            slot = self._slots[key] = Slot()
        return slot

    def file(self, agent: AgentRecord) -> None:
        """Index an agent in every pool heap of a channel it can take now."""
        free, seq, heap_push = agent.free, self._seq, heapq.heappush
        version, idle, load = agent.version, agent.idle_since, agent.load
        occupancy = agent.occupancy()
        for queue, _, skill, targets in agent.pools:
            strategy = queue.strategy
            for channel, slot in targets:
                if channel not in free:
                    continue
                if strategy is LONGEST_IDLE:
                    first = float(load.get(channel, 0))
                elif strategy is LEAST_OCCUPIED:
                    first = occupancy
                elif strategy is MOST_SKILLED:
                    first = -skill
                else:
                    first = float(agent.last_offer.get(queue.id, -1))
                heap_push(slot.entries, (first, idle, next(seq), version, agent))
                slot.live += 1
                agent.slots.append(slot)
                if len(slot.entries) > 2 * slot.live + 32:
                    _compact(slot)

    def best(self, queue_id: str, step: int, channel: Channel,
             declined: frozenset[str]) -> AgentRecord | None:
        """The best indexed agent that has not declined the contact."""
        def skip(agent: AgentRecord) -> bool:
            return agent.spec.id in declined

        return _best(self._slots.get((queue_id, step, channel)), skip)

    def entries(self) -> int:
        """Heap entries held, live or stale (for memory figures)."""
        return sum(len(slot.entries) for slot in self._slots.values())


class ContactIndex:
    """Queued contacts per (queue, channel, overflow step): priority, then original arrival."""

    def __init__(self) -> None:
        self._slots: dict[tuple[str, Channel, int], Slot] = {}

    def push(self, contact: ContactRecord) -> None:
        """Put a queued contact in line at its original place."""
        key = (contact.queue_id, contact.channel, contact.step)
        slot = self._slots.get(key)
        if slot is None:
            slot = self._slots[key] = Slot()
        entry = (-float(contact.priority), contact.arrived_at, contact.seq, contact.version,
                 contact)
        _push(slot, entry)
        contact.slot = slot

    def best(self, queue_id: str, channel: Channel, step: int,
             agent_id: str) -> ContactRecord | None:
        """The first queued contact in line that this agent has not declined."""
        def skip(contact: ContactRecord) -> bool:
            return agent_id in contact.declined

        return _best(self._slots.get((queue_id, channel, step)), skip)

    def ahead_of(self, contact: ContactRecord) -> int:
        """How many queued contacts of the same queue and channel are ahead of this one."""
        mine = (-float(contact.priority), contact.arrived_at, contact.seq)
        ahead = 0
        for (queue_id, channel, _), slot in self._slots.items():
            if queue_id != contact.queue_id or channel != contact.channel:
                continue
            ahead += sum(1 for e in slot.entries
                         if _valid(e) and e[:3] < mine
                         and cast(ContactRecord, e[4]).status is QUEUED)
        return ahead

    def entries(self) -> int:
        """Heap entries held, live or stale (for memory figures)."""
        return sum(len(slot.entries) for slot in self._slots.values())
