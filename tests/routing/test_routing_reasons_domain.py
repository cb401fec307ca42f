"""Routing rules, the repeat policy and agent shifts, as pure domain rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from ringway.routing.domain.reasons import RepeatPolicy, RouteRequest, Rule, choose_rule
from ringway.routing.domain.shifts import Shift
from ringway.shared.contracts.common import Channel

VOICE, CHAT = Channel.VOICE, Channel.CHAT


def test_the_first_matching_rule_by_position_chooses_the_queue() -> None:
    rules = [Rule("r-any", "general", position=900),
             Rule("r-billing", "billing", position=10, reason="billing"),
             Rule("r-billing-es", "billing-es", position=5, reason="billing",
                  languages=frozenset({"es"}))]
    assert choose_rule(rules, RouteRequest(VOICE, "billing", "post-sale", "es")).id == (
        "r-billing-es")
    assert choose_rule(rules, RouteRequest(VOICE, "billing", "post-sale", "en")).id == (
        "r-billing")
    assert choose_rule(rules, RouteRequest(VOICE, "order", "pre-purchase")).id == "r-any"


def test_at_the_same_position_the_more_specific_rule_wins() -> None:
    rules = [Rule("a", "post-sale", category="post-sale"),
             Rule("b", "gold-chat", category="post-sale", channels=frozenset({CHAT}),
                  attributes=(("tier", "gold"),))]
    gold_chat = RouteRequest(CHAT, "returns", "post-sale", attributes={"tier": "gold"})
    assert choose_rule(rules, gold_chat).id == "b"
    assert choose_rule(rules, RouteRequest(VOICE, "returns", "post-sale",
                                           attributes={"tier": "gold"})).id == "a"
    assert choose_rule(rules, RouteRequest(CHAT, "order", "pre-purchase")) is None


def test_attribute_conditions_compare_as_text_and_must_be_present() -> None:
    rule = Rule("r", "vip", attributes=(("vip", "True"),))
    assert rule.matches(RouteRequest(VOICE, attributes={"vip": True}))
    assert not rule.matches(RouteRequest(VOICE, attributes={"vip": False}))
    assert not rule.matches(RouteRequest(VOICE))


def test_a_repeat_contact_within_the_window_is_boosted_up_to_the_top() -> None:
    policy = RepeatPolicy(window_s=3600, boost=30)
    assert policy.is_repeat(1_000.0, 1_000.0 + 3600)
    assert not policy.is_repeat(1_000.0, 1_000.0 + 3601)
    assert not policy.is_repeat(None, 1_000.0)
    assert (policy.priority(10, True), policy.priority(10, False)) == (40, 10)
    assert policy.priority(90, True) == 100
    assert not RepeatPolicy(boost=0).is_repeat(1_000.0, 1_001.0)


def local(zone: str, *args: int) -> float:
    return datetime(*args, tzinfo=ZoneInfo(zone)).timestamp()  # type: ignore[misc]


def test_a_shift_follows_local_wall_time_across_the_dst_change() -> None:
    zone = "America/New_York"
    shift = Shift(zone, {d: ((time(9), time(17)),) for d in range(7)})
    # 2026-03-08: clocks go forward at 02:00; 09:00 local is 13:00 UTC that day, 14:00 before.
    assert shift.is_on(local(zone, 2026, 3, 8, 9, 0))
    assert not shift.is_on(local(zone, 2026, 3, 8, 8, 59))
    assert shift.is_on(datetime(2026, 3, 8, 13, 0, tzinfo=UTC).timestamp())
    assert not shift.is_on(datetime(2026, 3, 7, 13, 30, tzinfo=UTC).timestamp())
    assert shift.next_change(local(zone, 2026, 3, 8, 3, 0)) == local(zone, 2026, 3, 8, 9, 0)


def test_a_night_shift_runs_past_midnight_and_a_day_off_cancels_it() -> None:
    zone = "Europe/Berlin"
    friday = date(2026, 11, 27)
    shift = Shift(zone, {4: ((time(22), time(6)),)}, days_off=frozenset())
    assert shift.is_on(local(zone, 2026, 11, 28, 5, 59))
    assert not shift.is_on(local(zone, 2026, 11, 28, 6, 0))
    assert shift.next_change(local(zone, 2026, 11, 27, 12, 0)) == local(zone, 2026, 11, 27, 22)
    off = Shift(zone, {4: ((time(22), time(6)),)}, days_off=frozenset({friday}))
    assert not off.is_on(local(zone, 2026, 11, 28, 1, 0))
    assert off.next_change(local(zone, 2026, 11, 27, 12, 0)) == local(zone, 2026, 12, 4, 22)
