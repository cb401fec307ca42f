"""Service level counts a transferred contact by its first answer, in the queue that gave it."""

from __future__ import annotations

from typing import Any

from engine_helpers import FakeClock
from routing_harness import Routing, RoutingFactory


async def _view(routing: Routing) -> dict[str, dict[str, Any]]:
    queues = (await routing.call("GET", "/supervisor/queues", expect=200)).json()
    return {q["id"]: q for q in queues}


async def test_a_cold_transfer_counts_by_its_first_answer_in_the_first_queue(
        routing_factory: RoutingFactory) -> None:
    routing = await routing_factory(clock=FakeClock(now=1_800_000_000.0))
    await routing.call("PUT", "/queues/support", expect=201, json={"service_level_s": 20})
    await routing.call("PUT", "/queues/billing", expect=201, json={"service_level_s": 20})
    dana = await routing.agent("Dana", queues=["support"])
    created = await routing.contact()
    await routing.tick(5)
    await routing.as_agent(dana, "accept", created["id"])
    await routing.tick(60)
    await routing.as_agent(dana, "transfer", created["id"], queue_id="billing")
    await routing.tick(30)
    lee = await routing.agent("Lee", queues=["billing"])
    await routing.as_agent(lee, "accept", created["id"])

    view = await _view(routing)
    # Answered in 5 s at support; the billing answer 95 s after arrival is the transfer's.
    assert (view["support"]["answered_today"], view["support"]["service_level"]) == (1, 1.0)
    assert (view["billing"]["answered_today"], view["billing"]["service_level"]) == (0, None)


async def test_a_warm_transfer_and_a_restart_keep_the_first_answer(
        routing_factory: RoutingFactory) -> None:
    clock = FakeClock(now=1_800_000_000.0)
    first = await routing_factory(clock=clock)
    await first.call("PUT", "/queues/support", expect=201, json={"service_level_s": 20})
    dana = await first.agent("Dana", queues=["support"])
    expert = await first.agent("Expert", queues=["other"])
    created = await first.contact()
    await first.tick(12)
    await first.as_agent(dana, "accept", created["id"])
    await first.tick(100)
    await first.as_agent(dana, "consult", created["id"], to_agent_id=expert)
    await first.as_agent(dana, "consult/complete", created["id"])
    second = await routing_factory(clock=clock)  # a restart on the same database
    view = await _view(second)
    assert (view["support"]["answered_today"], view["support"]["service_level"]) == (1, 1.0)
    row = await second.call("GET", f"/contacts/{created['id']}", expect=200)
    assert (row.json()["agent_id"], row.json()["transfers"]) == (expert, 1)


async def test_a_transferred_contact_abandoned_in_the_second_queue_still_counts_answered(
        routing_factory: RoutingFactory) -> None:
    routing = await routing_factory(clock=FakeClock(now=1_800_000_000.0))
    await routing.call("PUT", "/queues/support", expect=201, json={"service_level_s": 5})
    await routing.call("PUT", "/queues/billing", expect=201, json={"service_level_s": 20})
    dana = await routing.agent("Dana", queues=["support"])
    created = await routing.contact()
    await routing.tick(10)
    await routing.as_agent(dana, "accept", created["id"])
    await routing.as_agent(dana, "transfer", created["id"], queue_id="billing")
    await routing.call("POST", f"/contacts/{created['id']}/abandon", role="integration",
                       expect=200)
    view = await _view(routing)
    assert (view["support"]["answered_today"], view["support"]["abandoned_today"],
            view["support"]["service_level"]) == (1, 0, 0.0)
    assert view["billing"]["abandoned_today"] == 0
