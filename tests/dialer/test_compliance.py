"""Compliance rules: calling hours in the callee's zone (DST included), limits, do-not-call."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ringway.dialer.domain.compliance import (
    InvalidProfile,
    PastCall,
    PastOutcome,
    Rules,
    Suppression,
    check_dial,
    parse_profile,
)
from ringway.dialer.domain.hours import ALWAYS, parse_hours
from ringway.dialer.domain.phones import Callee, callee
from ringway.dialer.profiles import load_profiles

PROFILES = load_profiles()
US, UK, FR = PROFILES["US"], PROFILES["UK"], PROFILES["FR"]
DEFAULT_WINDOW = parse_hours({"mon-sun": [["08:00", "21:00"]]})
LA = callee("+14155550100", "US")
NY = callee("+12125550100", "US")
PARIS = callee("+33612345678", "FR")
LONDON = callee("+442079460958", "GB")


def at(text: str) -> datetime:
    """An aware UTC instant from 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def rules(*profiles: Any, window: Any = DEFAULT_WINDOW) -> Rules:
    return Rules(tuple(profiles), window)


def test_the_shipped_profiles_load_from_configuration() -> None:
    assert set(PROFILES) >= {"US", "UK", "FR"}
    assert US.abandon_window.kind == "rolling"
    assert US.abandon_window.days == 30
    assert UK.abandon_window.kind == "calendar_day"
    assert UK.amd_false_positive_rate > 0
    assert FR.max_calls == 4
    assert FR.refusal_pause_days == 60
    assert {p.connect_limit_ms for p in PROFILES.values()} == {2000}
    assert {p.min_ring_s for p in PROFILES.values()} == {15}


def test_a_number_is_called_only_between_8_and_21_on_its_own_clock() -> None:
    # 15:30 UTC in January: 10:30 in New York but 07:30 in Los Angeles.
    now = at("2026-01-14 15:30")
    assert check_dial(rules(US), NY, [], now=now).allowed
    verdict = check_dial(rules(US), LA, [], now=now)
    assert verdict.reason is Suppression.OUTSIDE_CALLING_HOURS
    assert verdict.not_before == at("2026-01-14 16:00")  # 08:00 PST


def test_the_window_closes_at_21_local() -> None:
    assert check_dial(rules(US), NY, [], now=at("2026-01-15 01:59")).allowed  # 20:59 EST
    late = check_dial(rules(US), NY, [], now=at("2026-01-15 02:00"))
    assert late.reason is Suppression.OUTSIDE_CALLING_HOURS
    assert late.not_before == at("2026-01-15 13:00")


def test_the_window_follows_dst_in_spring() -> None:
    # US clocks go forward on 2026-03-08: 08:00 local is 13:00 UTC before, 12:00 UTC after.
    assert check_dial(rules(US), NY, [], now=at("2026-03-07 12:30")).reason is (
        Suppression.OUTSIDE_CALLING_HOURS)
    assert check_dial(rules(US), NY, [], now=at("2026-03-09 12:30")).allowed
    verdict = check_dial(rules(US), NY, [], now=at("2026-03-08 06:00"))
    assert verdict.not_before == at("2026-03-08 12:00")


def test_the_window_follows_dst_in_autumn() -> None:
    # Clocks go back on 2026-11-01: 21:00 EDT is 01:00 UTC, 21:00 EST is 02:00 UTC.
    assert check_dial(rules(US), NY, [], now=at("2026-11-01 01:30")).reason is (
        Suppression.OUTSIDE_CALLING_HOURS)  # 21:30 EDT on Oct 31
    assert check_dial(rules(US), NY, [], now=at("2026-11-02 01:30")).allowed  # 20:30 EST


def test_a_start_inside_a_dst_gap_opens_at_the_first_real_instant() -> None:
    # A window that opens at 02:30 on the night the clocks skip from 02:00 to 03:00.
    gap = parse_hours({"mon-sun": [["02:30", "04:00"]]})
    verdict = check_dial(rules(window=gap), NY, [], now=at("2026-03-08 05:00"))
    assert verdict.not_before is not None
    assert check_dial(rules(window=gap), NY, [], now=verdict.not_before).allowed
    assert verdict.not_before <= at("2026-03-08 08:00")  # 04:00 EDT, the window's end


def test_france_allows_weekdays_10_to_13_and_14_to_20_only() -> None:
    both = rules(US, UK, FR)
    assert check_dial(both, PARIS, [], now=at("2026-01-14 09:30")).allowed  # Wed 10:30 CET
    lunch = check_dial(both, PARIS, [], now=at("2026-01-14 12:15"))  # 13:15 CET
    assert lunch.reason is Suppression.OUTSIDE_CALLING_HOURS
    assert lunch.not_before == at("2026-01-14 13:00")
    saturday = check_dial(both, PARIS, [], now=at("2026-01-17 10:00"))
    assert saturday.not_before == at("2026-01-19 09:00")  # Monday 10:00 CET


def test_french_public_holidays_are_closed() -> None:
    # 2026-07-14 is a Tuesday; the next opening is Wednesday 10:00 CEST.
    verdict = check_dial(rules(FR), PARIS, [], now=at("2026-07-14 09:00"))
    assert verdict.not_before == at("2026-07-15 08:00")


def test_a_profile_hours_apply_only_to_numbers_of_its_regions() -> None:
    # Saturday 11:00 in London: France's weekday rule does not bind a UK number.
    assert check_dial(rules(UK, FR), LONDON, [], now=at("2026-01-17 11:00")).allowed


def test_an_ambiguous_number_must_be_inside_the_window_in_every_zone() -> None:
    both_coasts = Callee("+18005550100", "US", ("America/New_York", "America/Los_Angeles"))
    assert check_dial(rules(US), both_coasts, [], now=at("2026-01-14 15:30")).reason is (
        Suppression.OUTSIDE_CALLING_HOURS)  # 07:30 in LA
    assert check_dial(rules(US), both_coasts, [], now=at("2026-01-14 16:00")).allowed
    last_call = check_dial(rules(US), both_coasts, [], now=at("2026-01-15 02:00"))
    assert last_call.reason is Suppression.OUTSIDE_CALLING_HOURS  # 21:00 in New York


def test_zones_that_never_overlap_suppress_the_number() -> None:
    morning = parse_hours({"mon-sun": [["09:00", "12:00"]]})
    far_apart = Callee("+18005550100", "US", ("Asia/Tokyo", "America/New_York"))
    verdict = check_dial(rules(US, window=morning), far_apart, [], now=at("2026-01-14 15:30"))
    assert verdict.reason is Suppression.NO_CALLING_WINDOW
    assert verdict.not_before is None


def test_a_number_without_any_zone_is_not_called() -> None:
    unknown = Callee("+18005550100", None, ())
    assert check_dial(rules(US), unknown, [], now=at("2026-01-14 18:00")).reason is (
        Suppression.UNKNOWN_TIME_ZONE)


def test_the_address_zone_wins_over_the_numbers_country_list() -> None:
    tollfree = callee("+18005550100", "US", address_zone="America/Chicago")
    assert tollfree.zones == ("America/Chicago",)
    assert callee("+18005550100", "US").zones[0] == "America/Adak"  # many: every one binds
    assert callee("+18005550100", "US", address_country="FR").zones == ("Europe/Paris",)


def test_do_not_call_wins_over_everything_and_says_which_list() -> None:
    now = at("2026-01-14 18:00")
    assert check_dial(rules(US), NY, [], now=now, do_not_call="global").reason is (
        Suppression.DO_NOT_CALL)
    assert check_dial(rules(US), NY, [], now=now, do_not_call="campaign").reason is (
        Suppression.CAMPAIGN_DO_NOT_CALL)


def test_no_redial_within_72_hours_of_an_abandoned_call() -> None:
    abandoned = at("2026-01-12 18:00")
    history = [PastCall(abandoned, PastOutcome.ABANDONED)]
    early = check_dial(rules(US), NY, history, now=at("2026-01-15 17:59"))
    assert early.reason is Suppression.ABANDON_COOLDOWN
    assert early.not_before == abandoned + timedelta(hours=72)
    assert check_dial(rules(US), NY, history, now=at("2026-01-15 18:00")).allowed


def test_france_allows_four_calls_in_thirty_days() -> None:
    calls = [PastCall(at(f"2026-01-0{d} 10:00")) for d in (1, 2, 5, 6)]
    verdict = check_dial(rules(FR), PARIS, calls, now=at("2026-01-14 10:00"))
    assert verdict.reason is Suppression.FREQUENCY_LIMIT
    assert verdict.not_before == at("2026-01-31 10:00")  # the oldest call leaves the window
    assert check_dial(rules(FR), PARIS, calls[1:], now=at("2026-01-14 10:00")).allowed
    assert check_dial(rules(US), NY, calls, now=at("2026-01-14 18:00")).allowed


def test_france_pauses_sixty_days_after_a_refusal() -> None:
    refusal = [PastCall(at("2026-01-05 10:00"), PastOutcome.REFUSED)]
    verdict = check_dial(rules(FR), PARIS, refusal, now=at("2026-02-20 10:00"))
    assert verdict.reason is Suppression.REFUSAL_PAUSE
    assert verdict.not_before == at("2026-03-06 10:00")


def test_several_profiles_take_the_strictest_limits() -> None:
    combined = rules(US, UK, FR)
    assert combined.connect_limit_ms == 2000
    assert combined.min_ring_s == 15
    calls = [PastCall(at(f"2026-01-0{d} 10:00")) for d in (1, 2, 5, 6)]
    assert check_dial(combined, NY, calls, now=at("2026-01-14 18:00")).reason is (
        Suppression.FREQUENCY_LIMIT)


def test_the_campaign_schedule_binds_in_its_own_zone() -> None:
    from ringway.dialer.domain.hours import ZonedHours
    office = ZonedHours(parse_hours({"mon-fri": [["09:00", "17:00"]]}), "Europe/London")
    scheduled = Rules((US,), ALWAYS, office)
    verdict = check_dial(scheduled, NY, [], now=at("2026-01-14 18:00"))  # 18:00 London
    assert verdict.not_before == at("2026-01-15 13:00")  # 09:00 London = 08:00 New York


@pytest.mark.parametrize(("spec", "message"), [
    ({"hours": {}}, "abandon_cap"),
    ({"abandon_cap": 1.5}, "abandon_cap must be"),
    ({"abandon_cap": 0.03, "hours": {"funday": [["08:00", "21:00"]]}}, "unknown day"),
    ({"abandon_cap": 0.03, "hours": {"mon": [["21:00", "08:00"]]}}, "ends before"),
    ({"abandon_cap": 0.03, "abandon_window": {"kind": "weekly"}}, "rolling|calendar_day"),
    ({"abandon_cap": 0.03, "abandon_window": {"kind": "calendar_day", "zone": "Mars/Base"}},
     "unknown zone"),
])
def test_malformed_profiles_are_rejected_with_the_reason(spec: dict[str, Any],
                                                         message: str) -> None:
    with pytest.raises(InvalidProfile, match=message):
        parse_profile("XX", spec)


def test_a_new_jurisdiction_is_configuration_only() -> None:
    spain = parse_profile("ES", {"regions": ["ES"], "hours": {"mon-fri": [["09:00", "21:00"]]},
                                 "abandon_cap": 0.03})
    madrid = callee("+34912345678", "ES")
    assert check_dial(rules(spain), madrid, [], now=at("2026-01-14 09:00")).allowed  # 10:00
    assert check_dial(rules(spain), madrid, [], now=at("2026-01-17 10:00")).not_before == (
        at("2026-01-19 08:00"))
