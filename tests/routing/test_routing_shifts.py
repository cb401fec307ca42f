"""Agent shifts gate eligibility: off shift, a logged-in agent is never offered work."""

from __future__ import annotations

from datetime import UTC, datetime, time

from engine_helpers import CHAT, FakeClock, agent, contact, engine_with, of_type, offers
from routing_harness import RoutingFactory

from ringway.routing.domain import QueueSpec, effects
from ringway.routing.domain.shifts import Shift
from ringway.shared.contracts.agents import AgentState

NINE_TO_FIVE_UTC = Shift("UTC", {d: ((time(9), time(17)),) for d in range(7)})
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def utc(hour: int, minute: int = 0) -> float:
    return datetime(2026, 11, 27, hour, minute, tzinfo=UTC).timestamp()


def test_an_agent_off_shift_is_not_ready_and_never_offered_work() -> None:
    engine, _ = engine_with([QueueSpec("q")],
                            [agent("early"), agent("day", shift=NINE_TO_FIVE_UTC)],
                            clock=FakeClock(utc(8, 0)))
    assert engine.agents["day"].state is AgentState.NOT_READY
    assert offers(engine.add_contact(contact("c1"))) == [("c1", "early")]
    assert offers(engine.add_contact(contact("c2"))) == []


def test_the_shift_start_makes_the_agent_available_and_offers_waiting_work() -> None:
    clock = FakeClock(utc(8, 0))
    engine, _ = engine_with([QueueSpec("q")], [agent("day", shift=NINE_TO_FIVE_UTC)],
                            clock=clock)
    engine.add_contact(contact("c1"))
    clock.now = utc(9, 0)
    found = engine.tick()
    assert offers(found) == [("c1", "day")]
    [available, _reserved] = of_type(found, effects.AgentChanged)
    assert isinstance(available, effects.AgentChanged)
    assert (available.previous, available.state) == (AgentState.NOT_READY,
                                                     AgentState.AVAILABLE)


def test_at_the_shift_end_the_agent_keeps_handled_work_but_gets_no_more() -> None:
    clock = FakeClock(utc(16, 59))
    engine, _ = engine_with([QueueSpec("q")], [agent("day", shift=NINE_TO_FIVE_UTC)],
                            clock=clock)
    engine.add_contact(contact("c1", channel=CHAT))
    engine.accept("c1", "day")
    clock.now = utc(17, 0)
    engine.tick()
    assert offers(engine.add_contact(contact("c2", channel=CHAT))) == []
    assert engine.contacts["c1"].agent_id == "day"
    engine.complete("c1", "day", disposition=None, resolved=True)
    assert (engine.agents["day"].state, engine.agents["day"].on_shift) == (
        AgentState.NOT_READY, False)


async def test_a_shift_set_over_the_api_gates_offers_and_survives_a_restart(
        routing_factory: RoutingFactory) -> None:
    clock = FakeClock(utc(8, 0))
    shift = {"timezone": "UTC", "weekly": {d: [{"start": "09:00", "end": "17:00"}]
                                           for d in DAYS}}
    first = await routing_factory(clock=clock)
    agent_id = await first.agent("Dana", queues=["support"], shift=shift)
    read = await first.call("GET", f"/agents/{agent_id}", expect=200)
    assert (read.json()["state"], read.json()["shift"]["timezone"]) == ("not_ready", "UTC")
    waiting = await first.contact()
    assert waiting["status"] == "queued"
    await first.flushed()
    [change] = first.events("agent.state_changed", subject=agent_id)
    assert (change.data["state"], change.data["reason"]) == ("not_ready", "off_shift")
    await first.runtime.stop()
    await first.client.aclose()

    second = await routing_factory(clock=clock)
    assert second.router.engine.agents[agent_id].on_shift is False
    await second.tick(3600)
    offered = await second.call("GET", f"/contacts/{waiting['id']}", expect=200)
    assert (offered.json()["status"], offered.json()["agent_id"]) == ("offered", agent_id)


async def test_an_unknown_shift_time_zone_is_a_422(routing_factory: RoutingFactory) -> None:
    routing = await routing_factory()
    response = await routing.call("POST", "/agents", json={
        "display_name": "Dana", "shift": {"timezone": "Mars/Olympus"}})
    assert response.status_code == 422
    assert response.json()["type"].endswith("/validation-error")


async def test_clearing_a_shift_makes_a_waiting_contact_reach_the_agent(
        routing_factory: RoutingFactory) -> None:
    routing = await routing_factory(clock=FakeClock(utc(20, 0)))
    shift = {"timezone": "UTC", "weekly": {"fri": [{"start": "09:00", "end": "17:00"}]}}
    agent_id = await routing.agent("Dana", queues=["support"], shift=shift)
    waiting = await routing.contact()
    assert waiting["status"] == "queued"
    updated = await routing.call("PATCH", f"/agents/{agent_id}", expect=200,
                                 json={"shift": None})
    assert (updated.json()["shift"], updated.json()["state"]) == (None, "reserved")
    offered = await routing.call("GET", f"/contacts/{waiting['id']}", expect=200)
    assert offered.json()["agent_id"] == agent_id


async def test_a_shift_that_ended_while_routing_was_down_is_reported_at_start(
        routing_factory: RoutingFactory) -> None:
    clock = FakeClock(utc(16, 0))
    shift = {"timezone": "UTC", "weekly": {"fri": [{"start": "09:00", "end": "17:00"}]}}
    first = await routing_factory(clock=clock)
    agent_id = await first.agent("Dana", queues=["support"], shift=shift)
    await first.runtime.stop()
    await first.client.aclose()
    clock.now = utc(18, 0)

    second = await routing_factory(clock=clock)
    await second.flushed()
    [change] = second.events("agent.state_changed", subject=agent_id)
    assert (change.data["previous"], change.data["state"], change.data["reason"]) == (
        "available", "not_ready", "off_shift")
    read = await second.call("GET", f"/agents/{agent_id}", expect=200)
    assert read.json()["state"] == "not_ready"
