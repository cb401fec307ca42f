"""Routing's value objects: requirements, queues, agents, and the states they move through."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from ringway.routing.domain.calendar import BusinessHours
from ringway.routing.domain.shifts import Shift
from ringway.shared.contracts.agents import AgentState
from ringway.shared.contracts.common import Channel

Clock = Callable[[], float]
"""Seconds since the epoch; injected so a simulation can run faster than real time."""

DEFAULT_CAPACITY: Mapping[Channel, int] = {
    Channel.VOICE: 1, Channel.CHAT: 3, Channel.EMAIL: 5, Channel.SOCIAL: 3,
}
TOP_PRIORITY = 100


class Strategy(StrEnum):
    """How a queue picks among eligible agents."""

    LONGEST_IDLE = "longest_idle"
    LEAST_OCCUPIED = "least_occupied"
    MOST_SKILLED = "most_skilled"
    ROUND_ROBIN = "round_robin"


class Presence(StrEnum):
    """What the agent chose: the routing state adds their work on top."""

    OFFLINE = "offline"
    READY = "ready"
    NOT_READY = "not_ready"


class ContactStatus(StrEnum):
    """Where a contact is in its life."""

    QUEUED = "queued"
    OFFERED = "offered"
    ACCEPTED = "accepted"
    ON_HOLD = "on_hold"
    WRAP_UP = "wrap_up"
    COMPLETED = "completed"
    ABANDONED = "abandoned"
    CLOSED = "closed"


WAITING = frozenset({ContactStatus.QUEUED, ContactStatus.OFFERED})
HANDLING = frozenset({ContactStatus.ACCEPTED, ContactStatus.ON_HOLD})
FINISHED = frozenset({ContactStatus.COMPLETED, ContactStatus.ABANDONED, ContactStatus.CLOSED})


@dataclass(frozen=True, slots=True)
class Requirement:
    """Skills with a minimum proficiency, and a language, an agent must have."""

    skills: tuple[tuple[str, int], ...] = ()
    language: str | None = None

    @classmethod
    def of(cls, skills: Mapping[str, int] | None = None,
           language: str | None = None) -> Requirement:
        """A requirement from a skill -> minimum proficiency mapping."""
        return cls(tuple(sorted((skills or {}).items())), language)

    def met_by(self, skills: Mapping[str, int], languages: frozenset[str]) -> bool:
        """True when the agent has every skill at the minimum level and the language."""
        if self.language is not None and self.language not in languages:
            return False
        return all(skills.get(name, 0) >= level for name, level in self.skills)

    def score(self, skills: Mapping[str, int]) -> int:
        """Sum of the agent's proficiency in the required skills (most-skilled strategy)."""
        total = 0
        for name, _ in self.skills:  # a loop, not sum(genexpr): each offer's explanation calls it
            total += skills.get(name, 0)
        return total


@dataclass(frozen=True, slots=True)
class OverflowStep:
    """After `after_s` of waiting, widen the requirement and/or add backup queues' agents."""

    after_s: float
    requirement: Requirement | None = None
    add_queues: tuple[str, ...] = ()


class Action(StrEnum):
    """What a queue does with a contact it cannot keep."""

    CLOSE = "close"
    OVERFLOW = "overflow"
    VOICEMAIL = "voicemail"
    CALLBACK = "callback"
    DEFLECT = "deflect"


@dataclass(frozen=True, slots=True)
class Outcome:
    """A queue's defined outcome for one cause (`queue_full`, `max_wait`, `closed_hours`)."""

    action: Action = Action.CLOSE
    queue_id: str | None = None
    target: str | None = None


@dataclass(frozen=True, slots=True)
class QueueSpec:
    """A queue's routing configuration."""

    id: str
    requirement: Requirement = Requirement()
    channels: frozenset[Channel] = frozenset()
    priority: int = 0
    strategy: Strategy = Strategy.LONGEST_IDLE
    overflow: tuple[OverflowStep, ...] = ()
    accept_timeout_s: float = 15.0
    wrap_up_s: float = 0.0
    max_wait_s: float | None = None
    max_size: int | None = None
    response_limit_s: float | None = None
    hours: BusinessHours | None = None
    outcomes: tuple[tuple[str, Outcome], ...] = ()
    service_level_s: float = 20.0

    def outcome_for(self, cause: str) -> Outcome:
        """The defined outcome of a cause; closing the contact when none is defined."""
        return next((o for c, o in self.outcomes if c == cause), Outcome())

    def closed_at(self, ts: float) -> bool:
        """Outside business hours or on a holiday."""
        return self.hours is not None and not self.hours.is_open(ts)

    @property
    def steps(self) -> int:
        """Number of steps: the base one plus each overflow step."""
        return 1 + len(self.overflow)

    def accepts(self, channel: Channel) -> bool:
        """An empty channel set means every channel."""
        return not self.channels or channel in self.channels

    def requirement_at(self, step: int) -> Requirement:
        """The requirement in force at a step: the latest one set up to it."""
        if not step:
            return self.requirement
        for overflow in reversed(self.overflow[:step]):
            if overflow.requirement is not None:
                return overflow.requirement
        return self.requirement

    def pools_at(self, step: int) -> frozenset[str]:
        """Queues whose agents may take this queue's contacts at a step."""
        added = (q for overflow in self.overflow[:step] for q in overflow.add_queues)
        return frozenset((self.id, *added))


@dataclass(frozen=True, slots=True)
class AgentSpec:
    """An agent's profile as routing uses it."""

    id: str
    skills: Mapping[str, int] = field(default_factory=dict)
    languages: frozenset[str] = frozenset()
    capacity: Mapping[Channel, int] = field(default_factory=lambda: dict(DEFAULT_CAPACITY))
    queues: frozenset[str] = frozenset()
    voice_exclusive: bool = True
    blended: bool = False
    shift: Shift | None = None


@dataclass(frozen=True, slots=True)
class ContactSpec:
    """What the engine needs to know about a new contact."""

    id: str
    queue_id: str
    channel: Channel
    priority: int = 0
    arrived_at: float | None = None
    preferred_agent_id: str | None = None
    preferred_wait_s: float = 0.0
    connect_limit_s: float | None = None


# Plain module-level aliases for the hot path: on Python 3.11 each enum attribute lookup
# (`ContactStatus.QUEUED`) costs ~0.35 us, and a decision made dozens of them.
QUEUED, OFFERED = ContactStatus.QUEUED, ContactStatus.OFFERED
ACCEPTED, ON_HOLD, WRAP_UP = ContactStatus.ACCEPTED, ContactStatus.ON_HOLD, ContactStatus.WRAP_UP
COMPLETED, ABANDONED, CLOSED = (ContactStatus.COMPLETED, ContactStatus.ABANDONED,
                                ContactStatus.CLOSED)
P_READY, P_NOT_READY, P_OFFLINE = Presence.READY, Presence.NOT_READY, Presence.OFFLINE
VOICE = Channel.VOICE
LONGEST_IDLE, LEAST_OCCUPIED = Strategy.LONGEST_IDLE, Strategy.LEAST_OCCUPIED
MOST_SKILLED, ROUND_ROBIN = Strategy.MOST_SKILLED, Strategy.ROUND_ROBIN
A_OFFLINE, A_AVAILABLE, A_RESERVED = AgentState.OFFLINE, AgentState.AVAILABLE, AgentState.RESERVED
A_BUSY, A_WRAP_UP, A_NOT_READY = AgentState.BUSY, AgentState.WRAP_UP, AgentState.NOT_READY
