"""The named KPI variants, computed by hand from one interval's counts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ringway.metrics import domain
from ringway.metrics.domain import IntervalCounts, KpiRules
from ringway.metrics.domain.agents import agent_time, split_by_interval, staffed_agents
from ringway.metrics.domain.kpis import combine, is_repeat

RULES = KpiRules(service_level_threshold_s=20, short_abandon_s=5)


def interval_of_ten() -> IntervalCounts:
    """10 offered: 6 answered (4 within 20 s), 4 abandoned (1 after 3 s, 2 by 20 s, 2 later)."""
    events = [domain.queued() for _ in range(10)]
    events += [domain.answered(w, RULES) for w in (1_000, 5_000, 20_000, 19_000, 30_000, 60_000)]
    events += [domain.abandoned(w, RULES) for w in (3_000, 15_000, 45_000, 90_000)]
    events += [domain.completed(100_000, 20_000, 30_000, resolved=r) for r in (True, False)]
    return combine(events)


def test_the_four_service_level_variants_differ_as_their_definitions_say() -> None:
    kpis = domain.kpis(interval_of_ten())
    assert kpis.service_level == pytest.approx(4 / 10)  # within / (answered + abandoned)
    assert kpis.service_level_of_answered == pytest.approx(4 / 6)  # within / answered
    # within / (answered + abandoned after the threshold): 2 abandons were later than 20 s
    assert kpis.service_level_excluding_early_abandons == pytest.approx(4 / 8)
    # left the queue within the threshold (answered or abandoned) / queued (Amazon Connect)
    assert kpis.service_level_left_within == pytest.approx((4 + 2) / 10)


def test_short_abandons_are_reported_apart() -> None:
    counts = interval_of_ten()
    kpis = domain.kpis(counts)
    assert (counts.abandoned, counts.short_abandoned) == (4, 1)
    assert kpis.abandon_rate == pytest.approx(4 / 10)
    assert kpis.abandon_rate_excluding_short == pytest.approx(3 / 9)
    assert kpis.avg_abandon_wait_ms == pytest.approx((3 + 15 + 45 + 90) * 1000 / 4)


def test_handle_time_is_split_into_talk_hold_and_wrap_up() -> None:
    kpis = domain.kpis(interval_of_ten())
    assert (kpis.aht_ms, kpis.avg_talk_ms, kpis.avg_hold_ms, kpis.avg_wrap_up_ms) == (
        150_000, 100_000, 20_000, 30_000)
    assert kpis.resolved_rate == 0.5


def test_longest_wait_is_a_maximum_not_a_sum() -> None:
    assert interval_of_ten().longest_wait_ms == 90_000


def test_transfer_and_first_contact_resolution_rates() -> None:
    counts = IntervalCounts(answered=4, handled=4, transfers=1, repeats=1)
    kpis = domain.kpis(counts)
    assert (kpis.transfer_rate, kpis.fcr_rate) == (0.25, 0.75)


def test_a_contact_repeats_the_last_one_only_within_the_fcr_window() -> None:
    done = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    rules = KpiRules(fcr_window_h=72)
    assert is_repeat(done, datetime(2026, 11, 23, 9, 0, tzinfo=UTC), rules)
    assert not is_repeat(done, datetime(2026, 11, 23, 9, 1, tzinfo=UTC), rules)


def test_state_time_is_split_at_interval_boundaries() -> None:
    start = datetime(2026, 11, 23, 9, 10, tzinfo=UTC)
    end = datetime(2026, 11, 23, 9, 40, 30, tzinfo=UTC)
    assert split_by_interval(start, end, 15) == [
        (datetime(2026, 11, 23, 9, 0, tzinfo=UTC), 300_000),
        (datetime(2026, 11, 23, 9, 15, tzinfo=UTC), 900_000),
        (datetime(2026, 11, 23, 9, 30, tzinfo=UTC), 630_000)]
    assert split_by_interval(end, end, 15) == []


def test_occupancy_counts_ready_time_and_utilization_all_logged_in_time() -> None:
    time = agent_time({("available", ""): 200, ("busy", ""): 500, ("wrap_up", ""): 100,
                       ("not_ready", "break"): 150, ("not_ready", ""): 50, ("offline", ""): 999})
    assert time.occupancy == pytest.approx(600 / 800)
    assert time.utilization == pytest.approx(600 / 1000)
    assert time.not_ready_by_reason == {"break": 150, "unspecified": 50}
    assert staffed_agents(2 * 900_000, 15) == 2.0
