"""Pacing rules, and simulated days proving the abandon cap holds under predictive dialing."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from pacing_inputs import RINGS, SETTLED

from ringway.dialer.domain.arrivals import (
    ages_histogram,
    poisson_excess,
    poisson_tail,
)
from ringway.dialer.domain.campaigns import DialingMode
from ringway.dialer.domain.pacing import answer_inflation, decide
from ringway.dialer.simulation import SimConfig, simulate
from ringway.dialer.telephony import CallOutcome, SimulatedCarrier


def test_no_call_is_placed_when_no_agent_of_the_pool_is_logged_in() -> None:
    for mode in (DialingMode.PREVIEW, DialingMode.PROGRESSIVE, DialingMode.PREDICTIVE):
        decision = decide(replace(SETTLED, mode=mode, agents_logged_in=0))
        assert (decision.dial, decision.reason) == (0, "no_agents_logged_in")


def test_progressive_places_one_call_per_ready_agent_minus_calls_in_flight() -> None:
    progressive = replace(SETTLED, mode=DialingMode.PROGRESSIVE, agents_ready=7,
                          calls_in_flight=3)
    assert decide(progressive).dial == 4
    assert decide(replace(progressive, calls_in_flight=9)).dial == 0


def test_predictive_over_dials_for_agents_about_to_free_up() -> None:
    decision = decide(SETTLED)
    assert decision.reason == "predictive"
    assert decision.dial > SETTLED.agents_ready
    # Forecast abandons stay within the decision's allowance per forecast answer (a quarter
    # of the calls, at the answer rate's upper bound), and the allowance under the cap.
    answers = decision.lines * 0.25 * answer_inflation(RINGS.calls, RINGS.humans)
    assert decision.expected_abandons <= decision.allowed * answers
    assert 0 < decision.allowed <= decision.aim < 0.03


def test_agents_whose_wrap_up_ends_soon_are_dialed_for_before_they_free_up() -> None:
    ending = decide(replace(SETTLED, agents_ready=0, wrap_elapsed_s=(26.0,) * 6))
    starting = decide(replace(SETTLED, agents_ready=0, wrap_elapsed_s=(1.0,) * 6))
    assert ending.dial > starting.dial
    assert starting.dial == 0  # nobody frees within the longest ring: nothing to call for


def test_calls_ringing_past_the_longest_answer_count_for_nothing() -> None:
    young = replace(SETTLED, calls_in_flight=12, in_flight_ages=ages_histogram([3.0] * 12))
    old = replace(SETTLED, calls_in_flight=12, in_flight_ages=ages_histogram([15.0] * 12))
    assert decide(old).lines > decide(young).lines
    assert decide(old).dial > 0


def test_answers_already_waiting_hold_back_new_calls() -> None:
    waiting = replace(SETTLED, agents_ready=0, answered_waiting=3, calls_in_flight=3)
    assert decide(waiting).dial < decide(replace(SETTLED, agents_ready=0)).dial


def test_the_poisson_tail_and_excess_match_the_sums() -> None:
    mean = 2.5
    terms = [math.exp(-mean) * mean ** k / math.factorial(k) for k in range(60)]
    assert poisson_tail(3, mean) == pytest.approx(sum(terms[3:]))
    assert poisson_excess(3, mean) == pytest.approx(sum((k - 3) * p for k, p in
                                                         enumerate(terms) if k > 3))
    assert poisson_excess(-2, mean) == pytest.approx(mean + 2)
    assert RINGS.answer_by(0, 14) == pytest.approx(0.25)
    assert RINGS.answer_by(14, 30) == 0.0  # nobody answers after 13 s


def test_predictive_is_progressive_while_data_is_thin() -> None:
    thin = decide(replace(SETTLED, samples=50))
    assert (thin.dial, thin.reason) == (5, "thin_data")
    few_live = decide(replace(SETTLED, live_in_window=10))
    assert few_live.reason == "thin_data"


def test_reaching_the_cap_on_any_window_falls_back_to_progressive() -> None:
    capped = decide(replace(SETTLED, window_rates={"US": 0.01, "UK": 0.03}))
    assert (capped.dial, capped.reason) == (5, "abandon_cap_guard")
    no_budget = decide(replace(SETTLED, budget=0.5))
    assert no_budget.reason == "abandon_cap_guard"


def test_a_spike_of_abandons_halves_the_pace_at_once() -> None:
    calm = decide(SETTLED)
    spike = decide(replace(SETTLED, recent_live=40, recent_abandoned=4))
    assert spike.pace_factor == 0.5
    assert spike.reason == "predictive_slowed"
    assert spike.lines - 5 <= (calm.lines - 5) // 2 + 1
    recovering = decide(replace(SETTLED, pace_factor=0.5))
    assert 0.5 < recovering.pace_factor < 1


def test_blending_backs_off_while_inbound_misses_its_target() -> None:
    decision = decide(replace(SETTLED, inbound_over_target=True))
    assert (decision.dial, decision.reason) == (0, "inbound_over_target")


def test_agentless_fills_its_lines_without_agents() -> None:
    agentless = replace(SETTLED, mode=DialingMode.AGENTLESS, agents_logged_in=0,
                        agentless_lines=20, calls_in_flight=8)
    assert decide(agentless).dial == 12


def test_preview_asks_routing_for_one_reservation_per_ready_agent() -> None:
    preview = replace(SETTLED, mode=DialingMode.PREVIEW, calls_in_flight=2)
    decision = decide(preview)
    assert (decision.dial, decision.reason) == (3, "preview")  # 5 ready, 2 still pending


def test_every_decision_is_auditable_with_its_inputs() -> None:
    audit = decide(SETTLED).audit(SETTLED)
    assert audit["inputs"]["agents_ready"] == 5
    assert audit["inputs"]["window_rates"] == {"US": 0.01}
    assert audit["output"]["reason"] == "predictive"


def test_the_simulated_carrier_is_deterministic_and_near_its_rates() -> None:
    first, second = SimulatedCarrier(seed=3), SimulatedCarrier(seed=3)
    calls = [first.sample(25) for _ in range(4000)]
    assert calls[:50] == [second.sample(25) for _ in range(50)]
    humans = sum(c.outcome is CallOutcome.HUMAN for c in calls) / len(calls)
    assert 0.22 < humans < 0.28
    assert all(c.ring_ms == 25000 for c in calls if c.outcome is CallOutcome.NO_ANSWER)


@pytest.mark.parametrize(("agents", "cap"), [(50, 0.03), (50, 0.01), (10, 0.03)])
def test_predictive_never_exceeds_the_cap_in_a_simulated_day(agents: int, cap: float) -> None:
    result = simulate(SimConfig(agents=agents, hours=1, abandon_cap=cap, seed=11))
    assert result.live > 0
    assert result.max_rate <= cap
    assert result.abandon_rate <= cap


def test_predictive_keeps_agents_busier_than_progressive() -> None:
    progressive = simulate(SimConfig(mode=DialingMode.PROGRESSIVE, hours=1, seed=5))
    predictive = simulate(SimConfig(mode=DialingMode.PREDICTIVE, hours=1, seed=5))
    assert progressive.abandoned == 0
    assert predictive.occupancy > progressive.occupancy + 0.08
    assert predictive.connects_per_agent_hour > 1.1 * progressive.connects_per_agent_hour
    assert predictive.p99_answer_to_agent_s <= 2.0
