"""The dialer enrols newly registered customers into running welcome campaigns, once."""

from __future__ import annotations

import asyncio

from dialer_harness import ENROLLED, Dialer, campaign, contacts, customer_registered


async def test_a_registered_customer_joins_only_running_welcome_campaigns(dialer: Dialer) -> None:
    welcome = await campaign(dialer, start=True)
    draft = await campaign(dialer, start=False)
    unrelated = await campaign(dialer, start=True, enrol_on=["visit.completed"],
                               purpose="feedback")
    await dialer.deliver(customer_registered("cust-1", "+1 415 555 0100"))
    await dialer.wait_consumed(1)

    page = await contacts(dialer, welcome)
    [contact] = page["items"]
    assert contact["customer_id"] == "cust-1"
    assert contact["phone"] == "+14155550100"
    assert contact["trigger"] == "customer.registered"
    assert contact["status"] == "pending"
    assert (await contacts(dialer, draft))["total"] == 0
    assert (await contacts(dialer, unrelated))["total"] == 0

    [event] = await dialer.wait_events(ENROLLED, 1)
    assert event.subject == welcome
    assert event.data["campaign_contact_id"] == contact["id"]
    assert event.data["customer_id"] == "cust-1"
    assert event.data["trigger"] == "customer.registered"


async def test_every_running_campaign_listening_enrols_the_customer(dialer: Dialer) -> None:
    first = await campaign(dialer, start=True)
    second = await campaign(dialer, start=True, purpose="sales")
    await dialer.deliver(customer_registered("cust-2", "+442079460958"))
    await dialer.wait_consumed(1)
    events = await dialer.wait_events(ENROLLED, 2)
    assert sorted(e.subject for e in events) == sorted([first, second])


async def test_the_same_event_delivered_twice_enrols_once(dialer: Dialer) -> None:
    welcome = await campaign(dialer, start=True)
    envelope = customer_registered("cust-3", "+14155550100")
    await dialer.deliver(envelope)
    await dialer.deliver(envelope)
    await dialer.wait_consumed(2)

    assert (dialer.consumer.handled, dialer.consumer.duplicates) == (1, 1)
    assert (await contacts(dialer, welcome))["total"] == 1
    assert await dialer.outbox_count(ENROLLED) == 1
    await dialer.wait_events(ENROLLED, 1)
    await asyncio.sleep(0.1)  # a second event, if one were relayed, would show by now
    assert len(dialer.events(ENROLLED)) == 1


async def test_a_second_registration_event_does_not_enrol_again(dialer: Dialer) -> None:
    welcome = await campaign(dialer, start=True)
    await dialer.deliver(customer_registered("cust-4", "+14155550100"))
    await dialer.deliver(customer_registered("cust-4", "+14155550199"))
    await dialer.wait_consumed(2)

    # Two distinct events pass the inbox; the unique (campaign, customer) pair stops the second.
    assert (dialer.consumer.handled, dialer.consumer.duplicates) == (2, 0)
    page = await contacts(dialer, welcome)
    assert [c["phone"] for c in page["items"]] == ["+14155550100"]
    assert await dialer.outbox_count(ENROLLED) == 1
    assert dialer.bus.pending("selfservice.dlq") == 0


async def test_customers_without_a_callable_phone_are_skipped(dialer: Dialer) -> None:
    welcome = await campaign(dialer, start=True)
    await dialer.deliver(customer_registered("cust-5", None))
    await dialer.deliver(customer_registered("cust-6", "0044 20 7946 0958"))
    await dialer.wait_consumed(2)

    assert dialer.consumer.handled == 2
    assert (await contacts(dialer, welcome))["total"] == 0
    assert await dialer.outbox_count(ENROLLED) == 0
    assert dialer.bus.pending("selfservice.dlq") == 0


async def test_contacts_page_in_enrolment_order(dialer: Dialer) -> None:
    welcome = await campaign(dialer, start=True)
    for number in range(5):
        await dialer.deliver(customer_registered(f"cust-{number}", f"+1415555010{number}"))
    await dialer.wait_consumed(5)

    everyone = await contacts(dialer, welcome, limit=500)
    first = await contacts(dialer, welcome, limit=2)
    rest = await contacts(dialer, welcome, limit=2, offset=2)
    last = await contacts(dialer, welcome, limit=2, offset=4)
    assert everyone["total"] == first["total"] == 5
    assert [len(p["items"]) for p in (first, rest, last)] == [2, 2, 1]
    assert first["items"] + rest["items"] + last["items"] == everyone["items"]
    enrolled = [c["enrolled_at"] for c in everyone["items"]]
    assert enrolled == sorted(enrolled)
    assert {c["customer_id"] for c in everyone["items"]} == {f"cust-{n}" for n in range(5)}
