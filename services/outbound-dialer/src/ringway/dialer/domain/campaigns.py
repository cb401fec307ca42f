"""Campaign definitions and life cycle: plain data and rules, no I/O."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Purpose(StrEnum):
    """Why a campaign calls."""

    WELCOME = "welcome"
    FEEDBACK = "feedback"
    FOLLOW_UP = "follow_up"
    NOTICE = "notice"
    CALLBACK = "callback"
    SALES = "sales"
    SURVEY = "survey"


class DialingMode(StrEnum):
    """How calls are paced against agents."""

    PREVIEW = "preview"
    PROGRESSIVE = "progressive"
    PREDICTIVE = "predictive"
    AGENTLESS = "agentless"


class CampaignStatus(StrEnum):
    """Where a campaign is in its life cycle."""

    DRAFT = "draft"
    RUNNING = "running"
    PAUSED = "paused"
    COMPLETED = "completed"


class Action(StrEnum):
    """What a supervisor does to a campaign."""

    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"
    COMPLETE = "complete"


_LIVE = frozenset({CampaignStatus.RUNNING, CampaignStatus.PAUSED})

# Action -> (statuses it may be taken from, status it leads to).
TRANSITIONS: dict[Action, tuple[frozenset[CampaignStatus], CampaignStatus]] = {
    Action.START: (frozenset({CampaignStatus.DRAFT, CampaignStatus.PAUSED}),
                   CampaignStatus.RUNNING),
    Action.PAUSE: (frozenset({CampaignStatus.RUNNING}), CampaignStatus.PAUSED),
    Action.RESUME: (frozenset({CampaignStatus.PAUSED}), CampaignStatus.RUNNING),
    # Stopping a draft is allowed: it retires a definition that will never run.
    Action.STOP: (_LIVE | {CampaignStatus.DRAFT}, CampaignStatus.COMPLETED),
    Action.COMPLETE: (_LIVE, CampaignStatus.COMPLETED),
}

# Event types the dialer consumes that may enrol people; anything else would never fire.
ENROLLING_EVENTS = frozenset({
    "customer.registered", "visit.completed", "contact.completed", "callback.requested",
})

# Settings that change how calls are placed; they cannot change while calls are placed.
FROZEN_WHILE_RUNNING = frozenset({"dialing_mode", "queue_id", "compliance_profiles"})

CONTACT_PENDING = "pending"


class InvalidTransition(ValueError):
    """The action is not allowed from the campaign's current status."""

    def __init__(self, action: Action, current: CampaignStatus) -> None:
        self.action = action
        self.current = current
        self.allowed_from = sorted(TRANSITIONS[action][0])
        super().__init__(f"cannot {action.value} a {current.value} campaign; "
                         f"allowed from: {', '.join(self.allowed_from)}")


class InvalidTriggers(ValueError):
    """`enrol_on` names event types that cannot enrol anyone."""

    def __init__(self, invalid: list[str]) -> None:
        super().__init__(f"cannot enrol on: {', '.join(invalid)}; "
                         f"supported: {', '.join(sorted(ENROLLING_EVENTS))}")
        self.invalid = invalid


class NotStartable(ValueError):
    """The campaign lacks what it needs to place calls."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass(frozen=True)
class Campaign:
    """What the enrolment rule needs to know about a campaign."""

    id: str
    status: CampaignStatus
    enrol_on: tuple[str, ...]

    def enrols_on(self, trigger: str) -> bool:
        """True when a `trigger` event enrols people into this campaign now."""
        return self.status is CampaignStatus.RUNNING and trigger in self.enrol_on


def transition(current: CampaignStatus, action: Action) -> CampaignStatus:
    """The status after `action`, or raise InvalidTransition."""
    allowed_from, target = TRANSITIONS[action]
    if current not in allowed_from:
        raise InvalidTransition(action, current)
    return target


def check_startable(*, mode: DialingMode, queue_id: str | None, contacts: int,
                    enrol_on: Iterable[str]) -> None:
    """Raise NotStartable unless the campaign has people (or triggers) and an agent pool."""
    reasons = []
    if mode is not DialingMode.AGENTLESS and not queue_id:
        reasons.append("no agent pool: set queue_id (the routing queue whose agents take calls)")
    if contacts == 0 and not list(enrol_on):
        reasons.append("no contacts to call and no enrolment trigger")
    if reasons:
        raise NotStartable(reasons)


def frozen_changes(status: CampaignStatus, changed: Iterable[str]) -> list[str]:
    """Fields that may not change in `status` (pause the campaign first)."""
    if status is not CampaignStatus.RUNNING:
        return []
    return sorted(set(changed) & FROZEN_WHILE_RUNNING)


def validate_triggers(enrol_on: Iterable[str]) -> list[str]:
    """Return the triggers without duplicates (order kept), or raise InvalidTriggers."""
    triggers = list(dict.fromkeys(t.strip() for t in enrol_on))
    invalid = [t for t in triggers if t not in ENROLLING_EVENTS]
    if invalid:
        raise InvalidTriggers(invalid)
    return triggers


def campaigns_to_enrol(campaigns: Iterable[Campaign], *, trigger: str) -> list[str]:
    """Ids of the campaigns a person reached by `trigger` joins now."""
    return [c.id for c in campaigns if c.enrols_on(trigger)]
