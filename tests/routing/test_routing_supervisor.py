"""The supervisor's live view of queues and agents, and forcing an agent's state."""

from __future__ import annotations

from engine_helpers import FakeClock
from routing_harness import Routing, RoutingFactory


async def test_the_queue_view_shows_depth_oldest_wait_ewt_and_service_level(
        routing_factory: RoutingFactory) -> None:
    routing = await routing_factory(clock=FakeClock(now=1_800_000_000.0))
    await routing.call("PUT", "/queues/support", expect=201, json={"service_level_s": 20})
    dana = await routing.agent("Dana", queues=["support"])
    answered_fast = await routing.contact()
    await routing.as_agent(dana, "accept", answered_fast["id"])
    first_waiting = await routing.contact()
    await routing.tick(10)
    await routing.contact()
    await routing.tick(5)
    abandoned = await routing.contact()
    await routing.call("POST", f"/contacts/{abandoned['id']}/abandon", role="integration",
                       expect=200)

    [queue] = (await routing.call("GET", "/supervisor/queues", expect=200)).json()
    assert (queue["id"], queue["waiting"], queue["oldest_wait_s"]) == ("support", 2, 15.0)
    assert (queue["staffed_agents"], queue["available_agents"]) == (1, 0)
    assert queue["ewt_s"] == {"voice": 3 * 180.0, "chat": 180.0 / 3, "email": 180.0 / 5,
                              "social": 180.0 / 3}
    assert (queue["answered_today"], queue["abandoned_today"], queue["service_level"]) == (
        1, 1, 0.5)
    assert first_waiting["status"] == "queued"


async def test_the_agent_view_shows_state_since_and_held_contacts(routing: Routing) -> None:
    dana = await routing.agent("Dana", queues=["support"])
    lee = await routing.agent("Lee", queues=["support"], ready=False)
    created = await routing.contact(channel="chat")
    agents = {a["id"]: a for a in
              (await routing.call("GET", "/supervisor/agents", expect=200)).json()}
    assert (agents[dana]["state"], agents[dana]["load"]) == ("reserved", {"chat": 1})
    assert agents[dana]["contacts"] == [{"id": created["id"], "queue_id": "support",
                                         "channel": "chat", "status": "offered",
                                         "consult": False}]
    assert (agents[lee]["state"], agents[lee]["reason"], agents[lee]["on_shift"]) == (
        "not_ready", "break", True)
    await routing.call("GET", "/supervisor/agents/nobody", expect=404)


async def test_a_supervisor_forces_an_agent_not_ready_and_cannot_log_out_busy_work(
        routing: Routing) -> None:
    dana = await routing.agent("Dana", queues=["support"])
    forced = await routing.call("PUT", f"/supervisor/agents/{dana}/state", expect=200,
                                json={"state": "not_ready", "reason": "meeting"})
    assert (forced.json()["state"], forced.json()["reason"]) == ("not_ready", "meeting")
    await routing.call("PUT", f"/supervisor/agents/{dana}/state", expect=200,
                       json={"state": "available"})
    created = await routing.contact()
    await routing.as_agent(dana, "accept", created["id"])
    refused = await routing.call("PUT", f"/supervisor/agents/{dana}/state", expect=409,
                                 json={"state": "offline"})
    assert refused.json()["state"] == "busy"
    await routing.call("PUT", "/supervisor/agents/nobody/state", expect=404,
                       json={"state": "offline"})
    await routing.flushed()
    changes = [(e.data["state"], e.data["reason"], e.data["forced_by"])
               for e in routing.events("agent.state_changed", subject=dana)]
    assert changes[:3] == [("available", None, None), ("not_ready", "meeting", "tester"),
                           ("available", None, "tester")]


async def test_agents_cannot_see_the_supervisor_view(routing: Routing) -> None:
    dana = await routing.agent("Dana", queues=["support"])
    for path in ("/supervisor/queues", "/supervisor/agents"):
        response = await routing.call("GET", path, role="agent", subject=dana)
        assert response.status_code == 403
    response = await routing.call("PUT", f"/supervisor/agents/{dana}/state", role="agent",
                                  subject=dana, json={"state": "offline"})
    assert response.status_code == 403


async def test_the_service_level_day_starts_at_midnight_in_the_queues_zone(
        routing_factory: RoutingFactory) -> None:
    clock = FakeClock(now=1_800_000_000.0 - 60)  # 07:59 UTC = 23:59 the day before in LA
    routing = await routing_factory(clock=clock)
    all_day = [{"start": "00:00", "end": "23:59:59"}]
    await routing.call("PUT", "/queues/la", expect=201, json={"hours": {
        "timezone": "America/Los_Angeles",
        "weekly": {d: all_day for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}}})
    await routing.call("PUT", "/queues/utc", expect=201, json={})
    dana = await routing.agent("Dana", queues=["la", "utc"], capacity={"chat": 2})
    for queue in ("la", "utc"):
        created = await routing.contact(queue, channel="chat")
        await routing.as_agent(dana, "accept", created["id"])
    clock.advance(120)
    view = {q["id"]: q for q in
            (await routing.call("GET", "/supervisor/queues", expect=200)).json()}
    assert (view["la"]["answered_today"], view["la"]["service_level"]) == (0, None)
    assert (view["utc"]["answered_today"], view["utc"]["service_level"]) == (1, 1.0)
