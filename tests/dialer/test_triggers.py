"""Event-triggered enrolment: feedback after visits, follow-ups, callbacks; erasure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dialer_harness import Dialer, campaign, contacts, customer_registered, envelope
from sqlalchemy import func, select

from ringway.dialer import tables
from ringway.shared.contracts.callbacks import CallbackRequested
from ringway.shared.contracts.common import Channel, Direction
from ringway.shared.contracts.contacts import ContactCompleted
from ringway.shared.contracts.selfservice import CustomerErased, VisitCompleted

NOW = datetime.now(UTC)


def visit(customer_id: str) -> VisitCompleted:
    return VisitCompleted(visit_id="v-1", customer_id=customer_id, job_type="boiler",
                          completed_at=NOW)


def completed(customer_id: str | None, *, resolved: bool,
              direction: Direction = Direction.INBOUND) -> ContactCompleted:
    return ContactCompleted(contact_id="c-1", queue_id="q-support", channel=Channel.VOICE,
                            agent_id="a-1", completed_at=NOW, resolved=resolved,
                            customer_id=customer_id, reason="billing", direction=direction)


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


async def register(dialer: Dialer, customer_id: str, phone: str = "+14155550100") -> None:
    await dialer.deliver(customer_registered(customer_id, phone))


async def test_a_completed_visit_enrols_the_customer_for_feedback_after_the_delay(
        dialer: Dialer) -> None:
    feedback = await campaign(dialer, start=True, enrol_on=["visit.completed"],
                              purpose="feedback", settings={"enrol_delay_min": 120})
    await register(dialer, "cust-1")
    await dialer.deliver(envelope(visit("cust-1")))
    await dialer.wait_consumed(2)
    [contact] = (await contacts(dialer, feedback))["items"]
    assert contact["customer_id"] == "cust-1"
    assert contact["phone"] == "+14155550100"
    assert contact["trigger"] == "visit.completed"
    assert contact["attributes"] == {"visit_id": "v-1", "job_type": "boiler"}
    assert contact["zones"] == ["America/Los_Angeles"]
    due = parse(contact["next_attempt_at"]) - parse(contact["enrolled_at"])
    assert due == timedelta(minutes=120)


async def test_a_visit_of_a_customer_the_dialer_never_saw_enrols_nobody(dialer: Dialer) -> None:
    feedback = await campaign(dialer, start=True, enrol_on=["visit.completed"],
                              purpose="feedback")
    await dialer.deliver(envelope(visit("stranger")))
    await dialer.wait_consumed(1)
    assert (await contacts(dialer, feedback))["total"] == 0


async def test_an_unresolved_inbound_contact_enrols_a_follow_up(dialer: Dialer) -> None:
    follow_up = await campaign(dialer, start=True, enrol_on=["contact.completed"],
                               purpose="follow_up")
    await register(dialer, "cust-2", "+12125550100")
    await register(dialer, "cust-3", "+12125550101")
    await register(dialer, "cust-4", "+12125550102")
    await dialer.wait_consumed(3)  # other topics are not ordered after these registrations
    await dialer.deliver(envelope(completed("cust-2", resolved=False), "routing"))
    await dialer.deliver(envelope(completed("cust-3", resolved=True), "routing"))
    await dialer.deliver(envelope(completed("cust-4", resolved=False,
                                            direction=Direction.OUTBOUND), "routing"))
    await dialer.wait_consumed(6)
    [contact] = (await contacts(dialer, follow_up))["items"]
    assert contact["customer_id"] == "cust-2"
    assert contact["attributes"] == {"contact_id": "c-1", "reason": "billing"}


async def test_a_callback_is_top_priority_and_keeps_the_customers_place(dialer: Dialer) -> None:
    callbacks = await campaign(dialer, start=True, enrol_on=["callback.requested"],
                               purpose="callback")
    arrived = NOW - timedelta(minutes=7)
    later = NOW + timedelta(hours=3)
    await dialer.deliver(envelope(CallbackRequested(
        callback_id="cb-1", customer_id="cust-5", phone="+442079460958", queue_id="q-billing",
        original_arrived_at=arrived), "routing"))
    await dialer.deliver(envelope(CallbackRequested(
        callback_id="cb-2", phone="+33612345678", requested_for=later), "selfservice"))
    await dialer.wait_consumed(2)
    items = (await contacts(dialer, callbacks))["items"]
    first, second = sorted(items, key=lambda c: c["attributes"]["callback_id"])
    assert first["priority"] == second["priority"] == 100
    assert parse(first["next_attempt_at"]) == arrived
    assert first["attributes"] == {"callback_id": "cb-1", "queue_id": "q-billing"}
    assert first["zones"] == ["Europe/London"]
    assert parse(second["next_attempt_at"]) == later
    assert second["region"] == "FR"


async def test_an_erased_customer_leaves_no_number_in_the_dialer(dialer: Dialer) -> None:
    welcome = await campaign(dialer, start=True)
    feedback = await campaign(dialer, start=True, enrol_on=["visit.completed"],
                              purpose="feedback")
    await register(dialer, "cust-6")
    await register(dialer, "cust-7", "+12125550100")
    await dialer.deliver(envelope(CustomerErased(customer_id="cust-6", erased_at=NOW)))
    await dialer.deliver(envelope(visit("cust-6")))
    await dialer.wait_consumed(4)
    assert [c["customer_id"] for c in (await contacts(dialer, welcome))["items"]] == ["cust-7"]
    assert (await contacts(dialer, feedback))["total"] == 0
    async with dialer.runtime.db.session() as session:
        directory = await session.scalar(select(func.count()).select_from(
            tables.customer_directory).where(tables.customer_directory.c.phone == "+14155550100"))
    assert directory == 0
