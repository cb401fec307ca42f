"""The dialer's campaigns API, in-process, with its events on the bus."""

from __future__ import annotations

from typing import Any

import pytest
from dialer_harness import Dialer

WELCOME = {"name": "Welcome calls", "purpose": "welcome", "dialing_mode": "progressive",
           "enrol_on": ["customer.registered"], "queue_id": "q-welcome"}
PROBLEM_JSON = "application/problem+json"


async def create(dialer: Dialer, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """Create a campaign as a supervisor; return its JSON."""
    response = await dialer.client.post("/campaigns", json=body or WELCOME,
                                        headers=await dialer.headers("supervisor"))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status and type."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"] == f"https://ringway.dev/problems/{code}"
    return body


async def test_a_supervisor_creates_a_draft_campaign_and_it_is_announced(dialer: Dialer) -> None:
    campaign = await create(dialer)
    assert campaign["status"] == "draft"
    assert campaign["enrol_on"] == ["customer.registered"]
    [event] = await dialer.wait_events("campaign.created", 1)
    assert event.source == "dialer"
    assert event.subject == campaign["id"]
    assert event.data["purpose"] == "welcome"
    assert event.data["dialing_mode"] == "progressive"


async def test_staff_and_integrations_read_a_campaign(dialer: Dialer) -> None:
    campaign = await create(dialer)
    for role in ("agent", "integration", "supervisor"):
        response = await dialer.client.get(f"/campaigns/{campaign['id']}",
                                           headers=await dialer.headers(role))
        assert response.status_code == 200
        assert response.json() == campaign


async def test_every_campaign_route_needs_credentials(dialer: Dialer) -> None:
    campaign = await create(dialer)
    calls = [("POST", "/campaigns"), ("GET", f"/campaigns/{campaign['id']}"),
             ("POST", f"/campaigns/{campaign['id']}/start"),
             ("GET", f"/campaigns/{campaign['id']}/contacts")]
    for method, path in calls:
        response = await dialer.client.request(method, path, json=WELCOME)
        body = assert_problem(response, 401, "unauthorized")
        assert response.headers["www-authenticate"] == "Bearer"
        assert "credentials required" in body["detail"]


async def test_only_supervisors_manage_campaigns(dialer: Dialer) -> None:
    campaign = await create(dialer)
    agent = await dialer.headers("agent")
    integration = await dialer.headers("integration")
    customer = await dialer.headers("customer")
    assert_problem(await dialer.client.post("/campaigns", json=WELCOME, headers=agent),
                   403, "forbidden")
    assert_problem(await dialer.client.post(f"/campaigns/{campaign['id']}/start",
                                            headers=integration), 403, "forbidden")
    assert_problem(await dialer.client.get(f"/campaigns/{campaign['id']}/contacts",
                                           headers=agent), 403, "forbidden")
    assert_problem(await dialer.client.get(f"/campaigns/{campaign['id']}", headers=customer),
                   403, "forbidden")
    unchanged = await dialer.client.get(f"/campaigns/{campaign['id']}", headers=agent)
    assert unchanged.json()["status"] == "draft"


@pytest.mark.parametrize(("change", "field"), [
    ({"purpose": "spam"}, "purpose"),
    ({"dialing_mode": "robocall"}, "dialing_mode"),
    ({"name": ""}, "name"),
    ({"status": "running"}, "status"),
])
async def test_bad_campaign_bodies_are_422_problems(dialer: Dialer, change: dict[str, str],
                                                    field: str) -> None:
    response = await dialer.client.post("/campaigns", json={**WELCOME, **change},
                                        headers=await dialer.headers("supervisor"))
    body = assert_problem(response, 422, "validation-error")
    assert ["body", field] in [error["loc"] for error in body["errors"]]
    assert await dialer.outbox_count("campaign.created") == 0


async def test_a_trigger_the_dialer_cannot_hear_is_rejected(dialer: Dialer) -> None:
    response = await dialer.client.post(
        "/campaigns", json={**WELCOME, "enrol_on": ["customer.registered", "order.placed"]},
        headers=await dialer.headers("supervisor"))
    body = assert_problem(response, 422, "invalid-triggers")
    assert body["invalid"] == ["order.placed"]
    assert await dialer.outbox_count("campaign.created") == 0


async def test_unknown_campaigns_are_404_problems(dialer: Dialer) -> None:
    headers = await dialer.headers("supervisor")
    for response in (await dialer.client.get("/campaigns/nope", headers=headers),
                     await dialer.client.post("/campaigns/nope/start", headers=headers),
                     await dialer.client.get("/campaigns/nope/contacts", headers=headers)):
        assert_problem(response, 404, "not-found")


async def test_a_draft_campaign_starts_and_cannot_start_twice(dialer: Dialer) -> None:
    campaign = await create(dialer)
    headers = await dialer.headers("supervisor")
    started = await dialer.client.post(f"/campaigns/{campaign['id']}/start", headers=headers)
    assert started.status_code == 200
    assert started.json()["status"] == "running"
    again = await dialer.client.post(f"/campaigns/{campaign['id']}/start", headers=headers)
    body = assert_problem(again, 409, "invalid-campaign-transition")
    assert body["current_status"] == "running"
    assert body["allowed_from"] == ["draft", "paused"]
    stored = await dialer.client.get(f"/campaigns/{campaign['id']}", headers=headers)
    assert stored.json()["status"] == "running"


async def test_contact_pages_are_bounded(dialer: Dialer) -> None:
    campaign = await create(dialer)
    headers = await dialer.headers("supervisor")
    path = f"/campaigns/{campaign['id']}/contacts"
    empty = await dialer.client.get(path, headers=headers)
    assert empty.json() == {"items": [], "total": 0, "limit": 100, "offset": 0}
    too_many = await dialer.client.get(path, params={"limit": 501}, headers=headers)
    assert_problem(too_many, 422, "validation-error")
    negative = await dialer.client.get(path, params={"offset": -1}, headers=headers)
    assert_problem(negative, 422, "validation-error")
