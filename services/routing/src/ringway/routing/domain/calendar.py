"""Business hours and holidays in a queue's own time zone (DST included, via zoneinfo)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class BusinessHours:
    """Weekly opening windows (weekday 0 = Monday, local wall time) and closed dates."""

    timezone: str
    weekly: Mapping[int, tuple[tuple[time, time], ...]] = field(default_factory=dict)
    holidays: frozenset[date] = frozenset()

    def is_open(self, ts: float) -> bool:
        """Open at this instant, judged on the local wall clock of the queue's time zone."""
        local = datetime.fromtimestamp(ts, ZoneInfo(self.timezone))
        if local.date() in self.holidays:
            return False
        now = local.time().replace(tzinfo=None)
        return any(start <= now < end for start, end in self.weekly.get(local.weekday(), ()))
