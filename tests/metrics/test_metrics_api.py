"""The KPI API: supervisors only, problem+json for bad time ranges, migrations match tables."""

from __future__ import annotations

from typing import Any

import pytest
from metrics_harness import ADMIN_KEY, DAY, Metrics, at, queued

from ringway.shared.web.auth import Role

PATHS = ["/kpis/intervals", "/kpis/selfservice"]
PROBLEM = "application/problem+json"


@pytest.mark.parametrize("path", PATHS)
async def test_kpis_need_credentials(metrics: Metrics, path: str) -> None:
    response = await metrics.client.get(path, params=DAY)
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"].endswith("/unauthorized")


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("role", [Role.AGENT, Role.INTEGRATION, Role.CUSTOMER])
async def test_kpis_are_for_supervisors(metrics: Metrics, path: str, role: Role) -> None:
    response = await metrics.client.get(path, params=DAY, headers=metrics.token(role))
    assert response.status_code == 403
    assert response.json()["type"].endswith("/forbidden")


@pytest.mark.parametrize("path", PATHS)
async def test_supervisors_and_admins_read_kpis(metrics: Metrics, path: str) -> None:
    as_supervisor = await metrics.get(path, **DAY)
    as_admin = await metrics.client.get(path, params=DAY, headers={"X-API-Key": ADMIN_KEY})
    assert as_supervisor.status_code == as_admin.status_code == 200
    assert as_supervisor.json()["items"] == []
    assert as_supervisor.json()["start"] == "2026-11-23T00:00:00Z"


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    ("start", "end", "detail"),
    [
        ("2026-11-23T10:00:00Z", "2026-11-23T10:00:00Z", "end must be after start"),
        ("2026-11-23T10:00:00Z", "2026-11-23T09:00:00Z", "end must be after start"),
        ("2026-11-23T10:00:00Z", "2026-11-23T11:00:00+02:00", "end must be after start"),
        ("2026-11-01T00:00:00Z", "2026-12-02T00:00:01Z", "at most 31 days"),
    ],
)
async def test_bad_time_range_is_a_422_problem(metrics: Metrics, path: str, start: str,
                                               end: str, detail: str) -> None:
    response = await metrics.get(path, start=start, end=end)
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["type"] == "https://ringway.dev/problems/invalid-time-range"
    assert detail in body["detail"]
    assert body["max_days"] == 31


async def test_thirty_one_days_is_allowed(metrics: Metrics) -> None:
    response = await metrics.get(PATHS[0], start="2026-11-01T00:00:00Z",
                                 end="2026-12-02T00:00:00Z")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"end": DAY["end"]}, "start"),
        ({"start": DAY["start"]}, "end"),
        ({**DAY, "start": "yesterday"}, "start"),
        ({**DAY, "channel": "fax"}, "channel"),
        ({**DAY, "queue_id": "q" * 101}, "queue_id"),
    ],
)
async def test_malformed_parameters_are_a_422_problem(metrics: Metrics, params: dict[str, Any],
                                                      field: str) -> None:
    response = await metrics.get(PATHS[0], **params)
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["type"].endswith("/validation-error")
    assert [e["loc"] for e in body["errors"]] == [["query", field]]


async def test_openapi_lists_the_kpi_routes_under_their_tag(metrics: Metrics) -> None:
    spec = (await metrics.client.get("/openapi.json")).json()
    for path in PATHS:
        assert spec["paths"][path]["get"]["tags"] == ["kpis"]
    assert "kpis" in [tag["name"] for tag in spec["tags"]]


async def test_health_and_readiness(metrics: Metrics) -> None:
    assert (await metrics.client.get("/healthz")).json()["service"] == "metrics"
    ready = await metrics.client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": True, "bus": True, "consumers": True}


@pytest.mark.parametrize("path", ["/kpis/intervals", "/kpis/intervals.csv", "/kpis/reasons",
                                  "/staffing/actual", "/forecast"])
async def test_an_unknown_queue_is_a_404_problem_not_an_empty_report(metrics: Metrics,
                                                                      path: str) -> None:
    await metrics.deliver(queued("c1", at(1), queue="sales"))
    known = await metrics.get(path, **DAY, queue_id="sales")
    assert known.status_code == 200, known.text
    response = await metrics.get(path, **DAY, queue_id="salse")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["type"].endswith("/unknown-queue")
    assert body["queue_id"] == "salse"
