"""Agents receive offers by push (server-sent events), only for themselves."""

from __future__ import annotations

import asyncio
import json

from routing_harness import Routing

from ringway.routing.api import _events


async def test_an_agent_stream_receives_its_offer_as_it_happens(routing: Routing) -> None:
    agent = await routing.agent("Dana", queues=["support"])
    stream = _events(routing.router, agent)
    assert await anext(stream) == ": connected\n\n"
    pending = asyncio.create_task(anext(stream))
    contact = await routing.contact()
    frame = await asyncio.wait_for(pending, timeout=5)
    kind, data = frame.strip().split("\n")
    notice = json.loads(data.removeprefix("data: "))
    assert kind == "event: offer"
    assert (notice["contact_id"], notice["reservation_id"]) == (contact["id"],
                                                                f"{contact['id']}.1")
    pending = asyncio.create_task(anext(stream))
    await routing.as_agent(agent, "reject", contact["id"])
    ended = json.loads((await asyncio.wait_for(pending, 5)).strip().split("\n")[1][6:])
    assert (ended["event"], ended["outcome"]) == ("offer_ended", "rejected")
    await stream.aclose()


async def test_the_offer_stream_is_only_for_the_agent_or_a_supervisor(routing: Routing) -> None:
    agent = await routing.agent("Dana", queues=["support"])
    response = await routing.client.get(f"/agents/{agent}/offers")
    assert response.status_code == 401
    other = await routing.call("GET", f"/agents/{agent}/offers", role="agent",
                               subject="someone-else")
    assert other.status_code == 403
    missing = await routing.call("GET", "/agents/nope/offers")
    assert missing.status_code == 404
