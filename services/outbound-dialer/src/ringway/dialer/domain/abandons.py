"""Abandon rates on each profile's window (rolling days, or a calendar day in a zone)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ringway.dialer.domain.compliance import AbandonWindow, Profile


@dataclass(frozen=True)
class Answer:
    """A call that reached a person or a machine: when, and how it ended for the callee."""

    at: datetime
    kind: str  # "live" (an agent or message took it), "abandoned", "machine"


@dataclass(frozen=True)
class WindowRate:
    """One profile's abandon rate now; `budget` is abandons still allowed under its cap."""

    profile: str
    since: datetime
    live: int
    abandoned: int
    machine: int
    false_positives: float
    cap: float

    @property
    def rate(self) -> float:
        """(abandons + estimated AMD false positives) / (live answers + the same estimate)."""
        denominator = self.live + self.false_positives
        if denominator <= 0:
            return 0.0
        return (self.abandoned + self.false_positives) / denominator

    @property
    def budget(self) -> float:
        """Further abandons the cap allows on the answers seen so far (may be negative)."""
        return self.cap * (self.live + self.false_positives) - (
            self.abandoned + self.false_positives)

    @property
    def reached(self) -> bool:
        """True at or above the cap."""
        return self.rate >= self.cap and self.abandoned > 0


def window_start(window: AbandonWindow, now: datetime) -> datetime:
    """Where the window that ends `now` begins."""
    if window.kind == "rolling":
        return now - timedelta(days=window.days)
    local = now.astimezone(ZoneInfo(window.zone))
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def rate_for(profile: Profile, answers: Iterable[Answer], now: datetime) -> WindowRate:
    """The abandon rate of `answers` on `profile`'s window ending `now`."""
    since = window_start(profile.abandon_window, now)
    counts = {"live": 0, "abandoned": 0, "machine": 0}
    for answer in answers:
        if since <= answer.at <= now and answer.kind in counts:
            counts[answer.kind] += 1
    # Abandoned calls were answered by a live person too: they are in the denominator.
    live = counts["live"] + counts["abandoned"]
    return WindowRate(profile.code, since, live, counts["abandoned"], counts["machine"],
                      counts["machine"] * profile.amd_false_positive_rate, profile.abandon_cap)


def rates(profiles: Sequence[Profile], answers: Sequence[Answer],
          now: datetime) -> list[WindowRate]:
    """Every profile's window rate."""
    return [rate_for(p, answers, now) for p in profiles]
