"""Agent events carry the queues the agent serves and the blended flag (the dialer's pools)."""

from __future__ import annotations

from routing_harness import Routing


async def test_agent_events_name_the_served_queues_and_blending(routing: Routing) -> None:
    agent = await routing.agent("Dana", queues=["sales", "support"], blended=True)
    await routing.call("PATCH", f"/agents/{agent}", expect=200,
                       json={"queues": ["support"], "blended": False})
    await routing.flushed()

    [created] = routing.events("agent.created", subject=agent)
    assert (created.data["queue_ids"], created.data["blended"]) == (["sales", "support"], True)
    [changed] = routing.events("agent.state_changed", subject=agent)
    assert (changed.data["state"], changed.data["queue_ids"], changed.data["blended"]) == (
        "available", ["sales", "support"], True)
    [updated] = routing.events("agent.updated", subject=agent)
    assert (updated.data["queue_ids"], updated.data["blended"]) == (["support"], False)


async def test_a_state_change_after_an_update_carries_the_new_queues(routing: Routing) -> None:
    agent = await routing.agent("Dana", queues=["sales"])
    await routing.call("PATCH", f"/agents/{agent}", expect=200, json={"queues": ["support"]})
    await routing.call("PUT", f"/agents/{agent}/state", expect=200,
                       json={"state": "not_ready", "reason": "break"})
    await routing.flushed()

    last = routing.events("agent.state_changed", subject=agent)[-1]
    assert (last.data["state"], last.data["reason"], last.data["queue_ids"]) == (
        "not_ready", "break", ["support"])
