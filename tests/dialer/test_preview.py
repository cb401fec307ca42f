"""Preview dialing: routing reserves an agent of the pool; that agent starts or skips the call."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from dialer_harness import ADMIN_KEY, Dialer, DialerFactory, envelope
from test_dialer_api import assert_problem
from test_dialing import NOON_NY, FlakyNetwork, ScriptedNetwork, rows, start

from ringway.dialer import tables
from ringway.dialer.dialing import tick
from ringway.dialer.telephony import CallOutcome
from ringway.shared.contracts.common import Channel, Direction
from ringway.shared.contracts.contacts import ContactAbandoned, ContactAccepted, ContactCompleted

NOW_NAIVE = NOON_NY.replace(tzinfo=None)


async def as_agent(dialer: Dialer, agent_id: str) -> dict[str, str]:
    """A bearer token whose subject is the routing agent id."""
    response = await dialer.client.post("/auth/tokens", json={
        "subject": agent_id, "roles": ["agent"]}, headers={"X-API-Key": ADMIN_KEY})
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def requested(dialer: Dialer, campaign_id: str, count: int) -> list[Any]:
    """Tick, then the preview.requested events published so far."""
    await tick(dialer.app.state.dialer, ScriptedNetwork(), campaign_id=campaign_id)
    return await dialer.wait_events("preview.requested", count)


async def routing_says(dialer: Dialer, *events: Any) -> None:
    before = dialer.consumer.handled + dialer.consumer.duplicates
    for event in events:
        await dialer.deliver(envelope(event, "routing"))
    await dialer.wait_consumed(before + len(events))


def accepted(request: Any, agent_id: str) -> ContactAccepted:
    return ContactAccepted(
        contact_id=f"k-{request.data['attempt_id']}", queue_id="q-outbound",
        channel=Channel.VOICE, agent_id=agent_id, accepted_at=NOON_NY, waited_ms=3000,
        direction=Direction.OUTBOUND, attempt_id=request.data["attempt_id"])


async def test_routing_is_asked_for_one_reserved_agent_per_ready_agent_of_the_pool(
        dialer_factory: DialerFactory) -> None:
    dialer, _, campaign_id = await start(dialer_factory, mode="preview", agents=2, numbers=3)
    network = ScriptedNetwork()
    report = await tick(dialer.app.state.dialer, network, campaign_id=campaign_id)
    assert report.decision is not None
    assert report.decision.reason == "preview"
    first, second = await dialer.wait_events("preview.requested", 2)
    assert {first.data["queue_id"], second.data["queue_id"]} == {"q-outbound"}
    assert network.placed == []  # nobody is called before an agent has seen the contact
    await tick(dialer.app.state.dialer, network, campaign_id=campaign_id)
    assert len(dialer.events("preview.requested")) == 2  # still waiting for routing
    statuses = sorted(r["status"] for r in await rows(dialer, tables.campaign_contacts))
    assert statuses == ["pending", "previewing", "previewing"]


async def test_the_reserved_agent_sees_the_contact_starts_the_call_and_routing_closes_it(
        dialer_factory: DialerFactory) -> None:
    dialer, _, campaign_id = await start(dialer_factory, mode="preview", agents=1, numbers=2)
    dialer.app.state.telephony = network = ScriptedNetwork()
    [request] = await requested(dialer, campaign_id, 1)
    path = f"/campaigns/{campaign_id}/preview"
    dana, other = await as_agent(dialer, "dana"), await as_agent(dialer, "other")
    assert (await dialer.client.get(path, headers=dana)).status_code == 204
    await routing_says(dialer, accepted(request, "dana"))
    shown = await dialer.client.get(path, headers=dana)
    assert shown.status_code == 200, shown.text
    contact = shown.json()["contact"]
    assert (contact["phone"], contact["status"]) == ("+12125550100", "previewing")
    assert (await dialer.client.get(path, headers=other)).status_code == 204
    dial = f"{path}/{contact['id']}/dial"
    assert_problem(await dialer.client.post(dial, headers=other), 409, "not-held")
    dialed = await dialer.client.post(dial, headers=dana)
    assert dialed.status_code == 200, dialed.text
    assert dialed.json() == {"attempt_id": request.data["attempt_id"], "outcome": "human"}
    assert network.placed == ["+12125550100"]
    await routing_says(dialer, ContactCompleted(
        contact_id="k-1", queue_id="q-outbound", channel=Channel.VOICE, agent_id="dana",
        completed_at=NOON_NY + timedelta(minutes=4), disposition="sale",
        direction=Direction.OUTBOUND, attempt_id=request.data["attempt_id"]))
    [attempt] = await rows(dialer, tables.attempts, id=request.data["attempt_id"])
    assert (attempt["outcome"], attempt["disposition"]) == ("connected", "sale")
    # Dana is already on the line: no second hand-off to routing.
    assert await dialer.outbox_count("outbound_call.answered") == 0


async def test_a_skipped_contact_comes_back_later(dialer_factory: DialerFactory) -> None:
    dialer, _, campaign_id = await start(dialer_factory, mode="preview", agents=1, numbers=1)
    [request] = await requested(dialer, campaign_id, 1)
    await routing_says(dialer, accepted(request, "dana"))
    dana = await as_agent(dialer, "dana")
    contact_id = request.data["campaign_contact_id"]
    skipped = await dialer.client.post(f"/campaigns/{campaign_id}/preview/{contact_id}/skip",
                                       headers=dana)
    assert skipped.status_code == 204
    assert (await dialer.client.get(f"/campaigns/{campaign_id}/preview",
                                    headers=dana)).status_code == 204
    [row] = await rows(dialer, tables.campaign_contacts, campaign_id=campaign_id)
    assert row["status"] == "pending"
    assert row["next_attempt_at"].replace(tzinfo=None) > NOW_NAIVE + timedelta(minutes=29)


async def test_dnc_is_checked_again_when_the_reserved_agent_starts_the_call(
        dialer_factory: DialerFactory) -> None:
    dialer, _, campaign_id = await start(dialer_factory, mode="preview", agents=1, numbers=1)
    dialer.app.state.telephony = network = ScriptedNetwork(
        **{"12125550100": CallOutcome.BUSY})
    [request] = await requested(dialer, campaign_id, 1)
    await routing_says(dialer, accepted(request, "dana"))
    await dialer.client.post("/do-not-call", json={"phones": ["+12125550100"]},
                             headers=await dialer.headers("supervisor"))
    path = f"/campaigns/{campaign_id}/preview/{request.data['campaign_contact_id']}/dial"
    body = assert_problem(await dialer.client.post(path, headers=await as_agent(dialer, "dana")),
                          409, "dial-suppressed")
    assert body["reason"] == "do_not_call"
    assert network.placed == []


async def test_a_request_nobody_takes_in_time_or_routing_drops_frees_the_contact(
        dialer_factory: DialerFactory) -> None:
    dialer, clock, campaign_id = await start(dialer_factory, mode="preview", agents=2, numbers=2)
    first, second = await requested(dialer, campaign_id, 2)
    await routing_says(dialer, ContactAbandoned(
        contact_id="k-gone", queue_id="q-outbound", channel=Channel.VOICE,
        abandoned_at=NOON_NY, waited_ms=1000, direction=Direction.OUTBOUND,
        attempt_id=first.data["attempt_id"]))
    [freed] = await rows(dialer, tables.campaign_contacts, id=first.data["campaign_contact_id"])
    assert freed["status"] == "pending"
    clock.now += timedelta(minutes=16)
    await tick(dialer.app.state.dialer, ScriptedNetwork(), campaign_id=campaign_id)
    previews = {r["attempt_id"]: r["status"] for r in await rows(dialer, tables.previews)}
    assert previews[first.data["attempt_id"]] == previews[second.data["attempt_id"]] == (
        "released")
    # Asked again for the freed contacts (the relay publishes after the tick's commit).
    assert len(await dialer.wait_events("preview.requested", 3)) >= 3
    # A reservation routing makes after the release shows nothing: the contact moved on.
    await routing_says(dialer, accepted(second, "dana"))
    assert (await dialer.client.get(f"/campaigns/{campaign_id}/preview",
                                    headers=await as_agent(dialer, "dana"))).status_code == 204


async def test_preview_routes_refuse_other_modes(dialer_factory: DialerFactory) -> None:
    dialer, _, campaign_id = await start(dialer_factory, mode="progressive", agents=1)
    response = await dialer.client.get(f"/campaigns/{campaign_id}/preview",
                                       headers=await dialer.headers("agent"))
    assert_problem(response, 409, "not-preview")


async def test_a_network_error_on_a_preview_call_is_a_failed_attempt(
        dialer_factory: DialerFactory) -> None:
    dialer, _, campaign_id = await start(dialer_factory, mode="preview", agents=1, numbers=1)
    dialer.app.state.telephony = FlakyNetwork()
    [request] = await requested(dialer, campaign_id, 1)
    await routing_says(dialer, accepted(request, "dana"))
    dialed = await dialer.client.post(
        f"/campaigns/{campaign_id}/preview/{request.data['campaign_contact_id']}/dial",
        headers=await as_agent(dialer, "dana"))
    assert dialed.status_code == 200
    assert dialed.json()["outcome"] == "failed"
    [contact_row] = await rows(dialer, tables.campaign_contacts, campaign_id=campaign_id)
    assert contact_row["status"] == "pending"  # retried after the failed-call delay


async def test_changing_mode_waits_for_a_pause_and_frees_the_contacts_held_for_previews(
        dialer_factory: DialerFactory) -> None:
    dialer, _, campaign_id = await start(dialer_factory, mode="preview", agents=2, numbers=2)
    first, _ = await requested(dialer, campaign_id, 2)
    await routing_says(dialer, accepted(first, "dana"))
    supervisor = await dialer.headers("supervisor")
    change = {"dialing_mode": "progressive"}
    running = await dialer.client.patch(f"/campaigns/{campaign_id}", json=change,
                                        headers=supervisor)
    assert_problem(running, 409, "campaign-running")
    await dialer.client.post(f"/campaigns/{campaign_id}/pause", headers=supervisor)
    changed = await dialer.client.patch(f"/campaigns/{campaign_id}", json=change,
                                        headers=supervisor)
    assert changed.status_code == 200, changed.text
    statuses = {r["status"] for r in await rows(dialer, tables.campaign_contacts)}
    assert statuses == {"pending"}
    await dialer.client.post(f"/campaigns/{campaign_id}/resume", headers=supervisor)
    network = ScriptedNetwork()
    await tick(dialer.app.state.dialer, network, campaign_id=campaign_id)
    assert sorted(network.placed) == ["+12125550100", "+12125550101"]
    # Dana's reservation is gone with the preview mode: nothing left to start.
    dial = f"/campaigns/{campaign_id}/preview/{first.data['campaign_contact_id']}/dial"
    assert_problem(await dialer.client.post(dial, headers=await as_agent(dialer, "dana")),
                   409, "not-preview")
