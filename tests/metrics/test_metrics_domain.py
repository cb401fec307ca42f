"""KPI arithmetic of the metrics service: pure functions, no I/O."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from ringway.metrics import domain
from ringway.metrics.domain import IntervalCounts, KpiRules


@pytest.mark.parametrize(
    ("moment", "minutes", "expected"),
    [
        (datetime(2026, 11, 23, 9, 14, 59, 999999, tzinfo=UTC), 15, datetime(2026, 11, 23, 9, 0)),
        (datetime(2026, 11, 23, 9, 15, tzinfo=UTC), 15, datetime(2026, 11, 23, 9, 15)),
        (datetime(2026, 11, 23, 9, 44, tzinfo=UTC), 30, datetime(2026, 11, 23, 9, 30)),
        (datetime(2026, 11, 23, 9, 59, 59, tzinfo=UTC), 60, datetime(2026, 11, 23, 9, 0)),
        (datetime(2026, 11, 23, 23, 59, tzinfo=UTC), 15, datetime(2026, 11, 23, 23, 45)),
    ],
)
def test_floor_interval_starts_at_the_interval_boundary(moment: datetime, minutes: int,
                                                        expected: datetime) -> None:
    assert domain.floor_interval(moment, minutes) == expected.replace(tzinfo=UTC)


def test_floor_interval_works_in_utc_whatever_the_offset() -> None:
    # 00:20 at +05:30 is 18:50 UTC the day before: the interval is 18:45 UTC.
    india = timezone(timedelta(hours=5, minutes=30))
    floored = domain.floor_interval(datetime(2026, 11, 24, 0, 20, tzinfo=india), 15)
    assert floored == datetime(2026, 11, 23, 18, 45, tzinfo=UTC)
    assert floored.utcoffset() == timedelta(0)


def test_floor_interval_takes_a_naive_time_as_utc() -> None:
    assert domain.floor_interval(datetime(2026, 11, 23, 9, 31), 30) == datetime(
        2026, 11, 23, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize("minutes", [0, -15, 7, 45, 90])
def test_floor_interval_rejects_lengths_that_do_not_divide_an_hour(minutes: int) -> None:
    with pytest.raises(ValueError, match="does not divide an hour"):
        domain.floor_interval(datetime(2026, 11, 23, 9, 0, tzinfo=UTC), minutes)


def test_answer_at_the_threshold_meets_the_service_level() -> None:
    rules = KpiRules(service_level_threshold_s=20)
    assert domain.answered(20_000, rules) == IntervalCounts(
        answered=1, answered_within_sl=1, wait_ms_total=20_000, longest_wait_ms=20_000)
    assert domain.answered(20_001, rules).answered_within_sl == 0
    assert domain.answered(0, rules).answered_within_sl == 1


def test_threshold_comes_from_the_rules() -> None:
    assert domain.answered(15_000, KpiRules(service_level_threshold_s=10)).answered_within_sl == 0
    assert domain.answered(15_000, KpiRules(service_level_threshold_s=30)).answered_within_sl == 1


def test_completed_handle_time_is_talk_hold_and_wrap_up_each_kept_apart() -> None:
    assert domain.completed(60_000, 5_000, 15_000, resolved=True) == IntervalCounts(
        handled=1, handle_ms_total=80_000, talk_ms_total=60_000, hold_ms_total=5_000,
        wrap_up_ms_total=15_000, resolved=1)


def test_service_level_counts_abandoned_in_the_denominator() -> None:
    assert domain.service_level(answered_within=8, answered=9, abandoned=1) == pytest.approx(0.8)
    assert domain.service_level(answered_within=0, answered=0, abandoned=3) == 0.0


def test_service_level_is_none_when_nothing_left_the_queue() -> None:
    assert domain.service_level(answered_within=0, answered=0, abandoned=0) is None


def test_asa_is_mean_wait_of_answered() -> None:
    assert domain.asa_ms(wait_ms_total=30_000, answered=4) == 7_500
    assert domain.asa_ms(wait_ms_total=0, answered=0) is None


def test_aht_is_mean_handle_time_of_handled() -> None:
    assert domain.aht_ms(handle_ms_total=250_000, handled=2) == 125_000
    assert domain.aht_ms(handle_ms_total=0, handled=0) is None


def test_abandon_rate_is_share_of_offered() -> None:
    assert domain.abandon_rate(abandoned=1, offered=4) == 0.25
    assert domain.abandon_rate(abandoned=0, offered=4) == 0.0
    assert domain.abandon_rate(abandoned=0, offered=0) is None


def test_kpis_of_an_empty_interval_are_all_none() -> None:
    assert domain.kpis(IntervalCounts()) == domain.Kpis(None, None, None, None)


def test_kpis_of_counts() -> None:
    counts = IntervalCounts(offered=10, answered=8, abandoned=2, answered_within_sl=6,
                            wait_ms_total=80_000, handled=5, handle_ms_total=1_000_000)
    kpis = domain.kpis(counts)
    assert (kpis.service_level, kpis.asa_ms, kpis.aht_ms, kpis.abandon_rate) == (
        0.6, 10_000.0, 200_000.0, 0.2)


def test_check_range_returns_utc_bounds() -> None:
    paris = timezone(timedelta(hours=1))
    start, end = domain.check_range(datetime(2026, 11, 23, 10, 0, tzinfo=paris),
                                    datetime(2026, 11, 23, 12, 0))
    assert start == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert end == datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_check_range_accepts_exactly_the_maximum_span() -> None:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    assert domain.check_range(start, start + domain.MAX_RANGE) == (start,
                                                                   start + domain.MAX_RANGE)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (datetime(2026, 11, 23, 10, tzinfo=UTC), datetime(2026, 11, 23, 10, tzinfo=UTC), "after"),
        (datetime(2026, 11, 23, 10, tzinfo=UTC), datetime(2026, 11, 23, 9, tzinfo=UTC), "after"),
        (datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 2, 0, 0, 1, tzinfo=UTC), "31 days"),
    ],
)
def test_check_range_rejects_empty_reversed_and_too_long(start: datetime, end: datetime,
                                                         message: str) -> None:
    with pytest.raises(domain.InvalidRange, match=message):
        domain.check_range(start, end)


def test_check_range_compares_instants_not_wall_clocks() -> None:
    # 10:00+02:00 is 08:00 UTC, before 09:00 UTC: a valid one-hour range despite the wall clocks.
    start = datetime(2026, 11, 23, 10, 0, tzinfo=timezone(timedelta(hours=2)))
    assert domain.check_range(start, datetime(2026, 11, 23, 9, 0, tzinfo=UTC))[0].hour == 8
