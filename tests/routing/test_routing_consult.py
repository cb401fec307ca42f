"""Warm transfer: the agent consults a specialist, then hands over (or cancels and keeps it)."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime

import pytest
from engine_helpers import CHAT, FakeClock, agent, contact, engine_with, of_type
from routing_harness import RoutingFactory

from ringway.routing.api import _events
from ringway.routing.domain import InvalidRequest, InvalidTransition, QueueSpec, effects
from ringway.shared.contracts.agents import AgentState


def test_completing_a_consult_hands_the_contact_over_keeping_its_arrival() -> None:
    engine, clock = engine_with([QueueSpec("q")], [agent("first"), agent("expert")])
    engine.set_presence("expert", ready=False, reason="break")
    engine.add_contact(contact("c1"))
    clock.advance(10)
    engine.accept("c1", "first")
    engine.set_presence("expert", ready=True)
    started = engine.consult("c1", "first", "expert")
    assert [type(e) for e in started] == [effects.ConsultStarted, effects.AgentChanged]
    assert engine.agents["expert"].state is AgentState.BUSY
    assert engine.add_contact(contact("c2")) != []
    assert engine.contacts["c2"].status.value == "queued"

    clock.advance(60)
    found = engine.end_consult("c1", "first", complete=True)
    [ended] = of_type(found, effects.ConsultEnded)
    [moved] = of_type(found, effects.Transferred)
    assert isinstance(ended, effects.ConsultEnded)
    assert isinstance(moved, effects.Transferred)
    assert (ended.outcome, moved.from_agent_id, moved.to_agent_id, moved.warm) == (
        "completed", "first", "expert", True)
    record = engine.contacts["c1"]
    assert (record.agent_id, record.transfers, record.waited(clock())) == ("expert", 1, 70)
    assert engine.contacts["c2"].agent_id == "first"
    done = engine.complete("c1", "expert", disposition="fixed", resolved=True)
    assert of_type(done, effects.Completed)


def test_cancelling_a_consult_frees_the_specialist_and_the_first_agent_keeps_it() -> None:
    engine, _ = engine_with([QueueSpec("q")], [agent("first"), agent("expert")])
    engine.set_presence("expert", ready=False, reason="break")
    engine.add_contact(contact("c1", channel=CHAT))
    engine.accept("c1", "first")
    engine.set_presence("expert", ready=True)
    engine.consult("c1", "first", "expert")
    engine.end_consult("c1", "first", complete=False)
    assert engine.contacts["c1"].agent_id == "first"
    assert engine.agents["expert"].state is AgentState.AVAILABLE
    assert engine.agents["expert"].load.get(CHAT, 0) == 0


def test_consult_refusals_name_the_state() -> None:
    engine, _ = engine_with([QueueSpec("q")], [agent("first"), agent("busy"), agent("idle")])
    engine.add_contact(contact("c1"))
    engine.accept("c1", "first")
    engine.add_contact(contact("c2"))
    engine.accept("c2", "busy")
    with pytest.raises(InvalidTransition) as busy:
        engine.consult("c1", "first", "busy")
    assert (busy.value.kind, busy.value.state) == ("agent", "busy")
    with pytest.raises(InvalidRequest):
        engine.consult("c1", "first", "first")
    with pytest.raises(InvalidTransition):
        engine.end_consult("c1", "first", complete=True)
    engine.consult("c1", "first", "idle")
    for action in (lambda: engine.complete("c1", "first", disposition=None, resolved=False),
                   lambda: engine.transfer("c1", "first", queue_id="q"),
                   lambda: engine.wrap_up("c1", "first"),
                   lambda: engine.consult("c1", "first", "idle"),
                   lambda: engine.log_out("idle")):
        with pytest.raises(InvalidTransition):
            action()


async def test_a_warm_transfer_over_the_api_survives_a_restart_mid_consult(
        routing_factory: RoutingFactory) -> None:
    clock = FakeClock(now=1_800_000_000.0)
    first = await routing_factory(clock=clock)
    dana = await first.agent("Dana", queues=["support"])
    created = await first.contact()
    await first.as_agent(dana, "accept", created["id"])
    expert = await first.agent("Expert", queues=["billing"])
    consulting = await first.as_agent(dana, "consult", created["id"], to_agent_id=expert)
    assert consulting.json()["consult_agent_id"] == expert
    refused = await first.as_agent(dana, "complete", created["id"], expect=409)
    assert refused.json()["state"] == "accepted"
    await first.runtime.stop()
    await first.client.aclose()

    second = await routing_factory(clock=clock)
    assert second.router.engine.agents[expert].state is AgentState.BUSY
    done = await second.as_agent(dana, "consult/complete", created["id"])
    assert (done.json()["agent_id"], done.json()["consult_agent_id"],
            done.json()["transfers"]) == (expert, None, 1)
    await second.as_agent(expert, "complete", created["id"], resolved=True)
    await second.flushed()
    kinds = [e.type for e in second.events(subject=created["id"])]
    assert kinds == ["contact.consult_ended", "contact.transferred", "contact.completed"]
    [moved] = second.events("contact.transferred")
    assert (moved.data["warm"], moved.data["to_agent_id"]) == (True, expert)
    assert datetime.fromisoformat(moved.data["arrived_at"]) == datetime.fromisoformat(
        created["arrived_at"])


async def test_only_the_handling_agent_may_consult(routing_factory: RoutingFactory) -> None:
    routing = await routing_factory()
    dana = await routing.agent("Dana", queues=["support"])
    created = await routing.contact()
    await routing.as_agent(dana, "accept", created["id"])
    other = await routing.agent("Lee", queues=["support"])
    response = await routing.as_agent(other, "consult", created["id"], expect=409,
                                      to_agent_id=dana)
    assert response.json()["kind"] == "contact"
    await routing.as_agent(dana, "consult", created["id"], expect=404, to_agent_id="nobody")


async def test_the_consulted_agent_is_told_by_push(routing_factory: RoutingFactory) -> None:
    routing = await routing_factory()
    dana = await routing.agent("Dana", queues=["support"])
    created = await routing.contact()
    await routing.as_agent(dana, "accept", created["id"])
    expert = await routing.agent("Expert", queues=["billing"])
    stream = _events(routing.router, expert)
    assert await anext(stream) == ": connected\n\n"
    pending = asyncio.create_task(anext(stream))
    await routing.as_agent(dana, "consult", created["id"], to_agent_id=expert)
    kind, data = (await asyncio.wait_for(pending, timeout=5)).strip().split("\n")
    assert (kind, json.loads(data[6:])) == ("event: consult", {
        "event": "consult", "contact_id": created["id"], "agent_id": dana})
    pending = asyncio.create_task(anext(stream))
    await routing.as_agent(dana, "consult/cancel", created["id"])
    ended = json.loads((await asyncio.wait_for(pending, timeout=5)).strip().split("\n")[1][6:])
    assert (ended["event"], ended["outcome"]) == ("consult_ended", "cancelled")
    await stream.aclose()
