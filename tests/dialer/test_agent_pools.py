"""A campaign's agent pool is a routing queue: only its logged-in, blended agents count."""

from __future__ import annotations

from datetime import timedelta

from dialer_harness import Dialer, DialerFactory, envelope
from test_dialing import NOON_NY, ScriptedNetwork, rows, start

from ringway.dialer import tables
from ringway.dialer.dialing import tick
from ringway.shared.contracts.agents import (
    AgentCreated,
    AgentState,
    AgentStateChanged,
    AgentUpdated,
)


def _state(agent_id: str, state: AgentState, minutes: int, queues: list[str],
           blended: bool = True) -> AgentStateChanged:
    return AgentStateChanged(agent_id=agent_id, previous=AgentState.OFFLINE, state=state,
                             changed_at=NOON_NY + timedelta(minutes=minutes),
                             queue_ids=queues, blended=blended)


async def _send(dialer: Dialer, *events: object) -> None:
    before = dialer.consumer.handled + dialer.consumer.duplicates
    for event in events:
        await dialer.deliver(envelope(event, "routing"))  # type: ignore[arg-type]
    await dialer.wait_consumed(before + len(events))


async def _decision(dialer: Dialer, campaign_id: str) -> tuple[int, int, str]:
    report = await tick(dialer.app.state.dialer, ScriptedNetwork(), campaign_id=campaign_id)
    assert report.decision is not None
    [*_, last] = await rows(dialer, tables.pacing_decisions, campaign_id=campaign_id)
    inputs = last["inputs"]["inputs"]
    return inputs["agents_logged_in"], inputs["agents_ready"], report.decision.reason


async def test_only_blended_agents_serving_the_campaign_queue_are_counted(
        dialer_factory: DialerFactory) -> None:
    dialer, _, campaign_id = await start(dialer_factory, agents=0, numbers=5)
    await _send(dialer,
                _state("other-queue", AgentState.AVAILABLE, -4, ["q-billing"]),
                _state("inbound-only", AgentState.AVAILABLE, -4, ["q-outbound"], blended=False),
                _state("in-pool", AgentState.AVAILABLE, -4, ["q-billing", "q-outbound"]),
                _state("in-pool-busy", AgentState.BUSY, -4, ["q-outbound"]),
                _state("logged-out", AgentState.OFFLINE, -4, ["q-outbound"]))
    assert await _decision(dialer, campaign_id) == (2, 1, "progressive")


async def test_no_call_while_nobody_of_the_pool_is_logged_in_even_if_others_are(
        dialer_factory: DialerFactory) -> None:
    dialer, _, campaign_id = await start(dialer_factory, agents=0, numbers=2)
    await _send(dialer, _state("elsewhere", AgentState.AVAILABLE, -4, ["q-billing"]))
    network = ScriptedNetwork()
    report = await tick(dialer.app.state.dialer, network, campaign_id=campaign_id)
    assert report.decision is not None
    assert report.decision.reason == "no_agents_logged_in"
    assert network.placed == []


async def test_a_profile_change_moves_an_agent_out_of_the_pool_and_older_events_lose(
        dialer_factory: DialerFactory) -> None:
    dialer, _, campaign_id = await start(dialer_factory, agents=0, numbers=3)
    await _send(dialer,
                AgentCreated(agent_id="dana", display_name="Dana", created_at=NOON_NY
                             - timedelta(hours=1), queue_ids=["q-outbound"], blended=True),
                _state("dana", AgentState.AVAILABLE, -4, ["q-outbound"]),
                _state("dana", AgentState.OFFLINE, -10, ["q-outbound"]))  # late and stale
    assert await _decision(dialer, campaign_id) == (1, 1, "progressive")
    await _send(dialer, AgentUpdated(agent_id="dana", queue_ids=["q-billing"], blended=True,
                                     updated_at=NOON_NY - timedelta(minutes=3)))
    assert (await _decision(dialer, campaign_id))[2] == "no_agents_logged_in"
    [agent] = await rows(dialer, tables.agent_states, agent_id="dana")
    assert agent["state"] == "available"  # a profile change leaves the state alone


async def test_wrap_up_durations_are_learned_for_pacing(dialer_factory: DialerFactory) -> None:
    dialer, _, campaign_id = await start(dialer_factory, agents=0, numbers=3)
    await _send(dialer,
                _state("wrapper", AgentState.WRAP_UP, -4, ["q-outbound"]),
                _state("wrapper", AgentState.AVAILABLE, -3, ["q-outbound"]),
                _state("wrapper", AgentState.WRAP_UP, -1, ["q-outbound"]))
    await tick(dialer.app.state.dialer, ScriptedNetwork(), campaign_id=campaign_id)
    [decision] = await rows(dialer, tables.pacing_decisions, campaign_id=campaign_id)
    inputs = decision["inputs"]["inputs"]
    assert inputs["mean_wrap_s"] == 60.0
    assert inputs["wrap_elapsed_s"] == [60.0]
