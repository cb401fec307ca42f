"""Erlang B, C and A against published values, closed forms and a 100-digit reference."""

from __future__ import annotations

import math

import erlang_reference as ref
import numpy as np
import pytest

from ringway.metrics.domain.erlang import (
    erlang_a_figures,
    erlang_b,
    erlang_b_table,
    erlang_c,
    erlang_c_figures,
)
from ringway.metrics.domain.erlang_plan import required_positions_c
from ringway.metrics.domain.staffing import Targets, Workload, required_erlang_c


def test_erlang_b_matches_the_classic_table_values() -> None:
    # Erlang B tables (e.g. ITU-T E.800 series handbooks, "Teletraffic Engineering" by
    # V. B. Iversen, table of B(n, A)): 10 circuits offered 5 Erlangs block 1.84 %, and
    # 4.46 Erlangs is the load 10 circuits carry at 1 % grade of service.
    assert erlang_b(10, 5.0) == pytest.approx(0.018385, abs=5e-6)
    assert erlang_b(10, 4.46) == pytest.approx(0.0100, abs=1e-4)
    assert erlang_b(1, 1.0) == pytest.approx(0.5)
    assert erlang_b(0, 3.0) == 1.0


def test_erlang_c_of_two_agents_at_one_erlang_is_one_third() -> None:
    # M/M/2 at A = 1: B = 0.2, C = 2·0.2 / (2 - 0.8) = 1/3 exactly.
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3, abs=1e-15)
    assert erlang_c(1, 0.7) == pytest.approx(0.7, abs=1e-15)  # M/M/1: P(wait) = rho


def test_erlang_c_reproduces_the_call_centre_helper_worked_example() -> None:
    # Call Centre Helper, "Erlang C Formula - Made Simple With an Easy Worked Example":
    # 100 calls in 30 minutes, AHT 180 s, 80 % in 20 s -> 10 Erlangs; 14 agents give
    # P(wait) 17.41 %, service level 88.8 %, ASA 7.8 s, occupancy 71.4 %; with 30 %
    # shrinkage 20 agents must be scheduled.
    figures = erlang_c_figures(14, 10.0, 180.0, 20.0)
    assert figures.p_wait == pytest.approx(0.1741, abs=5e-5)
    assert figures.service_level == pytest.approx(0.888, abs=5e-4)
    assert figures.asa_s == pytest.approx(7.8, abs=0.05)
    assert figures.occupancy == pytest.approx(0.714, abs=5e-4)
    requirement = required_erlang_c(Workload(100, 180, 1800), Targets(shrinkage=0.3))
    assert (requirement.positions, requirement.scheduled) == (14, 20)


def test_a_queue_that_cannot_keep_up_always_waits_and_never_meets_a_level() -> None:
    figures = erlang_c_figures(10, 10.0, 180.0, 20.0)
    assert (figures.p_wait, figures.service_level, figures.asa_s) == (1.0, 0.0, math.inf)


@pytest.mark.parametrize(("agents", "load"), [(3, 2.5), (50, 45.2), (1_000, 980.3),
                                              (10_000, 9_870.0)])
def test_erlang_b_and_c_are_exact_to_1e9_against_the_100_digit_reference(
        agents: int, load: float) -> None:
    assert erlang_b(agents, load) == pytest.approx(ref.erlang_b(agents, load), abs=1e-12)
    assert erlang_c(agents, load) == pytest.approx(ref.erlang_c(agents, load), abs=1e-9)
    level = erlang_c_figures(agents, load, 240.0, 20.0).service_level
    assert level == pytest.approx(ref.erlang_c_service_level(agents, load, 240.0, 20.0),
                                  abs=1e-9)


def test_erlang_c_does_not_overflow_at_one_hundred_thousand_agents() -> None:
    # A^n / n! alone would be 10^(434,000): the recursion never forms it.
    wait = erlang_c(100_300, 100_000.0)
    assert wait == pytest.approx(ref.erlang_c(100_300, 100_000.0), abs=1e-9)
    assert 0.0 < wait < 1.0


def test_the_b_table_holds_the_same_values_as_single_calls() -> None:
    table = erlang_b_table(30, 21.5)
    assert [table[n] for n in (0, 7, 30)] == [1.0, erlang_b(7, 21.5), erlang_b(30, 21.5)]


@pytest.mark.parametrize(("agents", "load", "aht", "patience", "threshold"), [
    (14, 10.0, 180.0, 120.0, 20.0),
    (5, 4.0, 300.0, 60.0, 30.0),
    (3, 5.0, 200.0, 400.0, 10.0),    # overloaded: abandonment keeps it stable
    (30, 32.0, 240.0, 90.0, 15.0),
])
def test_erlang_a_matches_its_explicit_state_sums(agents: int, load: float, aht: float,
                                                 patience: float, threshold: float) -> None:
    expected = ref.erlang_a(agents, load, aht, patience, threshold)
    figures = erlang_a_figures(agents, load, aht, patience, threshold)
    for name, value in expected.items():
        assert getattr(figures, name) == pytest.approx(value, abs=1e-9), name


def test_erlang_a_with_patience_equal_to_handle_time_is_a_poisson_number_in_system() -> None:
    # With theta = mu every contact present leaves at the same rate: M/M/infinity, so the
    # number in system is Poisson(A); P(wait) = P(N >= n), P(abandon) = E[(N - n)+] / A.
    load, agents = 8.0, 10
    poisson = [math.exp(-load + k * math.log(load) - math.lgamma(k + 1)) for k in range(120)]
    figures = erlang_a_figures(agents, load, 180.0, 180.0, 20.0)
    assert figures.p_wait == pytest.approx(sum(poisson[agents:]), abs=1e-12)
    excess = sum((k - agents) * p for k, p in enumerate(poisson) if k > agents)
    assert figures.p_abandon == pytest.approx(excess / load, abs=1e-12)


def test_erlang_a_tends_to_erlang_c_as_patience_grows() -> None:
    c = erlang_c_figures(14, 10.0, 180.0, 20.0)
    a = erlang_a_figures(14, 10.0, 180.0, 1e9, 20.0)
    assert (a.p_wait, a.service_level, a.asa_s) == pytest.approx(
        (c.p_wait, c.service_level, c.asa_s), rel=1e-5)
    assert a.p_abandon < 1e-7


def test_erlang_a_stays_finite_under_heavy_overload_and_at_ten_thousand_agents() -> None:
    overloaded = erlang_a_figures(800, 1_000.0, 180.0, 60.0, 20.0)
    assert 0.19 < overloaded.p_abandon < 0.21  # about the 20 % excess load abandons
    large = erlang_a_figures(10_050, 10_000.0, 180.0, 120.0, 20.0)
    assert 0.0 < large.p_abandon < large.p_wait < 1.0
    assert large.service_level > 0.9


def test_the_vectorised_plan_gives_the_scalar_agent_counts_cell_for_cell() -> None:
    rng = np.random.default_rng(7)
    load = np.concatenate(([0.0, 0.4], rng.uniform(0.0, 400.0, 300)))
    aht = rng.uniform(60.0, 600.0, load.size)
    asa = np.where(rng.random(load.size) < 0.5, np.inf, 25.0)
    occupancy = np.where(rng.random(load.size) < 0.5, 1.0, 0.88)
    got = required_positions_c(load, aht, np.full(load.size, 20.0), np.full(load.size, 0.8),
                               asa, occupancy)
    expected = [required_erlang_c(
        Workload(volume=a, aht_s=h, interval_s=h),  # load = volume exactly
        Targets(asa_s=None if math.isinf(q) else q, max_occupancy=None if o == 1 else o),
    ).positions for a, h, q, o in zip(load, aht, asa, occupancy, strict=True)]
    assert got.tolist() == expected


def test_ten_times_overload_stays_a_probability_in_log_space() -> None:
    # y - x = 9,000 waiting states before the mode: plain products would overflow.
    figures = erlang_a_figures(100, 1000.0, 60.0, 600.0, 20.0)
    assert figures.p_abandon == pytest.approx(0.9, abs=0.01)  # 900 of 1000 Erlangs abandon
    assert 0.0 <= figures.service_level <= 1.0
