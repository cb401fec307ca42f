"""Staffing over HTTP: plans, what-if, Erlang A, required vs logged-in agents, bad input."""

from __future__ import annotations

from typing import Any

import pytest
from metrics_harness import DAY, Metrics, accepted, at, queued
from test_inbound_kpis import agent_day, completed

from ringway.shared.web.auth import Role

# Call Centre Helper's worked example: 100 calls / 30 min, AHT 180 s -> 14 agents, 20 with 30 %
# shrinkage (see test_erlang.py).
EXAMPLE = {"interval_minutes": 30, "targets": {"service_level": 0.8, "threshold_s": 20,
                                               "shrinkage": 0.3},
           "intervals": [{"volume": 100, "aht_s": 180, "logged_in": 12}]}


async def post_plan(metrics: Metrics, body: dict[str, Any]) -> Any:
    return await metrics.client.post("/staffing/plan", json=body,
                                     headers=metrics.token(Role.SUPERVISOR))


async def test_a_plan_gives_required_scheduled_and_the_staffing_gap(metrics: Metrics) -> None:
    response = await post_plan(metrics, EXAMPLE)
    assert response.status_code == 200, response.text
    [row] = response.json()["rows"]
    assert (row["model"], row["agents"], row["scheduled"], row["gap"]) == ("erlang_c", 14, 20, -2)
    assert row["service_level"] == pytest.approx(0.888, abs=5e-4)


async def test_what_if_and_erlang_a_change_the_plan(metrics: Metrics) -> None:
    busier = (await post_plan(metrics, {**EXAMPLE, "volume_factor": 2})).json()["rows"][0]
    patient = {**EXAMPLE, "intervals": [{"volume": 100, "aht_s": 180, "patience_s": 60}]}
    erlang_a = (await post_plan(metrics, patient)).json()["rows"][0]
    assert busier["agents"] > 14
    assert erlang_a["model"] == "erlang_a"
    assert erlang_a["abandon_rate"] > 0


@pytest.mark.parametrize("change", [
    {"targets": {"service_level": 1.0}}, {"targets": {"shrinkage": 1}},
    {"intervals": []}, {"intervals": [{"volume": -1, "aht_s": 100}]},
    {"intervals": [{"volume": 1, "aht_s": 0}]}, {"aht_factor": 0},
])
async def test_bad_plans_are_422_problems(metrics: Metrics, change: dict[str, Any]) -> None:
    response = await post_plan(metrics, {**EXAMPLE, **change})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


async def test_plans_need_a_supervisor(metrics: Metrics) -> None:
    response = await metrics.client.post("/staffing/plan", json=EXAMPLE,
                                         headers=metrics.token(Role.AGENT))
    assert response.status_code == 403


async def test_actual_compares_required_with_logged_in_agents(metrics: Metrics) -> None:
    contacts = []
    for n in range(10):
        contacts += [queued(f"c{n}", at(n)), accepted(f"c{n}", at(n), 1_000),
                     completed(f"c{n}", at(n + 1))]
    await metrics.deliver(*agent_day(), *contacts)
    response = await metrics.get("/staffing/actual", **DAY)
    assert response.status_code == 200, response.text
    [row] = response.json()["rows"]
    # 10 contacts x 90 s in 15 minutes = 1 Erlang; a1 was logged in the whole interval.
    assert row["load_erlangs"] == pytest.approx(1.0)
    assert row["logged_in"] == 1.0
    assert row["gap"] == 1.0 - row["agents"]

