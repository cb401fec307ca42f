"""Agent shifts in the agent's own time zone: off shift, an agent is never offered work."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Window = tuple[time, time]
LOOKAHEAD_DAYS = 15
"""How far ahead the next shift boundary is searched; beyond that, look again a day later."""


@dataclass(frozen=True, slots=True)
class Shift:
    """Weekly working windows (weekday 0 = Monday, local wall time) and days off.

    A window whose end is not after its start runs past midnight (22:00-06:00); it belongs to
    the day it starts on, so a day off cancels the whole night shift that starts then.
    """

    timezone: str
    weekly: Mapping[int, tuple[Window, ...]] = field(default_factory=dict)
    days_off: frozenset[date] = frozenset()

    def _spans(self, around: date) -> Iterator[tuple[float, float]]:
        """(start, end) instants of every shift starting from the day before `around`."""
        zone = ZoneInfo(self.timezone)
        for offset in range(-1, LOOKAHEAD_DAYS):
            day = around + timedelta(days=offset)
            if day in self.days_off:
                continue
            for start, end in self.weekly.get(day.weekday(), ()):
                end_day = day if end > start else day + timedelta(days=1)
                yield (datetime.combine(day, start, zone).timestamp(),
                       datetime.combine(end_day, end, zone).timestamp())

    def _local_date(self, ts: float) -> date:
        return datetime.fromtimestamp(ts, ZoneInfo(self.timezone)).date()

    def is_on(self, ts: float) -> bool:
        """On shift at this instant (local wall clock, DST included)."""
        return any(start <= ts < end for start, end in self._spans(self._local_date(ts)))

    def next_change(self, ts: float) -> float:
        """The next instant a shift starts or ends after `ts` (or a day later, to look again)."""
        later = [edge for span in self._spans(self._local_date(ts)) for edge in span if edge > ts]
        return min(later, default=ts + 86_400.0)
