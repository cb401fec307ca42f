"""Weekly opening hours on a local wall clock, evaluated in any time zone (DST-safe)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LOOKAHEAD_DAYS = 14


class InvalidHours(ValueError):
    """A weekly-hours specification cannot be understood."""


@dataclass(frozen=True)
class Interval:
    """[start, end) on the local wall clock; `end` 24:00 is written as time.max."""

    start: time
    end: time

    def contains(self, moment: time) -> bool:
        """True when the wall-clock `moment` falls inside."""
        return self.start <= moment < self.end


@dataclass(frozen=True)
class WeeklyHours:
    """Intervals per weekday (0 = Monday) plus closed dates ("MM-DD")."""

    days: Mapping[int, tuple[Interval, ...]]
    closed_dates: frozenset[str] = field(default_factory=frozenset)

    def open_at(self, local: datetime) -> bool:
        """True when the local wall-clock time is inside the hours."""
        if local.strftime("%m-%d") in self.closed_dates:
            return False
        clock = local.time().replace(tzinfo=None)
        return any(i.contains(clock) for i in self.days.get(local.weekday(), ()))

    def starts_on(self, day: date) -> list[time]:
        """Wall-clock opening times on `day`."""
        if day.strftime("%m-%d") in self.closed_dates:
            return []
        return [i.start for i in self.days.get(day.weekday(), ())]


ALWAYS = WeeklyHours({d: (Interval(time(0), time.max),) for d in range(7)})


def parse_clock(text: str) -> time:
    """'08:00' -> time(8); '24:00' -> end of day."""
    if text == "24:00":
        return time.max
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise InvalidHours(f"not a HH:MM time: {text!r}") from None


def parse_days(spec: str) -> list[int]:
    """'mon-fri' -> [0..4]; 'sat' -> [5]; 'mon,wed' -> [0, 2]."""
    result: list[int] = []
    for part in spec.lower().split(","):
        first, _, last = part.strip().partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise InvalidHours(f"unknown day range {part!r}; use {', '.join(DAYS)}")
        a, b = DAYS.index(first), DAYS.index(last or first)
        result.extend(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    return result


def parse_hours(spec: Mapping[str, Sequence[Sequence[str]]],
                closed_dates: Iterable[str] = ()) -> WeeklyHours:
    """{'mon-fri': [['10:00', '13:00'], ...]} -> WeeklyHours; unnamed days are closed."""
    days: dict[int, list[Interval]] = {}
    for day_spec, intervals in spec.items():
        parsed = [_interval(pair) for pair in intervals]
        for day in parse_days(day_spec):
            days.setdefault(day, []).extend(parsed)
    return WeeklyHours({d: tuple(sorted(v, key=lambda i: i.start)) for d, v in days.items()},
                       frozenset(closed_dates))


def _interval(pair: Sequence[str]) -> Interval:
    if len(pair) != 2:
        raise InvalidHours(f"an interval is [start, end], got {list(pair)!r}")
    start, end = parse_clock(pair[0]), parse_clock(pair[1])
    if start >= end:
        raise InvalidHours(f"interval {pair[0]}-{pair[1]} ends before it starts")
    return Interval(start, end)


@dataclass(frozen=True)
class ZonedHours:
    """Weekly hours that apply on the wall clock of one zone."""

    hours: WeeklyHours
    zone: str

    def open_at(self, moment: datetime) -> bool:
        """True when the UTC instant falls inside the hours in this zone."""
        return self.hours.open_at(moment.astimezone(ZoneInfo(self.zone)))

    def openings_after(self, moment: datetime, days: int = LOOKAHEAD_DAYS) -> list[datetime]:
        """Instants, from `moment` on, at which an interval starts in this zone."""
        tz = ZoneInfo(self.zone)
        first = moment.astimezone(tz).date()
        found = []
        for offset in range(days + 1):
            day = first + timedelta(days=offset)
            for start in self.hours.starts_on(day):
                # A start inside a DST gap resolves to the first real instant after it.
                instant = datetime.combine(day, start, tzinfo=tz).astimezone(UTC)
                if instant >= moment:
                    found.append(instant)
        return found


def all_open(rules: Sequence[ZonedHours], moment: datetime) -> bool:
    """True when every rule is open at `moment`."""
    return all(rule.open_at(moment) for rule in rules)


def next_open(rules: Sequence[ZonedHours], moment: datetime,
              days: int = LOOKAHEAD_DAYS) -> datetime | None:
    """The first instant from `moment` on when every rule is open; None within `days`."""
    if all_open(rules, moment):
        return moment
    # The intersection of unions of intervals opens where one of its intervals opens.
    candidates = sorted({c for rule in rules for c in rule.openings_after(moment, days)})
    return next((c for c in candidates if all_open(rules, c)), None)
