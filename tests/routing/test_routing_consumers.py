"""Events from other services: answered outbound calls, support requests, erasure, callbacks."""

from __future__ import annotations

from datetime import UTC, datetime

from routing_harness import Routing, eventually
from sqlalchemy import select

from ringway.routing import tables
from ringway.shared.contracts.dialer import OutboundCallAnswered
from ringway.shared.contracts.selfservice import (
    CustomerErased,
    CustomerRegistered,
    SupportRequestOpened,
)


def answered(attempt_id: str, at: float, queue: str = "welcome") -> OutboundCallAnswered:
    return OutboundCallAnswered(campaign_id="camp-1", attempt_id=attempt_id, queue_id=queue,
                                customer_id="cust-9", answered_at=datetime.fromtimestamp(at, UTC))


async def test_an_answered_outbound_call_goes_to_an_agent_at_top_priority(
        routing: Routing) -> None:
    agent = await routing.agent("Dana", queues=["welcome"], ready=False)
    inbound = await routing.contact("welcome", priority=50)
    await routing.deliver(answered("att-1", routing.clock.now))
    await routing.deliver(answered("att-1", routing.clock.now))
    await eventually(lambda: "att-1" in {e.data.get("attempt_id")
                                         for e in routing.events("contact.queued")},
                     what="outbound contact queued")
    await routing.call("PUT", f"/agents/{agent}/state", role="agent", subject=agent,
                       expect=200, json={"state": "available"})
    await routing.flushed()
    [offer] = routing.events("contact.offered")
    [queued] = [e for e in routing.events("contact.queued") if e.data["attempt_id"] == "att-1"]
    assert offer.subject == queued.subject != inbound["id"]
    assert (queued.data["direction"], queued.data["priority"]) == ("outbound", 100)
    assert len(routing.events("contact.queued")) == 2


async def test_an_outbound_call_with_no_agent_in_two_seconds_is_abandoned(
        routing: Routing) -> None:
    await routing.deliver(answered("att-2", routing.clock.now))
    await eventually(lambda: bool(routing.events("contact.queued")), what="queued")
    await routing.tick(1.9)
    assert routing.events("contact.abandoned") == []
    await routing.tick(0.2)
    [abandoned] = await routing.wait_events("contact.abandoned", 1)
    assert (abandoned.data["direction"], abandoned.data["attempt_id"]) == ("outbound", "att-2")
    assert abandoned.data["waited_ms"] == 2100


async def test_a_written_support_request_becomes_a_non_voice_contact(routing: Routing) -> None:
    await routing.deliver(SupportRequestOpened(request_id="req-1", customer_id="cust-1",
                                               reason="returns", language="de",
                                               opened_at=datetime.now(UTC)))
    [queued] = await routing.wait_events("contact.queued", 1)
    assert (queued.data["channel"], queued.data["queue_id"], queued.data["reason"],
            queued.data["language"]) == ("email", "support", "returns", "de")


async def test_an_erased_customer_leaves_ids_only(routing: Routing) -> None:
    await routing.deliver(CustomerRegistered(customer_id="cust-5", language="fr",
                                             registered_at=datetime.now(UTC)))
    await eventually(lambda: routing.runtime.routers[0].handled == 1, what="registered")
    contact = await routing.contact(customer_id="cust-5", attributes={"order": "A-17"})
    assert contact["language"] == "fr"
    await routing.deliver(CustomerErased(customer_id="cust-5", erased_at=datetime.now(UTC)))
    await eventually(lambda: routing.runtime.routers[0].handled == 2, what="erased")
    async with routing.runtime.db.session() as session:
        profile = await session.scalar(select(tables.customer_profiles.c.customer_id))
        row = (await session.execute(select(tables.contacts))).mappings().one()
    assert profile is None
    assert (row["customer_id"], row["attributes"], row["language"]) == ("cust-5", None, None)


async def test_a_long_wait_offers_a_callback_that_keeps_the_customers_place(
        routing: Routing) -> None:
    await routing.call("PUT", "/queues/support", expect=201, json={"callback_threshold_s": 60})
    await routing.agent("Dana", queues=["support"])
    await routing.contact()
    waiting = await routing.contact(customer_id="cust-3")
    assert waiting["callback_offered"] is True
    taken = await routing.call("POST", f"/contacts/{waiting['id']}/callback",
                               role="integration", expect=200, json={"phone": "+14155550100"})
    assert (taken.json()["status"], taken.json()["end_reason"]) == ("closed", "callback")
    [callback] = await routing.wait_events("callback.requested", 1)
    assert callback.data["phone"] == "+14155550100"
    assert callback.data["original_arrived_at"] == waiting["arrived_at"].replace("+00:00", "Z")
    [closed] = await routing.wait_events("contact.closed", 1)
    assert closed.data["reason"] == "callback"
