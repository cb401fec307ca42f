"""Business hours follow the queue's local clock, across daylight-saving changes and holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from ringway.routing.domain.calendar import BusinessHours

WEEKDAYS_9_TO_5 = {d: ((time(9), time(17)),) for d in range(5)}


def ts(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


def test_opening_follows_local_time_on_both_sides_of_a_dst_change() -> None:
    berlin = BusinessHours("Europe/Berlin", WEEKDAYS_9_TO_5)
    # Friday 27 March 2026 is CET (UTC+1); Monday 30 March is CEST (UTC+2).
    assert not berlin.is_open(ts(2026, 3, 27, 7, 59))
    assert berlin.is_open(ts(2026, 3, 27, 8, 0))
    assert not berlin.is_open(ts(2026, 3, 30, 6, 59))
    assert berlin.is_open(ts(2026, 3, 30, 7, 0))
    assert not berlin.is_open(ts(2026, 3, 30, 15, 0))


def test_weekends_and_holidays_are_closed() -> None:
    hours = BusinessHours("America/New_York", WEEKDAYS_9_TO_5,
                          holidays=frozenset({date(2026, 11, 26)}))
    assert hours.is_open(ts(2026, 11, 25, 15, 0))
    assert not hours.is_open(ts(2026, 11, 26, 15, 0))
    assert not hours.is_open(ts(2026, 11, 28, 15, 0))
