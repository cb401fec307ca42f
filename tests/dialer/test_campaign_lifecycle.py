"""Campaign settings and life cycle over HTTP: start, pause, resume, stop, and their events."""

from __future__ import annotations

from typing import Any

import pytest
from dialer_harness import Dialer
from test_dialer_api import WELCOME, assert_problem, create

STATE_CHANGED = "campaign.state_changed"


async def act(dialer: Dialer, campaign_id: str, action: str) -> Any:
    return await dialer.client.post(f"/campaigns/{campaign_id}/{action}",
                                    headers=await dialer.headers("supervisor"))


async def patch(dialer: Dialer, campaign_id: str, body: dict[str, Any]) -> Any:
    return await dialer.client.patch(f"/campaigns/{campaign_id}", json=body,
                                     headers=await dialer.headers("supervisor"))


async def test_a_campaign_is_created_with_default_settings(dialer: Dialer) -> None:
    campaign = await create(dialer)
    settings = campaign["settings"]
    assert settings["calling_window"] == {"mon-sun": [["08:00", "21:00"]]}
    assert settings["max_attempts"] == 3
    assert settings["retry_delays_min"]["abandoned"] == 72 * 60
    assert settings["compliance_profiles"] == ["US"]
    assert campaign["queue_id"] == "q-welcome"


async def test_a_campaign_runs_pauses_resumes_and_stops_with_an_event_each(
        dialer: Dialer) -> None:
    campaign = await create(dialer)
    for action, status in [("start", "running"), ("pause", "paused"), ("resume", "running"),
                           ("pause", "paused"), ("stop", "completed")]:
        response = await act(dialer, campaign["id"], action)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == status
    events = await dialer.wait_events(STATE_CHANGED, 5)
    assert [(e.data["previous"], e.data["action"], e.data["status"]) for e in events] == [
        ("draft", "start", "running"), ("running", "pause", "paused"),
        ("paused", "resume", "running"), ("running", "pause", "paused"),
        ("paused", "stop", "completed")]
    assert {e.subject for e in events} == {campaign["id"]}


async def test_a_completed_campaign_refuses_every_action(dialer: Dialer) -> None:
    campaign = await create(dialer)
    assert (await act(dialer, campaign["id"], "stop")).json()["status"] == "completed"
    for action in ("start", "pause", "resume", "stop"):
        body = assert_problem(await act(dialer, campaign["id"], action), 409,
                              "invalid-campaign-transition")
        assert body["current_status"] == "completed"
    assert_problem(await patch(dialer, campaign["id"], {"name": "again"}), 409,
                   "campaign-completed")


async def test_only_a_paused_campaign_resumes(dialer: Dialer) -> None:
    campaign = await create(dialer)
    body = assert_problem(await act(dialer, campaign["id"], "resume"), 409,
                          "invalid-campaign-transition")
    assert body["allowed_from"] == ["paused"]
    assert await dialer.outbox_count(STATE_CHANGED) == 0


async def test_a_campaign_without_agent_pool_or_contacts_does_not_start(dialer: Dialer) -> None:
    campaign = await create(dialer, {**WELCOME, "queue_id": None, "enrol_on": []})
    body = assert_problem(await act(dialer, campaign["id"], "start"), 409,
                          "campaign-not-startable")
    assert len(body["reasons"]) == 2
    assert "no agent pool" in body["reasons"][0]
    assert "no contacts" in body["reasons"][1]
    stored = await dialer.client.get(f"/campaigns/{campaign['id']}",
                                     headers=await dialer.headers("supervisor"))
    assert stored.json()["status"] == "draft"
    assert await dialer.outbox_count(STATE_CHANGED) == 0


async def test_an_agentless_campaign_needs_no_agent_pool(dialer: Dialer) -> None:
    notice = {**WELCOME, "purpose": "notice", "dialing_mode": "agentless", "queue_id": None}
    campaign = await create(dialer, notice)
    assert (await act(dialer, campaign["id"], "start")).status_code == 200


async def test_the_dialing_mode_changes_only_while_not_running(dialer: Dialer) -> None:
    campaign = await create(dialer)
    await act(dialer, campaign["id"], "start")
    body = assert_problem(await patch(dialer, campaign["id"], {"dialing_mode": "predictive"}),
                          409, "campaign-running")
    assert body["fields"] == ["dialing_mode"]
    renamed = await patch(dialer, campaign["id"], {"name": "Welcome, renamed"})
    assert renamed.json()["name"] == "Welcome, renamed"
    await act(dialer, campaign["id"], "pause")
    changed = await patch(dialer, campaign["id"], {"dialing_mode": "predictive"})
    assert changed.status_code == 200
    assert changed.json()["dialing_mode"] == "predictive"
    assert changed.json()["status"] == "paused"


async def test_compliance_profiles_are_frozen_while_running(dialer: Dialer) -> None:
    campaign = await create(dialer)
    await act(dialer, campaign["id"], "start")
    settings = {**campaign["settings"], "compliance_profiles": ["US", "FR"]}
    body = assert_problem(await patch(dialer, campaign["id"], {"settings": settings}), 409,
                          "campaign-running")
    assert body["fields"] == ["compliance_profiles"]
    retries = {**campaign["settings"], "max_attempts": 5}
    assert (await patch(dialer, campaign["id"], {"settings": retries})).json()[
        "settings"]["max_attempts"] == 5


async def test_several_profiles_and_a_caller_id_are_accepted_and_normalized(
        dialer: Dialer) -> None:
    body = {**WELCOME, "caller_id": "+1 (415) 555-0000",
            "settings": {"compliance_profiles": ["US", "UK", "FR"]}}
    campaign = await create(dialer, body)
    assert campaign["caller_id"] == "+14155550000"
    assert campaign["settings"]["compliance_profiles"] == ["US", "UK", "FR"]


async def test_an_unknown_compliance_profile_is_a_422(dialer: Dialer) -> None:
    response = await dialer.client.post(
        "/campaigns", json={**WELCOME, "settings": {"compliance_profiles": ["US", "XX"]}},
        headers=await dialer.headers("supervisor"))
    body = assert_problem(response, 422, "unknown-compliance-profile")
    assert body["unknown"] == ["XX"]
    assert await dialer.outbox_count("campaign.created") == 0


@pytest.mark.parametrize(("settings", "where"), [
    ({"calling_window": {"mon-sun": [["21:00", "08:00"]]}}, "calling_window"),
    ({"calling_window": {"someday": [["08:00", "21:00"]]}}, "calling_window"),
    ({"schedule": {"time_zone": "Mars/Olympus"}}, "schedule"),
    ({"max_attempts": 0}, "max_attempts"),
    ({"retry_delays_min": {"busy": 0}}, "retry_delays_min"),
    ({"ring_timeout_s": 5}, "ring_timeout_s"),
])
async def test_bad_settings_are_422_problems(dialer: Dialer, settings: dict[str, Any],
                                             where: str) -> None:
    response = await dialer.client.post("/campaigns", json={**WELCOME, "settings": settings},
                                        headers=await dialer.headers("supervisor"))
    body = assert_problem(response, 422, "validation-error")
    assert any(where in e["loc"] for e in body["errors"]), body["errors"]


async def test_a_bad_caller_id_is_a_422(dialer: Dialer) -> None:
    response = await dialer.client.post("/campaigns", json={**WELCOME, "caller_id": "12"},
                                        headers=await dialer.headers("supervisor"))
    assert_problem(response, 422, "validation-error")
