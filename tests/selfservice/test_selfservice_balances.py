"""Each customer's balance row (kept by a trigger on the ledger) equals the sum of its entries."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from selfservice_harness import SelfService
from sqlalchemy import func, insert, select

from ringway.selfservice import tables
from ringway.selfservice.app import MIGRATIONS
from ringway.shared.db.engine import Database
from ringway.shared.db.migrations import upgrade


async def ledger_sums(db: Database) -> dict[str, int]:
    e = tables.ledger_entries
    async with db.session() as session:
        rows = await session.execute(
            select(e.c.customer_id, func.sum(e.c.amount_cents)).group_by(e.c.customer_id))
    return {customer: int(total) for customer, total in rows}


async def balances(db: Database) -> dict[str, int]:
    b = tables.ledger_balances
    async with db.session() as session:
        rows = await session.execute(select(b.c.customer_id, b.c.balance_cents))
    return {customer: int(total) for customer, total in rows}


async def pay_in_parallel(selfservice: SelfService, customers: list[str]) -> None:
    answers = await asyncio.gather(*(
        selfservice.pay(customer, f"k{n}", amount_cents=1000)
        for customer in customers for n in range(3)))
    assert [a.status_code for a in answers] == [201] * len(answers)


@pytest.mark.postgres
async def test_grouped_payments_of_several_customers_keep_each_balance_equal_to_its_ledger(
        pg_selfservice: SelfService) -> None:
    customers = [(await pg_selfservice.register(f"c{i}@example.com"))["id"] for i in range(3)]
    for customer in customers:
        await pg_selfservice.invoice(customer, 5000)

    await pay_in_parallel(pg_selfservice, customers)
    read = await pg_selfservice.client.get(f"/customers/{customers[1]}/account",
                                           headers=pg_selfservice.customer(customers[1]))

    db = pg_selfservice.runtime.db
    assert await balances(db) == await ledger_sums(db) == {c: 2000 for c in customers}
    assert read.json()["balance_cents"] == 2000


async def test_on_sqlite_invoices_and_payments_keep_each_balance_equal_to_its_ledger(
        selfservice: SelfService) -> None:
    customers = [(await selfservice.register(f"c{i}@example.com"))["id"] for i in range(2)]
    for customer in customers:
        await selfservice.invoice(customer, 5000)
        await selfservice.invoice(customer, 700)

    await pay_in_parallel(selfservice, customers)

    db = selfservice.runtime.db
    assert await balances(db) == await ledger_sums(db) == {c: 2700 for c in customers}


@pytest.mark.postgres
async def test_the_migration_fills_in_the_balances_of_entries_written_before_it(
        pg_url: str) -> None:
    db = Database(pg_url, schema="selfservice")
    at = datetime(2026, 11, 27, tzinfo=UTC)
    try:
        await upgrade(db, str(MIGRATIONS), "0011")
        async with db.session() as session, session.begin():
            await session.execute(insert(tables.ledger_entries), [
                {"id": f"L{n:025d}", "customer_id": customer, "kind": "invoice",
                 "amount_cents": amount, "reference_id": f"I{n:025d}", "at": at}
                for n, (customer, amount) in enumerate([("A", 500), ("A", -200), ("B", 90)])])
        await upgrade(db, str(MIGRATIONS))
        async with db.session() as session, session.begin():
            await session.execute(insert(tables.ledger_entries), [
                {"id": "L9", "customer_id": "A", "kind": "invoice", "amount_cents": 1000,
                 "reference_id": "I9", "at": at}])

        assert await balances(db) == await ledger_sums(db) == {"A": 1300, "B": 90}
    finally:
        await db.dispose()
