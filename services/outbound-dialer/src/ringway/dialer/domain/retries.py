"""Outcomes, dispositions and what happens to a contact after each attempt."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Outcome(StrEnum):
    """How an attempt ended, as the dialer records it."""

    HUMAN = "human"              # answered by a person, handed to routing
    MACHINE = "machine"
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    FAILED = "failed"
    ABANDONED = "abandoned"      # a person answered and no agent came within the limit
    CONNECTED = "connected"      # an agent handled it; see the disposition
    MESSAGE_DELIVERED = "message_delivered"  # agentless


class Disposition(StrEnum):
    """What the agent recorded after a connected call."""

    SALE = "sale"
    CALLBACK_REQUESTED = "callback_requested"
    NOT_INTERESTED = "not_interested"
    WRONG_NUMBER = "wrong_number"
    DO_NOT_CALL = "do_not_call"
    COMPLETED = "completed"


class ContactStatus(StrEnum):
    """Where a campaign contact is."""

    PENDING = "pending"
    DIALING = "dialing"
    DONE = "done"
    EXHAUSTED = "exhausted"
    SUPPRESSED = "suppressed"


RETRYABLE = frozenset({Outcome.MACHINE, Outcome.BUSY, Outcome.NO_ANSWER, Outcome.FAILED,
                       Outcome.ABANDONED})


@dataclass(frozen=True)
class NextStep:
    """The contact's new status, and when to call again if ever."""

    status: ContactStatus
    next_attempt_at: datetime | None = None

    @property
    def final(self) -> bool:
        """True when no further attempt will be made."""
        return self.status is not ContactStatus.PENDING


def after_attempt(outcome: Outcome, *, attempts: int, max_attempts: int,
                  delays_min: Mapping[str, int], now: datetime,
                  disposition: Disposition | None = None,
                  callback_at: datetime | None = None) -> NextStep:
    """What follows an attempt: done, retry at a time, or out of attempts."""
    if outcome is Outcome.CONNECTED and disposition is Disposition.CALLBACK_REQUESTED:
        return NextStep(ContactStatus.PENDING, callback_at or now + timedelta(hours=1))
    if outcome not in RETRYABLE:
        return NextStep(ContactStatus.DONE)
    if attempts >= max_attempts:
        return NextStep(ContactStatus.EXHAUSTED)
    return NextStep(ContactStatus.PENDING, now + timedelta(minutes=delays_min[outcome.value]))
