"""Preview dialing: an agent holds a contact, then starts or skips the call."""

from __future__ import annotations

from dialer_harness import DialerFactory
from test_dialer_api import assert_problem
from test_dialing import FlakyNetwork, ScriptedNetwork, rows, start

from ringway.dialer import tables
from ringway.dialer.telephony import CallOutcome


async def test_an_agent_previews_then_starts_the_call(dialer_factory: DialerFactory) -> None:
    dialer, _, campaign_id = await start(dialer_factory, mode="preview", agents=1, numbers=2)
    network = ScriptedNetwork()
    dialer.app.state.telephony = network
    agent = await dialer.headers("agent")
    held = await dialer.client.post(f"/campaigns/{campaign_id}/preview/next", headers=agent)
    assert held.status_code == 200, held.text
    contact = held.json()["contact"]
    assert (contact["phone"], contact["status"]) == ("+12125550100", "previewing")
    second = await dialer.client.post(f"/campaigns/{campaign_id}/preview/next", headers=agent)
    assert second.json()["contact"]["phone"] == "+12125550101"  # the first one is held
    dialed = await dialer.client.post(
        f"/campaigns/{campaign_id}/preview/{contact['id']}/dial", headers=agent)
    assert dialed.status_code == 200, dialed.text
    assert dialed.json()["outcome"] == "human"
    assert network.placed == ["+12125550100"]
    await dialer.wait_events("outbound_call.answered", 1)


async def test_a_skipped_contact_comes_back_later(dialer_factory: DialerFactory) -> None:
    dialer, _, campaign_id = await start(dialer_factory, mode="preview", agents=1, numbers=1)
    agent = await dialer.headers("agent")
    contact = (await dialer.client.post(f"/campaigns/{campaign_id}/preview/next",
                                        headers=agent)).json()["contact"]
    skipped = await dialer.client.post(
        f"/campaigns/{campaign_id}/preview/{contact['id']}/skip", headers=agent)
    assert skipped.status_code == 204
    none_due = await dialer.client.post(f"/campaigns/{campaign_id}/preview/next", headers=agent)
    assert none_due.status_code == 204
    [row] = await rows(dialer, tables.campaign_contacts, campaign_id=campaign_id)
    assert row["status"] == "pending"


async def test_only_the_holding_agent_dials_and_dnc_is_checked_again(
        dialer_factory: DialerFactory) -> None:
    dialer, _, campaign_id = await start(dialer_factory, mode="preview", agents=1, numbers=1)
    dialer.app.state.telephony = network = ScriptedNetwork(
        **{"12125550100": CallOutcome.BUSY})
    agent = await dialer.headers("agent")
    contact = (await dialer.client.post(f"/campaigns/{campaign_id}/preview/next",
                                        headers=agent)).json()["contact"]
    other = await dialer.client.post("/auth/tokens", json={"subject": "someone-else",
                                                             "roles": ["agent"]},
                                     headers={"X-API-Key": "dialer-tests-admin-key-0123456789"})
    stranger = {"Authorization": f"Bearer {other.json()['token']}"}
    path = f"/campaigns/{campaign_id}/preview/{contact['id']}/dial"
    assert_problem(await dialer.client.post(path, headers=stranger), 409, "not-held")
    await dialer.client.post("/do-not-call", json={"phones": ["+12125550100"]},
                             headers=await dialer.headers("supervisor"))
    body = assert_problem(await dialer.client.post(path, headers=agent), 409, "dial-suppressed")
    assert body["reason"] == "do_not_call"
    assert network.placed == []


async def test_preview_routes_refuse_other_modes(dialer_factory: DialerFactory) -> None:
    dialer, _, campaign_id = await start(dialer_factory, mode="progressive", agents=1)
    response = await dialer.client.post(f"/campaigns/{campaign_id}/preview/next",
                                        headers=await dialer.headers("agent"))
    assert_problem(response, 409, "not-preview")


async def test_a_network_error_on_a_preview_call_is_a_failed_attempt(
        dialer_factory: DialerFactory) -> None:
    dialer, _, campaign_id = await start(dialer_factory, mode="preview", agents=1, numbers=1)
    dialer.app.state.telephony = FlakyNetwork()
    agent = await dialer.headers("agent")
    contact = (await dialer.client.post(f"/campaigns/{campaign_id}/preview/next",
                                        headers=agent)).json()["contact"]
    dialed = await dialer.client.post(
        f"/campaigns/{campaign_id}/preview/{contact['id']}/dial", headers=agent)
    assert dialed.status_code == 200
    assert dialed.json()["outcome"] == "failed"
    [contact_row] = await rows(dialer, tables.campaign_contacts, campaign_id=campaign_id)
    assert contact_row["status"] == "pending"  # retried after the failed-call delay
