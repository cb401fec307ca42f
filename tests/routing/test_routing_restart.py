"""A restart loses nothing: waiting contacts, agent states and open reservations come back."""

from __future__ import annotations

from engine_helpers import FakeClock
from routing_harness import RoutingFactory


async def test_a_restart_keeps_waiting_contacts_agent_states_and_reservations(
        routing_factory: RoutingFactory) -> None:
    clock = FakeClock(now=1_800_000_000.0)
    first = await routing_factory(clock=clock)
    await first.call("PUT", "/queues/support", expect=201, json={"accept_timeout_s": 30})
    dana = await first.agent("Dana", queues=["support"])
    lee = await first.agent("Lee", queues=["support"], ready=False)
    handled = await first.contact()
    await first.as_agent(dana, "accept", handled["id"])
    clock.advance(1)
    first_waiting = await first.contact()
    clock.advance(1)
    second_waiting = await first.contact()
    await first.call("PUT", f"/agents/{lee}/state", role="agent", subject=lee, expect=200,
                     json={"state": "available"})
    offered = await first.call("GET", f"/contacts/{first_waiting['id']}", expect=200)
    assert (offered.json()["status"], offered.json()["agent_id"]) == ("offered", lee)
    await first.runtime.stop()
    await first.client.aclose()

    second = await routing_factory(clock=clock)
    engine = second.router.engine
    assert engine.agents[dana].state.value == "busy"
    assert engine.agents[lee].state.value == "reserved"
    assert engine.contacts[second_waiting["id"]].status.value == "queued"
    await second.as_agent(lee, "accept", first_waiting["id"])
    done = await second.as_agent(dana, "complete", handled["id"], resolved=True)
    assert done.json()["status"] == "completed"
    now_offered = await second.call("GET", f"/contacts/{second_waiting['id']}", expect=200)
    assert (now_offered.json()["status"], now_offered.json()["agent_id"]) == ("offered", dana)


async def test_a_reservation_that_expired_while_down_is_expired_by_rule_at_start(
        routing_factory: RoutingFactory) -> None:
    clock = FakeClock(now=1_800_000_000.0)
    first = await routing_factory(clock=clock)
    await first.call("PUT", "/queues/support", expect=201, json={"accept_timeout_s": 10})
    dana = await first.agent("Dana", queues=["support"])
    contact = await first.contact()
    await first.runtime.stop()
    await first.client.aclose()
    clock.advance(60)

    second = await routing_factory(clock=clock)
    await second.flushed()
    [ended] = second.events("contact.offer_ended")
    assert (ended.data["outcome"], ended.data["agent_id"]) == ("expired", dana)
    row = await second.call("GET", f"/contacts/{contact['id']}", expect=200)
    assert row.json()["status"] == "queued"


async def test_a_standby_instance_refuses_commands_until_it_leads(
        routing_factory: RoutingFactory) -> None:
    routing = await routing_factory()
    await routing.router.stop()
    response = await routing.call("POST", "/contacts", role="integration",
                                  json={"channel": "chat", "queue_id": "support"})
    assert response.status_code == 503
    assert response.json()["type"].endswith("/standby")
    await routing.router.start()
    assert (await routing.contact(channel="chat"))["status"] == "queued"
