"""A customer's contact history: every contact, newest first, with its reason and outcome."""

from __future__ import annotations

from routing_harness import Routing


async def test_a_customers_history_lists_their_contacts_newest_first(routing: Routing) -> None:
    await routing.call("PUT", "/queues/night", expect=201, json={
        "hours": {"timezone": "UTC"}, "outcomes": {"closed": {"action": "voicemail"}}})
    first = await routing.contact("support", customer_id="cust-1", reason="billing")
    routing.clock.advance(60)
    closed = await routing.contact("night", customer_id="cust-1", reason="returns")
    await routing.contact("support", customer_id="cust-2")
    history = await routing.call("GET", "/contacts?customer_id=cust-1", role="agent",
                                 expect=200)
    assert [(c["id"], c["reason"], c["outcome"]) for c in history.json()] == [
        (closed["id"], "returns", "voicemail"), (first["id"], "billing", None)]
    assert closed["end_reason"] == "closed_hours"
    assert (await routing.call("GET", "/contacts?customer_id=nobody", expect=200)).json() == []
    response = await routing.call("GET", "/contacts?customer_id=cust-1&limit=0")
    assert response.status_code == 422
