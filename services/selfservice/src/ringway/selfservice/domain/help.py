"""Rules for asking for help: when a callback may be asked for."""

from __future__ import annotations

from datetime import datetime, timedelta

MAX_CALLBACK_AHEAD = timedelta(days=30)


class HelpRuleBroken(ValueError):
    """The request breaks a rule; the message says which."""


def check_callback_time(requested_for: datetime | None, now: datetime) -> None:
    """A chosen time lies in the future and within thirty days."""
    if requested_for is None:
        return
    if requested_for <= now:
        raise HelpRuleBroken("the callback time must be in the future")
    if requested_for - now > MAX_CALLBACK_AHEAD:
        raise HelpRuleBroken("callbacks can be booked at most 30 days ahead")
