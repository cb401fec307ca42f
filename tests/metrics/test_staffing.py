"""Required agents: targets, shrinkage, chat concurrency, Erlang A, plans and what-ifs."""

from __future__ import annotations

import pytest

from ringway.metrics.domain.erlang import erlang_a_figures, erlang_c_figures
from ringway.metrics.domain.staffing import (
    InvalidStaffingInput,
    Model,
    Targets,
    WhatIf,
    Workload,
    plan,
    required,
    required_erlang_a,
    required_erlang_c,
    scheduled_agents,
    what_if,
)

TEN_ERLANGS = Workload(volume=100, aht_s=180, interval_s=1800)


def test_the_requirement_is_the_fewest_agents_meeting_the_service_level() -> None:
    requirement = required_erlang_c(TEN_ERLANGS, Targets(service_level=0.8, threshold_s=20))
    assert requirement.positions == 14
    assert erlang_c_figures(14, 10.0, 180, 20).service_level >= 0.8
    assert erlang_c_figures(13, 10.0, 180, 20).service_level < 0.8


def test_an_asa_target_or_an_occupancy_cap_can_be_the_binding_constraint() -> None:
    assert required_erlang_c(TEN_ERLANGS, Targets(service_level=0.0, asa_s=5)).positions == 15
    capped = required_erlang_c(TEN_ERLANGS, Targets(service_level=0.0, max_occupancy=0.6))
    assert capped.positions == 17  # 10 / 17 = 0.588; 10 / 16 = 0.625


def test_shrinkage_scales_the_schedule_and_rounds_up() -> None:
    assert scheduled_agents(14, 0.3) == 20  # not 21 from 14 / 0.7 = 20.000000000000004
    assert scheduled_agents(13, 0.3) == 19
    assert required(TEN_ERLANGS, Targets(shrinkage=0.25)).scheduled == 19  # 14 / 0.75


def test_chat_concurrency_divides_positions_among_agents() -> None:
    chat = Workload(volume=300, aht_s=600, interval_s=1800)  # 100 Erlangs of chats
    single = required(chat, Targets())
    triple = required(chat, Targets(concurrency=3))
    assert triple.positions == single.positions
    assert triple.agents == -(-single.positions // 3)


def test_no_volume_needs_no_agents() -> None:
    for workload in (Workload(0, 300), Workload(0, 300, patience_s=60)):
        requirement = required(workload, Targets(shrinkage=0.3))
        assert (requirement.agents, requirement.scheduled) == (0, 0)


def test_erlang_a_needs_fewer_agents_when_callers_abandon_and_reports_the_abandon_rate() -> None:
    busy = Workload(volume=500, aht_s=180, interval_s=900)  # 100 Erlangs
    c = required(busy, Targets())
    a = required(Workload(500, 180, 900, patience_s=60), Targets())
    assert a.model is Model.ERLANG_A
    assert c.model is Model.ERLANG_C
    assert a.positions < c.positions
    assert a.figures.p_abandon > 0


def test_erlang_a_requirement_is_minimal_under_an_abandon_cap() -> None:
    workload = Workload(volume=1_000, aht_s=240, interval_s=1800, patience_s=90)
    targets = Targets(service_level=0.8, threshold_s=20, max_abandon=0.02)
    requirement = required_erlang_a(workload, targets)
    n = requirement.positions
    below = erlang_a_figures(n - 1, workload.load, 240, 90, 20)
    assert requirement.figures.p_abandon <= 0.02
    assert requirement.figures.service_level >= 0.8
    assert below.p_abandon > 0.02 or below.service_level < 0.8


def test_staffing_works_at_one_hundred_thousand_erlangs() -> None:
    huge = Workload(volume=500_000, aht_s=180, interval_s=900)
    c = required(huge, Targets())
    a = required(Workload(500_000, 180, 900, patience_s=120), Targets(max_abandon=0.05))
    assert 100_000 < c.positions < 100_100
    assert 90_000 < a.positions < 100_100


def test_a_plan_compares_required_with_logged_in_agents() -> None:
    rows = plan([TEN_ERLANGS, Workload(200, 180, 1800)], Targets(), logged_in=[15, None])
    assert [row.requirement.agents for row in rows] == [14, 24]
    assert rows[0].gap == 1  # over-staffed by one
    assert rows[1].gap is None


def test_what_if_more_volume_needs_more_agents_and_a_looser_target_fewer() -> None:
    base = plan([TEN_ERLANGS], Targets())[0].requirement.agents
    busier = what_if([TEN_ERLANGS], Targets(), WhatIf(volume_factor=1.5))[0]
    looser = what_if([TEN_ERLANGS], Targets(), WhatIf(targets=Targets(service_level=0.5)))[0]
    assert busier.requirement.agents > base > looser.requirement.agents


@pytest.mark.parametrize("bad", [
    {"service_level": 1.0}, {"service_level": -0.1}, {"asa_s": 0}, {"max_occupancy": 0},
    {"max_occupancy": 1.2}, {"shrinkage": 1.0}, {"concurrency": 0}, {"max_abandon": 0},
])
def test_impossible_targets_are_rejected(bad: dict[str, float]) -> None:
    with pytest.raises(InvalidStaffingInput):
        Targets(**bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [
    {"volume": -1, "aht_s": 100}, {"volume": 1, "aht_s": 0},
    {"volume": 1, "aht_s": 100, "patience_s": 0}, {"volume": float("nan"), "aht_s": 100},
])
def test_impossible_workloads_are_rejected(bad: dict[str, float]) -> None:
    with pytest.raises(InvalidStaffingInput):
        Workload(**bad)  # type: ignore[arg-type]
