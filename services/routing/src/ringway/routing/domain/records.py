"""Mutable in-memory records of agents and contacts (slotted: the engine holds many)."""

from __future__ import annotations

from typing import Any

from ringway.routing.domain.model import (
    A_OFFLINE,
    P_OFFLINE,
    P_READY,
    QUEUED,
    VOICE,
    AgentSpec,
    QueueSpec,
    Strategy,
)
from ringway.shared.contracts.common import Channel


class Slot:
    """A heap and its live-entry counter, so stale entries can be purged in bulk."""

    __slots__ = ("entries", "live")

    def __init__(self) -> None:
        # Agent entries (lists) or contact entries (tuples), see `index`; typed loosely so the
        # hot loops need no `cast` calls (each is a function call at run time).
        self.entries: list[Any] = []
        self.live = 0


Pool = tuple[QueueSpec, int, float, tuple[tuple[Channel, Slot], ...]]
"""A (queue, overflow step) whose contacts an agent may take: its skill score there, and the
heap of each channel the agent may be filed in."""
Target = tuple[Slot, Strategy, float, str, int]
"""One heap of an agent's pools: the heap, the queue's strategy, minus the agent's skill score
there, the queue's id and minus the queue's priority."""


def targets_by_channel(pools: tuple[Pool, ...]) -> dict[Channel, tuple[Target, ...]]:
    """The heaps of the pools, per channel (the hot loops go through free channels only)."""
    grouped: dict[Channel, list[Target]] = {}
    for queue, _, skill, targets in pools:
        for channel, slot in targets:
            grouped.setdefault(channel, []).append(
                (slot, queue.strategy, -skill, queue.id, -queue.priority))
    return {channel: tuple(found) for channel, found in grouped.items()}


class AgentRecord:
    """An agent's routing state: presence, load per channel, the heaps it is in."""

    __slots__ = ("contacts", "free", "idle_since", "last_offer", "load", "missed", "on_shift",
                 "pools", "presence", "reason", "refile", "shift_epoch", "spec", "stamp",
                 "state", "state_since", "targets", "waiting_for_me")

    def __init__(self, spec: AgentSpec, now: float) -> None:
        self.spec = spec
        self.presence = P_OFFLINE
        self.reason: str | None = None
        self.state = A_OFFLINE
        self.state_since = now
        self.idle_since = now
        self.missed = 0
        self.load: dict[Channel, int] = {}
        self.contacts: set[str] = set()
        self.last_offer: dict[str, int] = {}
        self.pools: tuple[Pool, ...] = ()
        self.targets: dict[Channel, tuple[Target, ...]] = {}
        self.waiting_for_me: set[str] = set()
        self.free: tuple[Channel, ...] = ()
        self.on_shift = True
        self.shift_epoch = 0
        self.stamp = -1
        """Sequence number of the agent's last filing in the agent heaps."""
        self.refile = False
        """A change since the last filing may have made the agent a better pick somewhere."""

    def use_pools(self, pools: tuple[Pool, ...]) -> None:
        """Set the pools the agent is in (and their heaps per channel)."""
        self.pools, self.targets = pools, targets_by_channel(pools)

    def free_on(self, channel: Channel) -> bool:
        """Ready with spare capacity on the channel, as of the last `refresh`."""
        return channel in self.free

    def refresh(self) -> tuple[Channel, ...]:
        """Recompute the channels the agent can take now."""
        # One pass with locals: this runs on every offer and every freed agent.
        if self.presence is not P_READY or not self.on_shift:
            self.free = ()
            return ()
        load, spec = self.load, self.spec
        exclusive = spec.voice_exclusive
        if exclusive and load.get(VOICE, 0):
            self.free = ()
            return ()
        busy = exclusive and any(load.values())
        free = []
        for channel, size in spec.capacity.items():
            if load.get(channel, 0) < size and not (busy and channel is VOICE):
                free.append(channel)
        self.free = tuple(free)
        return self.free

    def occupancy(self) -> float:
        """Share of total capacity in use."""
        capacity = sum(self.spec.capacity.values())
        return sum(self.load.values()) / capacity if capacity else 1.0

    def take(self, channel: Channel, contact_id: str) -> None:
        """Hold capacity for a contact."""
        self.load[channel] = self.load.get(channel, 0) + 1
        self.contacts.add(contact_id)

    def release(self, channel: Channel, contact_id: str) -> None:
        """Give back capacity held for a contact."""
        if contact_id in self.contacts:
            self.contacts.discard(contact_id)
            self.load[channel] = max(0, self.load.get(channel, 0) - 1)


class ContactRecord:
    """A contact the engine is routing or an agent is handling."""

    __slots__ = ("accepted_at", "agent_id", "answered_queue_id", "arrived_at", "channel",
                 "consult_agent_id", "deadline", "declined", "enqueued_at", "epoch",
                 "expires_at", "first_accepted_at", "hold_s", "hold_started_at", "id",
                 "offered_at", "offers", "outcome", "outcome_target", "preferred_agent_id",
                 "preferred_until", "priority", "queue_id", "responded", "seq", "slot", "status",
                 "step", "transfers", "version", "wrap_started_at")

    def __init__(self, id: str, queue_id: str, channel: Channel, *, priority: int,
                 arrived_at: float, enqueued_at: float, seq: int) -> None:
        self.id = id
        self.queue_id = queue_id
        self.channel = channel
        self.priority = priority
        self.arrived_at = arrived_at
        self.enqueued_at = enqueued_at
        self.seq = seq
        self.status = QUEUED
        self.step = 0
        self.epoch = 0
        self.version = 0
        self.slot: Slot | None = None
        self.agent_id: str | None = None
        self.offers = 0
        self.offered_at: float | None = None
        self.expires_at: float | None = None
        self.accepted_at: float | None = None
        # The first answer and its queue survive transfers: service level counts them.
        self.first_accepted_at: float | None = None
        self.answered_queue_id: str | None = None
        self.hold_started_at: float | None = None
        self.hold_s = 0.0
        self.wrap_started_at: float | None = None
        self.declined: frozenset[str] = frozenset()
        self.deadline: float | None = None
        self.preferred_agent_id: str | None = None
        self.preferred_until: float | None = None
        self.transfers = 0
        self.responded = False
        self.consult_agent_id: str | None = None
        self.outcome: str | None = None
        self.outcome_target: str | None = None

    def invalidate(self) -> None:
        """The contact's heap entry (if any) becomes stale."""
        if self.slot is not None:
            self.slot.live -= 1
            self.slot = None
        self.version += 1

    def waited(self, now: float) -> float:
        """Seconds since the original arrival."""
        return max(0.0, now - self.arrived_at)
