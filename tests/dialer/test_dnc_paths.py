"""A number on a do-not-call list is never dialed, whatever path leads to the dial."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dialer_harness import Dialer, DialerFactory, campaign, envelope
from test_dialing import NOON_NY, Clock, ScriptedNetwork, rows, start

from ringway.dialer import tables
from ringway.dialer.dialing import tick
from ringway.shared.contracts.agents import AgentState, AgentStateChanged
from ringway.shared.contracts.callbacks import CallbackRequested

LISTED = "+12125550101"


async def _listed_globally(dialer: Dialer, written: str = "(212) 555-0101") -> None:
    """Put the number on the global list, written the way a person would type it."""
    added = await dialer.client.post("/do-not-call", json={
        "phones": [written], "default_region": "US"},
        headers=await dialer.headers("supervisor"))
    assert added.status_code == 200, added.text
    assert added.json()["added"] == 1


async def _suppressed(dialer: Dialer, campaign_id: str) -> list[str]:
    return [s["reason"] for s in await rows(dialer, tables.suppressions,
                                            campaign_id=campaign_id)]


@pytest.mark.parametrize("mode", ["progressive", "predictive", "agentless"])
async def test_a_listed_number_is_never_dialed_by_the_pacing_loop(
        dialer_factory: DialerFactory, mode: str) -> None:
    dialer, clock, campaign_id = await start(dialer_factory, mode=mode, agents=3, numbers=3)
    await _listed_globally(dialer)
    network = ScriptedNetwork()
    for _ in range(3):  # retries and later ticks do not bring it back either
        await tick(dialer.app.state.dialer, network, campaign_id=campaign_id)
        clock.now += timedelta(hours=1)
    assert LISTED not in network.placed
    assert {"+12125550100", "+12125550102"} <= set(network.placed)
    assert await _suppressed(dialer, campaign_id) == ["do_not_call"]
    assert all(a["phone"] != LISTED for a in await rows(dialer, tables.attempts))


async def test_a_listed_number_is_never_put_up_for_preview(
        dialer_factory: DialerFactory) -> None:
    dialer, _, campaign_id = await start(dialer_factory, mode="preview", agents=2, numbers=2)
    dialer.app.state.telephony = network = ScriptedNetwork()
    await _listed_globally(dialer, "+1 212 555 0100")
    await tick(dialer.app.state.dialer, network, campaign_id=campaign_id)
    [request] = await dialer.wait_events("preview.requested", 1)
    [contact] = await rows(dialer, tables.campaign_contacts,
                           id=request.data["campaign_contact_id"])
    assert contact["phone"] == "+12125550101"
    assert network.placed == []
    assert await _suppressed(dialer, campaign_id) == ["do_not_call"]


async def test_a_callback_to_a_listed_number_is_not_made(dialer_factory: DialerFactory) -> None:
    dialer = await dialer_factory(clock=Clock())
    callbacks = await campaign(dialer, start=True, enrol_on=["callback.requested"],
                               purpose="callback", dialing_mode="progressive")
    await dialer.deliver(envelope(AgentStateChanged(
        agent_id="a0", previous=AgentState.OFFLINE, state=AgentState.AVAILABLE,
        changed_at=NOON_NY - timedelta(minutes=5), queue_ids=["q-outbound"], blended=True),
        "routing"))
    await _listed_globally(dialer)
    for n, phone in enumerate((LISTED, "+12125550100")):
        await dialer.deliver(envelope(CallbackRequested(
            callback_id=f"cb-{n}", phone=phone, queue_id="q-billing",
            original_arrived_at=NOON_NY - timedelta(minutes=10 - n)), "routing"))
    await dialer.wait_consumed(3)
    network = ScriptedNetwork()
    await tick(dialer.app.state.dialer, network, campaign_id=callbacks)
    # The listed customer queued first, yet only the other one is called.
    assert network.placed == ["+12125550100"]
    assert await _suppressed(dialer, callbacks) == ["do_not_call"]
