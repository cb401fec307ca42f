"""Contacts routing queues for a customer become that customer's history, exactly once."""

from __future__ import annotations

from typing import Any

from selfservice_harness import SelfService, contact_queued
from sqlalchemy import func, select

from ringway.selfservice import tables


async def history(selfservice: SelfService, customer_id: str) -> list[dict[str, Any]]:
    """The customer's contact history, read with its own token."""
    response = await selfservice.client.get(f"/customers/{customer_id}/contacts",
                                            headers=selfservice.customer(customer_id))
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()
    return rows


async def projected_rows(selfservice: SelfService) -> int:
    """Rows in the customer_contacts projection."""
    async with selfservice.runtime.db.session() as session:
        count = await session.scalar(select(func.count()).select_from(tables.customer_contacts))
    return int(count or 0)


async def test_a_queued_contact_joins_the_customers_history(selfservice: SelfService) -> None:
    customer = (await selfservice.register())["id"]

    await selfservice.deliver(contact_queued("01CONTACT00000000000000001", customer))
    await selfservice.wait_consumed(1)

    assert await history(selfservice, customer) == [{
        "contact_id": "01CONTACT00000000000000001", "channel": "chat",
        "queue_id": "support-en", "reason": "billing", "status": "queued",
        "arrived_at": "2026-11-23T09:30:00Z",
    }]


async def test_the_same_event_delivered_twice_is_applied_once(selfservice: SelfService) -> None:
    customer = (await selfservice.register())["id"]
    event = contact_queued("01CONTACT00000000000000001", customer)

    await selfservice.deliver(event)
    await selfservice.deliver(event)
    await selfservice.wait_consumed(2)

    assert selfservice.consumer.handled == 1
    assert selfservice.consumer.duplicates == 1
    assert len(await history(selfservice, customer)) == 1
    assert await projected_rows(selfservice) == 1


async def test_a_requeued_contact_updates_its_row(selfservice: SelfService) -> None:
    customer = (await selfservice.register())["id"]

    await selfservice.deliver(contact_queued("01CONTACT00000000000000001", customer))
    await selfservice.deliver(contact_queued("01CONTACT00000000000000001", customer,
                                             queue_id="specialists"))
    await selfservice.wait_consumed(2)

    [row] = await history(selfservice, customer)
    assert row["queue_id"] == "specialists"
    assert selfservice.consumer.handled == 2


async def test_contacts_without_a_customer_are_not_projected(selfservice: SelfService) -> None:
    await selfservice.deliver(contact_queued("01CONTACT00000000000000001", None))
    await selfservice.wait_consumed(1)

    assert await projected_rows(selfservice) == 0


async def test_customers_see_only_their_own_contacts(selfservice: SelfService) -> None:
    a = (await selfservice.register("a@example.com"))["id"]
    b = (await selfservice.register("b@example.com"))["id"]

    await selfservice.deliver(contact_queued("01CONTACT0000000000000000A", a))
    await selfservice.deliver(contact_queued("01CONTACT0000000000000000B", b))
    await selfservice.wait_consumed(2)

    assert [row["contact_id"] for row in await history(selfservice, a)] == [
        "01CONTACT0000000000000000A"]
    assert [row["contact_id"] for row in await history(selfservice, b)] == [
        "01CONTACT0000000000000000B"]
