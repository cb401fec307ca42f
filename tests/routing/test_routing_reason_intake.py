"""Contacts that arrive as events (self-service help requests) follow the routing rules too."""

from __future__ import annotations

from datetime import UTC, datetime

from routing_harness import Routing, eventually

from ringway.shared.contracts.selfservice import CustomerRegistered, SupportRequestOpened


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


async def test_rules_see_the_registered_customers_language_when_the_contact_names_none(
        routing: Routing) -> None:
    await routing.call("POST", "/routing-rules", role="admin", expect=201,
                       json={"languages": ["es"], "queue_id": "support-es"})
    await routing.call("POST", "/routing-rules", role="admin", expect=201,
                       json={"position": 500, "queue_id": "support-en"})
    await routing.deliver(CustomerRegistered(customer_id="cust-es", language="es",
                                             registered_at=datetime.now(UTC)))
    await eventually(lambda: routing.runtime.routers[0].handled == 1, what="registered")
    spanish = await routing.contact(None, customer_id="cust-es")
    other = await routing.contact(None, customer_id="cust-xx")
    assert (spanish["queue_id"], spanish["language"]) == ("support-es", "es")
    assert other["queue_id"] == "support-en"
