"""Indexes that make a routing decision a heap peek instead of a scan over every agent.

Agent heaps are maintained lazily, because re-filing an agent in each of its ~10 heaps on
every offer was most of a decision's cost. An agent's entry in a heap keeps the key it was
filed with; changes that can only make the agent a worse pick (a new offer, a later idle
time) leave the entry where it is, and the peek corrects it when it reaches the top: pops it,
or re-pushes it with its current key. Ties go to the agent filed first, as if it had been
re-filed: each filing takes a sequence number, the agent's `stamp`, and an entry older than
its agent's stamp is re-pushed with that stamp. So an offer, which only makes the agent a
worse pick everywhere, re-files it in constant time (a new stamp). Changes that can make the
agent a better pick (freed capacity) are re-filed at `file` time. An entry is a list
`[first, idle, seq, agent]`: the unique `seq` decides every comparison before the fourth
item, so the agent can be set to None in place (dead). Dead entries are dropped at the top,
or in bulk when a heap holds more than twice its live entries.

Contact heaps keep the older scheme: an entry is stale once its record's `version` moved.
"""

from __future__ import annotations

import heapq
import itertools
from typing import Any

from ringway.routing.domain.model import (
    LEAST_OCCUPIED,
    LONGEST_IDLE,
    MOST_SKILLED,
    QUEUED,
    QueueSpec,
    Strategy,
)
from ringway.routing.domain.records import AgentRecord, ContactRecord, Pool, Slot
from ringway.shared.contracts.common import Channel

Entry = tuple[float, float, int, int, object]
AgentEntry = list[Any]
"""[first key, idle since, sequence, agent record or None once dead]."""

_heappush, _heappop, _heapreplace = heapq.heappush, heapq.heappop, heapq.heapreplace


def _push(slot: Slot, entry: Entry) -> None:
    _heappush(slot.entries, entry)
    slot.live += 1
    if len(slot.entries) > 2 * slot.live + 32:
        slot.entries = [e for e in slot.entries
                        if e[3] == e[4].version]
        heapq.heapify(slot.entries)


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


class AgentSlot(Slot):
    """One (queue, step, channel) heap of available agents, with what its keys are made of."""

    __slots__ = ("channel", "contacts", "queue_id", "step", "strategy")

    def __init__(self, queue_id: str, step: int, channel: Channel) -> None:
        super().__init__()
        self.queue_id, self.step, self.channel = queue_id, step, channel
        self.strategy: Strategy = LONGEST_IDLE
        self.contacts: Slot | None = None
        """The heap of queued contacts these agents may take (linked on first use)."""


class Filing:
    """Where one agent is filed: the pools it was filed for and its live entry per heap."""

    __slots__ = ("entries", "pools")

    def __init__(self, pools: tuple[Pool, ...]) -> None:
        self.pools = pools
        self.entries: dict[Slot, AgentEntry] = {}


class AgentIndex:
    """Available agents per (queue, overflow step, channel), ordered by the queue's strategy.

    Ties go to the longest idle agent, then to the agent filed first.
    """

    def __init__(self) -> None:
        self._slots: dict[tuple[str, int, Channel], AgentSlot] = {}
        self._filed: dict[str, Filing] = {}
        self._seq = itertools.count()

    def slot(self, queue_id: str, step: int, channel: Channel) -> Slot:
        """The heap of one (queue, step, channel), created on first use."""
        key = (queue_id, step, channel)
        slot = self._slots.get(key)
        if slot is None:
            slot = self._slots[key] = AgentSlot(queue_id, step, channel)
        return slot

    def file(self, agent: AgentRecord, *, worse_only: bool = False) -> None:
        """Make sure the agent is filed, at least as well as it deserves, where it is free.

        `worse_only`: since the last filing the agent only became a worse pick (an offer), so
        every entry it has where it is free is filed at least as well: a new stamp does.
        """
        stamp = next(self._seq)
        filing = self._filed.get(agent.spec.id)
        if worse_only and filing is not None and filing.pools is agent.pools:
            agent.stamp = stamp
            return
        if filing is None or filing.pools is not agent.pools:
            filing = self._refiling(agent, filing)
        agent.stamp = stamp
        entries, idle, load, targets = filing.entries, agent.idle_since, agent.load, agent.targets
        occupancy = -1.0  # computed once, if a least-occupied queue needs it
        for channel in agent.free:
            on_channel = float(load.get(channel, 0))
            for slot, strategy, skilled, queue_id, _ in targets.get(channel, ()):
                # Inline: this loop is the hot path of every freed agent.
                if strategy is LONGEST_IDLE:
                    first = on_channel
                elif strategy is LEAST_OCCUPIED:
                    if occupancy < 0:
                        occupancy = agent.occupancy()
                    first = occupancy
                elif strategy is MOST_SKILLED:
                    first = skilled
                else:
                    first = float(agent.last_offer.get(queue_id, -1))
                old = entries.get(slot)
                if old is not None:
                    if old[0] < first or (old[0] == first and old[1] <= idle):
                        continue  # filed too well: the peek will correct it (stamp)
                    old[3] = None
                    slot.live -= 1
                slot.strategy = strategy  # type: ignore[attr-defined]
                entries[slot] = self._enter(slot, [first, idle, stamp, agent])

    def _refiling(self, agent: AgentRecord, filing: Filing | None) -> Filing:
        """The agent's pools changed: every entry it had is dead."""
        if filing is not None:
            for slot, entry in filing.entries.items():
                entry[3] = None
                slot.live -= 1
        filing = self._filed[agent.spec.id] = Filing(agent.pools)
        return filing

    def _enter(self, slot: Slot, entry: AgentEntry) -> AgentEntry:
        heap = slot.entries
        _heappush(heap, entry)
        slot.live += 1
        if len(heap) > 2 * slot.live + 32:
            slot.entries = [e for e in heap if e[3] is not None]
            heapq.heapify(slot.entries)
        return entry

    def best(self, queue_id: str, step: int, channel: Channel,
             declined: frozenset[str]) -> AgentRecord | None:
        """The best available agent that has not declined the contact."""
        slot = self._slots.get((queue_id, step, channel))
        if slot is None:
            return None
        heap: list[AgentEntry] = slot.entries
        skipped: list[AgentEntry] = []
        found = None
        while heap:
            entry = heap[0]
            agent: AgentRecord | None = entry[3]
            if agent is None:
                _heappop(heap)
            elif channel not in agent.free:
                self._drop(slot, _heappop(heap), agent)
            elif not self._current(slot, entry, agent):
                pass
            elif declined and agent.spec.id in declined:
                skipped.append(_heappop(heap))
            else:
                found = agent
                break
        if skipped:
            for entry in skipped:
                _heappush(heap, entry)
        return found

    def _drop(self, slot: AgentSlot, entry: AgentEntry, agent: AgentRecord) -> None:
        """The agent is not free here any more: out until `file` puts it back."""
        entry[3] = None
        slot.live -= 1
        self._filed[agent.spec.id].entries.pop(slot, None)

    def _current(self, slot: AgentSlot, entry: AgentEntry, agent: AgentRecord) -> bool:
        """True if the top entry's key is current; else move it down to its true place."""
        strategy = slot.strategy
        # `_first` inline: this runs on most peeks.
        if strategy is LONGEST_IDLE:
            first = float(agent.load.get(slot.channel, 0))
        elif strategy is MOST_SKILLED:
            first = entry[0]
        elif strategy is LEAST_OCCUPIED:
            first = agent.occupancy()
        else:
            first = float(agent.last_offer.get(slot.queue_id, -1))
        stamp = agent.stamp
        if stamp <= entry[2] and first == entry[0] and agent.idle_since == entry[1]:
            return True
        # Re-keyed in place and sifted down from the top: the agent's one live entry here
        # stays the same list, so neither a new entry nor its filing's record is needed.
        entry[0], entry[1] = first, agent.idle_since
        entry[2] = stamp if stamp > entry[2] else next(self._seq)
        _heapreplace(slot.entries, entry)
        return False

    def entries(self) -> int:
        """Heap entries held, live or dead (for memory figures)."""
        return sum(len(slot.entries) for slot in self._slots.values())


class ContactIndex:
    """Queued contacts per (queue, channel, overflow step): priority, then original arrival."""

    def __init__(self) -> None:
        self._slots: dict[tuple[str, Channel, int], Slot] = {}

    def _slot(self, queue_id: str, channel: Channel, step: int) -> Slot:
        key = (queue_id, channel, step)
        slot = self._slots.get(key)
        if slot is None:
            slot = self._slots[key] = Slot()
        return slot

    def push(self, contact: ContactRecord) -> None:
        """Put a queued contact in line at its original place."""
        slot = self._slot(contact.queue_id, contact.channel, contact.step)
        entry = (-float(contact.priority), contact.arrived_at, contact.seq, contact.version,
                 contact)
        _push(slot, entry)
        contact.slot = slot

    def best(self, queue_id: str, channel: Channel, step: int,
             agent_id: str) -> ContactRecord | None:
        """The first queued contact in line that this agent has not declined."""
        slot = self._slots.get((queue_id, channel, step))
        if slot is None:
            return None
        heap = slot.entries
        while heap:
            entry = heap[0]
            contact: ContactRecord = entry[4]
            if entry[3] != contact.version:
                _heappop(heap)
            elif agent_id in contact.declined:
                return self._best_undeclined(heap, agent_id)
            else:
                return contact
        return None

    def best_for(self, agent: AgentRecord) -> ContactRecord | None:
        """The contact a freed agent should take next: queue priority, then its place in line."""
        best, best_key = None, None
        agent_id, targets = agent.spec.id, agent.targets
        for channel in agent.free:
            for target, _, _, _, rank in targets.get(channel, ()):
                # The agent heap of a pool links to the contact heap it serves, sparing a
                # tuple-keyed lookup per pool on every freed agent.
                pool_slot: AgentSlot = target  # type: ignore[assignment]
                slot = pool_slot.contacts or self._link(pool_slot)
                heap = slot.entries
                while heap and heap[0][3] != heap[0][4].version:
                    _heappop(heap)
                if not heap:
                    continue
                entry = heap[0]
                key = (rank, entry[0], entry[1], entry[2])
                if best_key is not None and key >= best_key:
                    continue
                contact: ContactRecord = entry[4]
                if agent_id in contact.declined:
                    undeclined = self._best_undeclined(heap, agent_id)
                    if undeclined is None:
                        continue
                    contact = undeclined
                    key = (rank, -float(contact.priority), contact.arrived_at, contact.seq)
                    if best_key is not None and key >= best_key:
                        continue
                best, best_key = contact, key
        return best

    def _link(self, target: AgentSlot) -> Slot:
        target.contacts = self._slot(target.queue_id, target.channel, target.step)
        return target.contacts

    @staticmethod
    def _best_undeclined(heap: list[Any], agent_id: str) -> ContactRecord | None:
        skipped, found = [], None
        while heap:
            entry = _heappop(heap)
            contact: ContactRecord = entry[4]
            if entry[3] != contact.version:
                continue
            skipped.append(entry)
            if agent_id not in contact.declined:
                found = contact
                break
        for entry in skipped:
            _heappush(heap, entry)
        return found

    def ahead_of(self, contact: ContactRecord) -> int:
        """How many queued contacts of the same queue and channel are ahead of this one."""
        mine = (-float(contact.priority), contact.arrived_at, contact.seq)
        ahead = 0
        for (queue_id, channel, _), slot in self._slots.items():
            if queue_id != contact.queue_id or channel != contact.channel:
                continue
            ahead += sum(1 for e in slot.entries
                         if e[3] == e[4].version and e[:3] < mine and e[4].status is QUEUED)
        return ahead

    def entries(self) -> int:
        """Heap entries held, live or stale (for memory figures)."""
        return sum(len(slot.entries) for slot in self._slots.values())
