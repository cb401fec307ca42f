"""Predictive pacing rules: the abandon budget, the answer-rate margin, talk times, spikes."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from pacing_inputs import SETTLED

from ringway.dialer.domain.arrivals import (
    RingProfile,
    Supply,
    TalkTimes,
    ages_histogram,
    answers_excess,
    poisson_excess,
    quantiles,
)
from ringway.dialer.domain.pacing import answer_inflation, decide
from ringway.dialer.domain.target import abandon_target


def test_the_aim_under_the_cap_narrows_its_margin_as_answers_accumulate() -> None:
    thin, some, many = (abandon_target(0.03, 0.0, live) for live in (100, 2000, 50_000))
    assert thin.aim == 0.015  # half the cap while the window holds few answers
    assert thin.aim < some.aim < many.aim < 0.03
    assert abandon_target(0.01, 0.0, 50_000).aim < 0.01


def test_a_window_below_its_aim_allows_bolder_decisions_and_never_above_the_aim() -> None:
    slack = abandon_target(0.03, 0.005, 5000)
    on_aim = abandon_target(0.03, slack.aim, 5000)
    over = abandon_target(0.03, 0.029, 5000)
    assert slack.allowed > on_aim.allowed > over.allowed > 0
    assert slack.allowed <= slack.aim
    assert abandon_target(0.0, 0.0, 5000).allowed == 0


def test_predictive_spends_the_slack_its_windows_have_built_up() -> None:
    calm = decide(replace(SETTLED, window_rates={"US": 0.002, "UK": 0.004}))
    tight = decide(replace(SETTLED, window_rates={"US": 0.002, "UK": 0.026}))
    assert calm.lines > tight.lines
    assert calm.allowed > tight.allowed  # the worst window sets the allowance


def test_a_small_answer_sample_forecasts_more_answers_and_dials_fewer_calls() -> None:
    few = RingProfile.of([(4 + n % 10, True) for n in range(10)]
                         + [(2, False)] * 10 + [(25, False)] * 20)
    many = RingProfile.of([(4 + n % 10, True) for n in range(1000)]
                          + [(2, False)] * 1000 + [(25, False)] * 2000)
    assert answer_inflation(few.calls, few.humans) > answer_inflation(many.calls, many.humans) > 1
    thin = decide(replace(SETTLED, ring_calls=few.calls, ring_humans=few.humans))
    rich = decide(replace(SETTLED, ring_calls=many.calls, ring_humans=many.humans))
    assert thin.lines < rich.lines


def test_a_talker_past_the_short_calls_is_not_expected_to_finish_soon() -> None:
    samples = [12.0] * 50 + [600.0] * 50  # half the calls end at 12 s, the rest at 10 min
    talk = TalkTimes.of(samples, (11.0, 13.0), talking=3)
    assert talk is not None
    assert talk.elapsed == (11.0, 13.0, 0.0)  # a talker of unknown start has just begun
    mean, _ = talk.ending_within(12)
    assert mean == 1.0  # the 11 s talker half, the new one half, the 13 s one not at all
    assert TalkTimes.of(samples[:10], (11.0,), talking=1) is None  # too few talks seen
    supply = Supply(0, (), 3, 180, 0.0, talk)
    assert supply.by(12) == (1.0, 0.5)
    assert supply.by(5) == (0.5, 0.25)  # within 5 s only the 11 s talker may end


def test_predictive_dials_for_talkers_whose_calls_tend_to_end_now_only() -> None:
    samples = quantiles([12.0] * 50 + [600.0] * 50)
    talking = replace(SETTLED, agents_ready=0, agents_busy=20, wrap_elapsed_s=(),
                      mean_wrap_s=0.0, talk_samples_s=samples)
    ending = decide(replace(talking, talk_elapsed_s=(11.0,) * 20))
    long_ones = decide(replace(talking, talk_elapsed_s=(13.0,) * 20))
    assert ending.dial > 0
    assert long_ones.dial == 0


def test_one_spike_halves_the_pace_once_and_each_further_abandon_halves_it_again() -> None:
    spike = replace(SETTLED, recent_live=40, recent_abandoned=4)
    first = decide(spike)
    assert (first.pace_factor, first.spike_level) == (0.5, 4)
    same = decide(replace(spike, pace_factor=first.pace_factor, spike_level=4))
    assert (same.pace_factor, same.spike_level) == (0.5, 4)  # held, not recovering
    worse = decide(replace(spike, recent_abandoned=5, pace_factor=0.5, spike_level=4))
    assert (worse.pace_factor, worse.spike_level) == (0.25, 5)
    calm = decide(replace(SETTLED, pace_factor=0.25, spike_level=5))
    assert calm.spike_level == 0
    assert calm.pace_factor > 0.25


def test_the_audit_records_the_aim_allowance_and_talk_times() -> None:
    inputs = replace(SETTLED, talk_elapsed_s=(40.0,), talk_samples_s=(100.0, 200.0))
    audit = decide(inputs).audit(inputs)
    assert audit["inputs"]["talk_elapsed_s"] == (40.0,)
    assert 0 < audit["output"]["allowed"] <= audit["output"]["aim"] < 0.03


def test_before_one_abandon_fits_the_budget_only_calls_that_cannot_be_lost_are_added() -> None:
    empty = replace(SETTLED, budget=0.5, agents_ready=40, agents_busy=10, wrap_elapsed_s=())
    ramp = decide(empty)
    assert ramp.reason == "abandon_cap_guard"
    assert ramp.dial > 40  # 40 agents ready, few answers to come: more calls are safe
    assert ramp.expected_abandons <= 1e-5
    assert decide(replace(empty, budget=40)).dial > ramp.dial  # a budget allows more
    crowded = replace(SETTLED, budget=0.5, agents_ready=2, wrap_elapsed_s=(),
                      calls_in_flight=12, in_flight_ages=ages_histogram([3.0] * 12))
    assert decide(crowded).dial == 0  # the answers to come may already outnumber them


def test_a_bad_last_hour_slows_the_pace_though_the_day_is_under_its_aim() -> None:
    calm_hour = decide(replace(SETTLED, rolling_hour=(800, 8)))
    bad_hour = decide(replace(SETTLED, rolling_hour=(800, 22)))
    assert bad_hour.allowed < calm_hour.allowed
    assert bad_hour.lines < calm_hour.lines
    assert decide(replace(SETTLED, rolling_hour=(800, 30))).reason == "predictive"  # not a
    # compliance window: the hour never forces the progressive fallback


def test_the_answers_beyond_the_room_follow_the_binomial_law_not_the_poisson_tail() -> None:
    calls, p = 32, 0.25  # 32 fresh calls, each answered by a person one time in four
    law = [math.comb(calls, k) * p ** k * (1 - p) ** (calls - k) for k in range(calls + 1)]
    for room in (3, 8, 11):
        exact = sum((k - room) * q for k, q in enumerate(law) if k > room)
        assert answers_excess(room, calls * p, calls * p * (1 - p)) == pytest.approx(exact)
    assert answers_excess(11, 8.0, 6.0) < poisson_excess(11, 8.0)  # thinner tail
    assert answers_excess(11, 8.0, 8.0) == poisson_excess(11, 8.0)  # no spread given
    assert answers_excess(-2, 8.0, 6.0) == 10.0


def test_a_small_budget_holds_back_calls_a_rush_of_answers_could_lose_all_at_once() -> None:
    rich, poor = decide(SETTLED), decide(replace(SETTLED, budget=2.5))
    assert poor.reason == "predictive"
    assert SETTLED.agents_ready <= poor.lines < rich.lines
