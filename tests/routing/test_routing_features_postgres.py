"""Reasons, rules, repeats, outcomes, shifts, consults and the live view on real PostgreSQL."""

from __future__ import annotations

import pytest
from engine_helpers import FakeClock
from routing_harness import RoutingFactory

pytestmark = pytest.mark.postgres


async def test_the_new_routing_features_work_on_postgres_and_survive_a_restart(
        routing_factory: RoutingFactory, pg_url: str) -> None:
    clock = FakeClock(now=1_800_000_000.0)
    first = await routing_factory(clock=clock, database_url=pg_url)
    await first.call("PUT", "/reasons/billing", role="admin", expect=201,
                     json={"category": "post-sale", "label": "Billing"})
    await first.call("POST", "/routing-rules", role="admin", expect=201,
                     json={"category": "post-sale", "queue_id": "aftercare", "priority": 20})
    await first.call("PUT", "/queues/aftercare", expect=201, json={
        "max_wait_s": 60, "outcomes": {"max_wait": {"action": "voicemail"}}})
    dana = await first.agent("Dana", queues=["aftercare"])
    lee = await first.agent("Lee", queues=["aftercare"], ready=False)
    handled = await first.contact(None, reason="billing", customer_id="c-1")
    await first.as_agent(dana, "accept", handled["id"])
    clock.advance(1)
    repeat = await first.contact(None, reason="billing", customer_id="c-1")
    assert (repeat["queue_id"], repeat["priority"], repeat["repeat"]) == ("aftercare", 30, True)
    await first.call("PUT", f"/agents/{lee}/state", role="agent", subject=lee, expect=200,
                     json={"state": "available"})
    await first.as_agent(lee, "accept", repeat["id"])
    await first.call("PUT", f"/agents/{lee}/state", role="agent", subject=lee, expect=200,
                     json={"state": "not_ready", "reason": "break"})
    await first.as_agent(lee, "complete", repeat["id"])
    await first.call("PUT", f"/agents/{lee}/state", role="agent", subject=lee, expect=200,
                     json={"state": "available"})
    await first.as_agent(dana, "consult", handled["id"], to_agent_id=lee)
    await first.runtime.stop()
    await first.client.aclose()

    second = await routing_factory(clock=clock, database_url=pg_url)
    voicemail = await second.contact("aftercare")
    await second.tick(61)
    closed = await second.call("GET", f"/contacts/{voicemail['id']}", expect=200)
    assert (closed.json()["status"], closed.json()["outcome"]) == ("closed", "voicemail")
    await second.as_agent(dana, "consult/complete", handled["id"])
    [queue] = (await second.call("GET", "/supervisor/queues", expect=200)).json()
    assert (queue["answered_today"], queue["waiting"]) == (2, 0)
    agents = {a["id"]: a for a in
              (await second.call("GET", "/supervisor/agents", expect=200)).json()}
    assert [c["id"] for c in agents[lee]["contacts"]] == [handled["id"]]
    history = await second.call("GET", "/contacts?customer_id=c-1", expect=200)
    assert [c["id"] for c in history.json()] == [repeat["id"], handled["id"]]
