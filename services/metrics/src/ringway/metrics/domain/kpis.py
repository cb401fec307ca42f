"""KPI arithmetic: plain functions, no I/O and no clock. Definitions: docs/metrics/kpis.md."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

MAX_RANGE = timedelta(days=31)


@dataclass(frozen=True)
class KpiRules:
    """How contacts are bucketed and judged: interval length and service-level threshold."""

    interval_minutes: int = 15
    service_level_threshold_s: int = 20
    short_abandon_s: int = 5
    fcr_window_h: int = 72


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
    short_abandoned: int = 0
    abandoned_within_sl: int = 0
    abandon_wait_ms_total: int = 0
    longest_wait_ms: int = 0
    talk_ms_total: int = 0
    hold_ms_total: int = 0
    wrap_up_ms_total: int = 0
    transfers: int = 0
    resolved: int = 0
    repeats: int = 0


# Counts that combine by maximum, not by sum (across events and when rolling intervals up).
MAXIMA = frozenset({"longest_wait_ms"})


COUNT_NAMES = tuple(IntervalCounts.__dataclass_fields__)


@dataclass(frozen=True)
class Kpis:
    """Derived KPIs of an interval; None where the denominator is 0."""

    service_level: float | None
    asa_ms: float | None
    aht_ms: float | None
    abandon_rate: float | None
    service_level_of_answered: float | None = None
    service_level_excluding_early_abandons: float | None = None
    service_level_left_within: float | None = None
    abandon_rate_excluding_short: float | None = None
    avg_abandon_wait_ms: float | None = None
    avg_talk_ms: float | None = None
    avg_hold_ms: float | None = None
    avg_wrap_up_ms: float | None = None
    transfer_rate: float | None = None
    fcr_rate: float | None = None
    resolved_rate: float | None = None


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
    return IntervalCounts(answered=1, answered_within_sl=int(within), wait_ms_total=waited_ms,
                          longest_wait_ms=waited_ms)


def abandoned(waited_ms: int = 0, rules: KpiRules | None = None) -> IntervalCounts:
    """The customer left the queue after `waited_ms`: short, within the threshold, or later."""
    rules = rules or KpiRules()
    return IntervalCounts(
        abandoned=1, short_abandoned=int(waited_ms < rules.short_abandon_s * 1000),
        abandoned_within_sl=int(waited_ms <= rules.service_level_threshold_s * 1000),
        abandon_wait_ms_total=waited_ms, longest_wait_ms=waited_ms)


def completed(talk_ms: int, hold_ms: int, wrap_up_ms: int,
              resolved: bool = False) -> IntervalCounts:
    """Handling ended: handle time is talk + hold + wrap-up, each also kept apart."""
    return IntervalCounts(handled=1, handle_ms_total=talk_ms + hold_ms + wrap_up_ms,
                          talk_ms_total=talk_ms, hold_ms_total=hold_ms,
                          wrap_up_ms_total=wrap_up_ms, resolved=int(resolved))


def combine(rows: list[IntervalCounts]) -> IntervalCounts:
    """Counts of several rows as one (sums; maxima for MAXIMA)."""
    values = {name: (max if name in MAXIMA else sum)(getattr(r, name) for r in rows)
              for name in COUNT_NAMES}
    return IntervalCounts(**values) if rows else IntervalCounts()


def is_repeat(previous_completed: datetime, arrived: datetime, rules: KpiRules) -> bool:
    """A contact for the same customer and reason within the FCR window repeats the last one."""
    gap = as_utc(arrived) - as_utc(previous_completed)
    return timedelta(0) < gap <= timedelta(hours=rules.fcr_window_h)


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
    """Every derived KPI of an interval's raw counts (definitions: docs/metrics/kpis.md)."""
    c = counts
    within = c.answered_within_sl
    late_abandons = c.abandoned - c.abandoned_within_sl
    return Kpis(
        service_level=service_level(within, c.answered, c.abandoned),
        asa_ms=asa_ms(c.wait_ms_total, c.answered),
        aht_ms=aht_ms(c.handle_ms_total, c.handled),
        abandon_rate=abandon_rate(c.abandoned, c.offered),
        service_level_of_answered=ratio(within, c.answered),
        service_level_excluding_early_abandons=ratio(within, c.answered + late_abandons),
        service_level_left_within=ratio(within + c.abandoned_within_sl, c.offered),
        abandon_rate_excluding_short=ratio(c.abandoned - c.short_abandoned,
                                           c.offered - c.short_abandoned),
        avg_abandon_wait_ms=ratio(c.abandon_wait_ms_total, c.abandoned),
        avg_talk_ms=ratio(c.talk_ms_total, c.handled),
        avg_hold_ms=ratio(c.hold_ms_total, c.handled),
        avg_wrap_up_ms=ratio(c.wrap_up_ms_total, c.handled),
        transfer_rate=ratio(c.transfers, c.answered),
        fcr_rate=1.0 - c.repeats / c.handled if c.handled else None,
        resolved_rate=ratio(c.resolved, c.handled),
    )


def check_range(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """The range in UTC, or InvalidRange when it is empty, reversed or longer than MAX_RANGE."""
    start, end = as_utc(start), as_utc(end)
    if end <= start:
        raise InvalidRange("end must be after start")
    if end - start > MAX_RANGE:
        raise InvalidRange(f"range must span at most {MAX_RANGE.days} days")
    return start, end
