"""Dialer rules: campaign life cycle and who to enrol. Plain code, no I/O."""

from __future__ import annotations

import re
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
    COMPLETE = "complete"


# Action -> (statuses it may be taken from, status it leads to).
TRANSITIONS: dict[Action, tuple[frozenset[CampaignStatus], CampaignStatus]] = {
    Action.START: (frozenset({CampaignStatus.DRAFT, CampaignStatus.PAUSED}),
                   CampaignStatus.RUNNING),
    Action.PAUSE: (frozenset({CampaignStatus.RUNNING}), CampaignStatus.PAUSED),
    Action.COMPLETE: (frozenset({CampaignStatus.RUNNING, CampaignStatus.PAUSED}),
                      CampaignStatus.COMPLETED),
}

# Event types the dialer consumes that may enrol people; anything else would never fire.
ENROLLING_EVENTS = frozenset({"customer.registered"})

CONTACT_PENDING = "pending"

_E164 = re.compile(r"\+[1-9]\d{1,14}")
_PHONE_SEPARATORS = re.compile(r"[\s().-]")


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


def validate_triggers(enrol_on: Iterable[str]) -> list[str]:
    """Return the triggers without duplicates (order kept), or raise InvalidTriggers."""
    triggers = list(dict.fromkeys(t.strip() for t in enrol_on))
    invalid = [t for t in triggers if t not in ENROLLING_EVENTS]
    if invalid:
        raise InvalidTriggers(invalid)
    return triggers


def callable_phone(phone: str | None) -> str | None:
    """The number in E.164 form with separators removed, or None if it cannot be dialled."""
    if phone is None:
        return None
    compact = _PHONE_SEPARATORS.sub("", phone)
    return compact if _E164.fullmatch(compact) else None


def campaigns_to_enrol(campaigns: Iterable[Campaign], *, trigger: str) -> list[str]:
    """Ids of the campaigns a person reached by `trigger` joins now."""
    return [c.id for c in campaigns if c.enrols_on(trigger)]
