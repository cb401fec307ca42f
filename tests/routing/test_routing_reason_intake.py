"""Contacts that arrive as events (self-service help requests) follow the routing rules too."""

from __future__ import annotations

from datetime import UTC, datetime

from routing_harness import Routing

from ringway.shared.contracts.selfservice import SupportRequestOpened


async def test_a_help_request_goes_where_the_rules_send_its_reason(routing: Routing) -> None:
    await routing.call("PUT", "/reasons/returns", role="admin", expect=201,
                       json={"category": "post-sale", "label": "Returns"})
    rule = await routing.call("POST", "/routing-rules", role="admin", expect=201,
                              json={"category": "post-sale", "channels": ["email"],
                                    "queue_id": "aftercare", "priority": 30})
    await routing.deliver(SupportRequestOpened(request_id="req-1", customer_id="cust-1",
                                               reason="returns", opened_at=datetime.now(UTC)))
    await routing.deliver(SupportRequestOpened(request_id="req-2", customer_id="cust-2",
                                               reason="unlisted", opened_at=datetime.now(UTC)))
    queued = {e.data["reason"]: e.data for e in await routing.wait_events("contact.queued", 2)}
    assert (queued["returns"]["queue_id"], queued["returns"]["priority"],
            queued["returns"]["category"], queued["returns"]["rule_id"]) == (
        "aftercare", 30, "post-sale", rule.json()["id"])
    assert (queued["unlisted"]["queue_id"], queued["unlisted"]["category"]) == ("support", None)
