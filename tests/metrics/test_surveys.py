"""Survey answers over HTTP -> survey.answered -> CSAT and NPS per queue, agent, reason."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from metrics_harness import Metrics, at, queued

from ringway.metrics.domain.surveys import experience, survey_counts
from ringway.shared.web.auth import Role


async def answer(metrics: Metrics, role: Role = Role.INTEGRATION, **body: Any) -> Any:
    return await metrics.client.post("/surveys", json=body, headers=metrics.token(role))


def around_now() -> dict[str, str]:
    """A range holding today: answers are stamped with the time they arrive."""
    now = datetime.now(UTC)
    return {"start": (now - timedelta(days=1)).isoformat(),
            "end": (now + timedelta(days=1)).isoformat()}


async def counted(metrics: Metrics, handled: int) -> None:
    async with asyncio.timeout(5):
        while metrics.router.handled < handled:  # noqa: ASYNC110 - counters, not events
            await asyncio.sleep(0.01)


def test_csat_is_the_share_of_fours_and_fives_and_nps_promoters_minus_detractors() -> None:
    answers = [(5, 10), (4, 9), (2, 6), (3, 8)]
    totals: dict[str, int] = {}
    for csat, nps in answers:
        for k, v in survey_counts(csat, nps).items():
            totals[k] = totals.get(k, 0) + v
    result = experience(totals)
    assert (result.csat, result.avg_csat, result.nps) == (0.5, 3.5, 25.0)


async def test_answers_become_csat_and_nps_per_agent_and_queue(metrics: Metrics) -> None:
    await metrics.deliver(queued("c1", at(1), queue="sales"))
    first = await answer(metrics, contact_id="c1", csat=5, nps=10, agent_id="a1")
    assert first.status_code == 201, first.text
    assert first.json()["queue_id"] == "sales"  # taken from the contact metrics saw queued
    second = await answer(metrics, contact_id="c2", csat=2, nps=3, agent_id="a1",
                          queue_id="sales", reason="billing")
    assert second.status_code == 201
    await counted(metrics, 3)
    response = await metrics.get("/kpis/surveys", **around_now(), group_by="agent_id")
    assert response.status_code == 200, response.text
    [a1] = response.json()["items"]
    assert (a1["group"], a1["csat"], a1["avg_csat"], a1["nps"]) == ("a1", 0.5, 3.5, 0.0)
    by_queue = (await metrics.get("/kpis/surveys", **around_now())).json()["items"]
    assert [(g["group"], g["csat_responses"]) for g in by_queue] == [("sales", 2)]


async def test_a_contact_is_surveyed_once(metrics: Metrics) -> None:
    assert (await answer(metrics, contact_id="c9", csat=4)).status_code == 201
    again = await answer(metrics, contact_id="c9", csat=1)
    assert again.status_code == 409
    assert again.json()["type"].endswith("/survey-already-answered")


@pytest.mark.parametrize("body", [{"contact_id": "c1"}, {"contact_id": "c1", "csat": 6},
                                  {"contact_id": "c1", "nps": 11}, {"csat": 3},
                                  {"contact_id": "c1", "csat": 3, "card": "4111"}])
async def test_bad_answers_are_422(metrics: Metrics, body: dict[str, Any]) -> None:
    response = await answer(metrics, **body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_customer_answers_only_as_themself(metrics: Metrics) -> None:
    token = metrics.authenticator.mint("s1", {Role.CUSTOMER}, customer_id="cu7")
    response = await metrics.client.post("/surveys", json={"contact_id": "c5", "nps": 9,
                                                           "customer_id": "someone-else"},
                                         headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201
    assert response.json()["customer_id"] == "cu7"
    agent = await answer(metrics, Role.AGENT, contact_id="c6", csat=5)
    assert agent.status_code == 403
