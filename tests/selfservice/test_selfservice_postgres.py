"""Concurrency on real PostgreSQL: parallel retries charge once, the ledger stays consistent."""

from __future__ import annotations

import asyncio

import pytest
from selfservice_harness import SelfService, eventually
from sqlalchemy import select

from ringway.selfservice import tables

pytestmark = pytest.mark.postgres


async def test_twenty_parallel_retries_of_one_payment_charge_once(
        pg_selfservice: SelfService) -> None:
    customer = (await pg_selfservice.register())["id"]
    await pg_selfservice.invoice(customer, 5000)

    answers = await asyncio.gather(*(pg_selfservice.pay(customer, "same-key")
                                     for _ in range(20)))

    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1
    assert len(pg_selfservice.provider.charges) == 1
    account = (await pg_selfservice.client.get(
        f"/customers/{customer}/account", headers=pg_selfservice.customer(customer))).json()
    assert account["balance_cents"] == 0


async def test_parallel_payments_with_different_keys_never_pay_more_than_is_owed(
        pg_selfservice: SelfService) -> None:
    customer = (await pg_selfservice.register())["id"]
    await pg_selfservice.invoice(customer, 3000)

    answers = await asyncio.gather(*(pg_selfservice.pay(customer, f"key-{i}", amount_cents=1000)
                                     for i in range(10)))

    assert sorted(a.status_code for a in answers) == [201] * 3 + [409] * 7
    assert pg_selfservice.provider.approved == 3
    ledger = (await pg_selfservice.client.get(
        f"/customers/{customer}/ledger", headers=pg_selfservice.customer(customer))).json()
    assert sum(e["amount_cents"] for e in ledger) == 0


async def test_parallel_orders_for_the_last_items_never_oversell(
        pg_selfservice: SelfService) -> None:
    await pg_selfservice.product("X200", stock=5)
    await pg_selfservice.product("F-1", stock=100)
    customers = [(await pg_selfservice.register(f"c{i}@example.com"))["id"] for i in range(4)]

    answers = await asyncio.gather(*(
        pg_selfservice.order(customers[i % 4], ("F-1", 1), ("X200", 1)) for i in range(30)))

    assert sorted(a.status_code for a in answers) == [201] * 5 + [409] * 25
    products = (await pg_selfservice.client.get(
        "/catalogue/products", headers=pg_selfservice.customer(customers[0]))).json()
    assert {p["sku"]: p["stock"] for p in products} == {"X200": 0, "F-1": 95}


async def test_fifty_parallel_bookings_of_the_last_place_make_exactly_one_visit(
        pg_selfservice: SelfService) -> None:
    slot = await pg_selfservice.slot(capacity=1)
    customers = [(await pg_selfservice.register(f"v{i}@example.com"))["id"] for i in range(5)]

    answers = await asyncio.gather(*(pg_selfservice.book(customers[i % 5], slot)
                                     for i in range(50)))

    assert sorted(a.status_code for a in answers) == [201] + [409] * 49
    visits = [v for c in customers for v in (await pg_selfservice.client.get(
        f"/customers/{c}/visits", headers=pg_selfservice.customer(c))).json()]
    assert [v["slot_id"] for v in visits] == [slot]


async def test_parallel_payments_of_one_invoice_pay_it_once(pg_selfservice: SelfService) -> None:
    customer = (await pg_selfservice.register())["id"]
    invoice = await pg_selfservice.invoice(customer, 4000)
    await pg_selfservice.invoice(customer, 9000)  # more is owed than the invoice

    answers = await asyncio.gather(*(pg_selfservice.pay(customer, f"inv-{i}",
                                                        invoice_id=invoice["id"])
                                     for i in range(10)))

    assert sorted(a.status_code for a in answers) == [201] + [409] * 9
    assert pg_selfservice.provider.approved == 1
    account = (await pg_selfservice.client.get(
        f"/customers/{customer}/account", headers=pg_selfservice.customer(customer))).json()
    assert (account["balance_cents"], account["open_invoices"]) == (9000, 1)


async def test_an_account_read_on_postgres_is_audited_and_a_customers_read_is_an_action(
        pg_selfservice: SelfService) -> None:
    customer = (await pg_selfservice.register())["id"]
    await pg_selfservice.invoice(customer, 5000)
    unknown = "01ZZZZZZZZZZZZZZZZZZZZZZZZ"

    mine = await pg_selfservice.client.get(f"/customers/{customer}/account",
                                           headers=pg_selfservice.customer(customer))
    staff = await pg_selfservice.client.get(f"/customers/{customer}/account",
                                            headers=pg_selfservice.admin())
    missing = await pg_selfservice.client.get(f"/customers/{unknown}/account",
                                              headers=pg_selfservice.admin())

    assert (mine.status_code, staff.status_code, missing.status_code) == (200, 200, 404)
    assert mine.json() == staff.json()
    assert mine.json()["balance_cents"] == 5000
    assert mine.json()["open_invoices"] == 1
    async with pg_selfservice.runtime.db.session() as session:
        audited = (await session.execute(
            select(tables.audit_log.c.customer_id, tables.audit_log.c.roles)
            .where(tables.audit_log.c.resource == "account")
            .order_by(tables.audit_log.c.id))).all()
    assert [(row.customer_id, row.roles) for row in audited] == [
        (customer, "customer"), (customer, "admin")]
    await pg_selfservice.wait_events("selfservice.action_completed", 2)  # register, viewed
    await eventually(pg_selfservice.outbox_empty, what="every event relayed")
    await asyncio.sleep(0.1)  # delivered to the observer, too
    viewed = [e for e in pg_selfservice.events("selfservice.action_completed")
              if e.data["action"] == "account_viewed"]
    assert [(e.subject, e.data["outcome"]) for e in viewed] == [(customer, "succeeded")]


async def test_a_settled_invoice_payment_on_postgres_writes_every_record_once(
        pg_selfservice: SelfService) -> None:
    customer = (await pg_selfservice.register())["id"]
    invoice = (await pg_selfservice.invoice(customer, 4000))["id"]

    paid = await pg_selfservice.pay(customer, "settle-1", invoice_id=invoice)
    again = await pg_selfservice.pay(customer, "settle-1", invoice_id=invoice)

    assert (paid.status_code, again.status_code) == (201, 201)
    assert again.json() == paid.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    payment = paid.json()["id"]
    async with pg_selfservice.runtime.db.session() as session:
        stored = (await session.execute(select(tables.payments).where(
            tables.payments.c.id == payment))).mappings().one()
        billed = (await session.execute(select(tables.invoices).where(
            tables.invoices.c.id == invoice))).mappings().one()
        entries = (await session.execute(select(tables.ledger_entries.c.amount_cents).where(
            tables.ledger_entries.c.reference_id == payment))).scalars().all()
        audited = (await session.execute(select(tables.audit_log.c.action).where(
            tables.audit_log.c.resource_id == payment))).scalars().all()
    assert (stored["status"], stored["invoice_id"], stored["decided_at"] is not None) == (
        "approved", invoice, True)
    assert (billed["status"], billed["payment_id"]) == ("paid", payment)
    assert entries == [-4000]
    assert audited == ["pay"]
    await eventually(pg_selfservice.outbox_empty, what="every event relayed")
    await asyncio.sleep(0.1)  # delivered to the observer, too
    paid_events = [e for e in pg_selfservice.events("selfservice.action_completed")
                   if e.data["action"] == "payment"]
    assert [(e.subject, e.data["outcome"]) for e in paid_events] == [(customer, "succeeded")]
