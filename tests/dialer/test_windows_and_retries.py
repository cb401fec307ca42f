"""Abandon-rate windows per profile, retry rules and list-row validation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ringway.dialer.domain.abandons import Answer, rate_for, window_start
from ringway.dialer.domain.lists import ListEntry, merge_duplicates, parse_row
from ringway.dialer.domain.retries import ContactStatus, Disposition, Outcome, after_attempt
from ringway.dialer.profiles import load_profiles

PROFILES = load_profiles()
DELAYS = {"busy": 15, "no_answer": 120, "machine": 240, "abandoned": 4320, "failed": 60}
NOW = datetime(2026, 3, 29, 12, 0, tzinfo=UTC)  # the day the UK moves to summer time


def test_the_us_window_rolls_over_thirty_days() -> None:
    assert window_start(PROFILES["US"].abandon_window, NOW) == NOW - timedelta(days=30)


def test_the_uk_window_is_the_calendar_day_in_london_across_dst() -> None:
    start = window_start(PROFILES["UK"].abandon_window, NOW)
    assert start == datetime(2026, 3, 29, 0, 0, tzinfo=UTC)  # 00:00 GMT, before the change
    summer = window_start(PROFILES["UK"].abandon_window, NOW + timedelta(days=1))
    assert summer == datetime(2026, 3, 29, 23, 0, tzinfo=UTC)  # 00:00 BST


def test_abandons_count_over_live_answers_on_the_us_window() -> None:
    answers = ([Answer(NOW - timedelta(days=1), "live")] * 96
               + [Answer(NOW - timedelta(days=2), "abandoned")] * 3
               + [Answer(NOW - timedelta(days=31), "abandoned")] * 5)
    rate = rate_for(PROFILES["US"], answers, NOW)
    assert (rate.live, rate.abandoned) == (99, 3)
    assert rate.rate == 3 / 99
    assert rate.reached
    assert rate.budget < 0


def test_the_uk_rate_counts_estimated_machine_false_positives_as_abandons() -> None:
    answers = ([Answer(NOW - timedelta(hours=1), "live")] * 100
               + [Answer(NOW - timedelta(hours=2), "machine")] * 40
               + [Answer(NOW - timedelta(hours=3), "abandoned")])
    uk, us = rate_for(PROFILES["UK"], answers, NOW), rate_for(PROFILES["US"], answers, NOW)
    assert uk.false_positives == 40 * 0.05
    assert uk.rate == (1 + 2) / (101 + 2)
    assert us.rate == 1 / 101
    assert uk.rate > us.rate


def test_yesterdays_abandons_do_not_count_on_the_uk_day() -> None:
    answers = [Answer(NOW - timedelta(days=1), "abandoned"), Answer(NOW, "live")]
    assert rate_for(PROFILES["UK"], answers, NOW).abandoned == 0


def test_a_retryable_outcome_waits_its_delay_until_attempts_run_out() -> None:
    busy = after_attempt(Outcome.BUSY, attempts=1, max_attempts=3, delays_min=DELAYS, now=NOW)
    assert (busy.status, busy.next_attempt_at) == (ContactStatus.PENDING,
                                                   NOW + timedelta(minutes=15))
    abandoned = after_attempt(Outcome.ABANDONED, attempts=1, max_attempts=3,
                              delays_min=DELAYS, now=NOW)
    assert abandoned.next_attempt_at == NOW + timedelta(hours=72)
    last = after_attempt(Outcome.NO_ANSWER, attempts=3, max_attempts=3, delays_min=DELAYS,
                         now=NOW)
    assert (last.status, last.final) == (ContactStatus.EXHAUSTED, True)


def test_a_connected_call_is_done_unless_a_callback_was_asked_for() -> None:
    sale = after_attempt(Outcome.CONNECTED, attempts=1, max_attempts=3, delays_min=DELAYS,
                         now=NOW, disposition=Disposition.SALE)
    assert sale.status is ContactStatus.DONE
    callback = after_attempt(Outcome.CONNECTED, attempts=3, max_attempts=3, delays_min=DELAYS,
                             now=NOW, disposition=Disposition.CALLBACK_REQUESTED,
                             callback_at=NOW + timedelta(days=1))
    assert (callback.status, callback.next_attempt_at) == (ContactStatus.PENDING,
                                                           NOW + timedelta(days=1))


def test_list_rows_keep_unknown_columns_as_attributes_and_merge_duplicates() -> None:
    first = parse_row({"Phone": " 020 7946 0958 ", "Name": "Ada", "plan": ""}, 1, "GB")
    second = parse_row({"phone": "+442079460958", "plan": "gold", "priority": "7"}, 2, None)
    assert isinstance(first, ListEntry)
    assert isinstance(second, ListEntry)
    assert (first.phone, first.region, first.zones) == ("+442079460958", "GB",
                                                        ("Europe/London",))
    merged, count = merge_duplicates([first, second])
    assert count == 1
    assert merged["+442079460958"].attributes == {"name": "Ada", "plan": "gold"}
    assert merged["+442079460958"].priority == 7


def test_a_national_number_without_a_default_region_is_rejected() -> None:
    error = parse_row({"phone": "020 7946 0958"}, 4, None)
    assert not isinstance(error, ListEntry)
    assert (error.row, error.reason) == (4, "unparseable_phone")
