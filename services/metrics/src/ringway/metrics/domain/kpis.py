"""KPI arithmetic: plain functions, no I/O and no clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

MAX_RANGE = timedelta(days=31)


@dataclass(frozen=True)
class KpiRules:
    """How contacts are bucketed and judged: interval length and service-level threshold."""

    interval_minutes: int = 15
    service_level_threshold_s: int = 20


@dataclass(frozen=True)
class IntervalCounts:
    """What one event adds to a queue/channel interval (also the raw counts of a row)."""

    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    answered_within_sl: int = 0
    wait_ms_total: int = 0
    handled: int = 0
    handle_ms_total: int = 0


@dataclass(frozen=True)
class Kpis:
    """Derived KPIs of an interval; None where the denominator is 0."""

    service_level: float | None
    asa_ms: float | None
    aht_ms: float | None
    abandon_rate: float | None


class InvalidRange(ValueError):
    """A reporting range must end after it starts and span at most MAX_RANGE."""


def as_utc(moment: datetime) -> datetime:
    """The same instant in UTC; a naive time is taken as UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def floor_interval(moment: datetime, minutes: int) -> datetime:
    """Start (UTC) of the `minutes`-long interval holding `moment`."""
    if minutes <= 0 or 60 % minutes:
        raise ValueError(f"interval of {minutes} minutes does not divide an hour")
    utc = as_utc(moment)
    return utc.replace(minute=utc.minute - utc.minute % minutes, second=0, microsecond=0)


def queued() -> IntervalCounts:
    """A contact entered a queue: offered."""
    return IntervalCounts(offered=1)


def answered(waited_ms: int, rules: KpiRules) -> IntervalCounts:
    """A contact was answered after `waited_ms`; within the threshold it meets the SL."""
    within = waited_ms <= rules.service_level_threshold_s * 1000
    return IntervalCounts(answered=1, answered_within_sl=int(within), wait_ms_total=waited_ms)


def abandoned() -> IntervalCounts:
    """The customer left the queue before an answer."""
    return IntervalCounts(abandoned=1)


def completed(talk_ms: int, hold_ms: int, wrap_up_ms: int) -> IntervalCounts:
    """Handling ended: handle time is talk + hold + wrap-up."""
    return IntervalCounts(handled=1, handle_ms_total=talk_ms + hold_ms + wrap_up_ms)


def ratio(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide by."""
    return part / whole if whole else None


def service_level(answered_within: int, answered: int, abandoned: int) -> float | None:
    """Share of contacts leaving the queue that were answered within the threshold."""
    return ratio(answered_within, answered + abandoned)


def asa_ms(wait_ms_total: int, answered: int) -> float | None:
    """Average speed of answer: mean wait of answered contacts."""
    return ratio(wait_ms_total, answered)


def aht_ms(handle_ms_total: int, handled: int) -> float | None:
    """Average handle time (talk + hold + wrap-up) of completed contacts."""
    return ratio(handle_ms_total, handled)


def abandon_rate(abandoned: int, offered: int) -> float | None:
    """Share of offered contacts that were abandoned."""
    return ratio(abandoned, offered)


def kpis(counts: IntervalCounts) -> Kpis:
    """Every derived KPI of an interval's raw counts."""
    return Kpis(
        service_level=service_level(counts.answered_within_sl, counts.answered, counts.abandoned),
        asa_ms=asa_ms(counts.wait_ms_total, counts.answered),
        aht_ms=aht_ms(counts.handle_ms_total, counts.handled),
        abandon_rate=abandon_rate(counts.abandoned, counts.offered),
    )


def check_range(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """The range in UTC, or InvalidRange when it is empty, reversed or longer than MAX_RANGE."""
    start, end = as_utc(start), as_utc(end)
    if end <= start:
        raise InvalidRange("end must be after start")
    if end - start > MAX_RANGE:
        raise InvalidRange(f"range must span at most {MAX_RANGE.days} days")
    return start, end
