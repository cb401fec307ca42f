"""Service-visit rules: slot shape, when a visit may still change, what completes it."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

MAX_SLOT = timedelta(hours=12)


class VisitStatus(StrEnum):
    """A visit's life."""

    BOOKED = "booked"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


class VisitRuleBroken(ValueError):
    """A slot or visit change breaks a rule; the message says which."""


def check_slot(starts_at: datetime, ends_at: datetime) -> None:
    """A slot ends after it starts and lasts at most twelve hours."""
    if ends_at <= starts_at:
        raise VisitRuleBroken("a slot must end after it starts")
    if ends_at - starts_at > MAX_SLOT:
        raise VisitRuleBroken("a slot lasts at most 12 hours")


def check_bookable(starts_at: datetime, now: datetime) -> None:
    """Only future slots can be booked."""
    if starts_at <= now:
        raise VisitRuleBroken("the slot has already started")


def check_changeable(status: str, starts_at: datetime, now: datetime) -> None:
    """A booked visit may be moved or cancelled until its slot starts."""
    if status != VisitStatus.BOOKED:
        raise VisitRuleBroken(f"a {status} visit cannot be changed")
    if starts_at <= now:
        raise VisitRuleBroken("the visit has already started")


def check_completable(status: str) -> None:
    """Only a booked visit can be completed (completing twice is refused)."""
    if status != VisitStatus.BOOKED:
        raise VisitRuleBroken(f"a {status} visit cannot be completed")
