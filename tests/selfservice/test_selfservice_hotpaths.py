"""The hot paths on PostgreSQL: grouped account reads and payments, each answered alone."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from selfservice_harness import SelfService, assert_problem, eventually, running_selfservice
from sqlalchemy import func, select

from ringway.selfservice import tables
from ringway.selfservice.account_batch import AccountRead, Figures
from ringway.selfservice.groupcommit import GroupCommit
from ringway.selfservice.hotpaths import HotPaths
from ringway.selfservice.idempotency import StoredResponse
from ringway.selfservice.payment_batch import Reservation, Settlement
from ringway.selfservice.payments_schemas import PaymentRead

pytestmark = pytest.mark.postgres


def hot_paths(selfservice: SelfService) -> HotPaths:
    """The app's hot-path middleware (built with the middleware stack on the first request)."""
    if selfservice.app.middleware_stack is None:
        selfservice.app.middleware_stack = selfservice.app.build_middleware_stack()
    layer = selfservice.app.middleware_stack
    while not isinstance(layer, HotPaths):
        layer = layer.app  # type: ignore[union-attr]
    return layer


def count_items(group: GroupCommit[Any, Any]) -> list[int]:
    """A running total of the requests `group` wrote in batches (one-element list)."""
    written, write = [0], group._write

    async def counting(items: Sequence[Any]) -> Sequence[Any]:
        written[0] += len(items)
        return await write(items)

    group._write = counting
    return written


async def audit_rows(selfservice: SelfService, customer_id: str) -> int:
    async with selfservice.runtime.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(tables.audit_log).where(
            tables.audit_log.c.customer_id == customer_id,
            tables.audit_log.c.resource == "account")) or 0)


async def test_parallel_reads_of_several_customers_each_get_their_own_figures_audited_once(
        pg_selfservice: SelfService) -> None:
    customers = [(await pg_selfservice.register(f"c{i}@example.com"))["id"] for i in range(3)]
    for i, customer in enumerate(customers):
        await pg_selfservice.invoice(customer, 1000 * (i + 1))
    reads = [customers[n % 3] for n in range(30)]
    grouped = count_items(hot_paths(pg_selfservice).accounts.group)

    answers = await asyncio.gather(*(pg_selfservice.client.get(
        f"/customers/{c}/account", headers=pg_selfservice.customer(c)) for c in reads))

    assert [a.status_code for a in answers] == [200] * 30
    assert [(a.json()["customer_id"], a.json()["balance_cents"]) for a in answers] == [
        (c, 1000 * (customers.index(c) + 1)) for c in reads]
    assert all(a.headers["x-request-id"] for a in answers)
    assert [await audit_rows(pg_selfservice, c) for c in customers] == [10, 10, 10]
    assert grouped == [30]  # every read took the grouped hot path
    await pg_selfservice.wait_events("selfservice.action_completed", 3 + 30)
    await eventually(pg_selfservice.outbox_empty, what="every event relayed")
    await asyncio.sleep(0.1)  # delivered to the observer, too
    viewed = [e.subject for e in pg_selfservice.events("selfservice.action_completed")
              if e.data["action"] == "account_viewed"]
    assert sorted(viewed) == sorted(reads)


async def test_unknown_and_foreign_ids_in_a_busy_batch_are_404_and_write_nothing(
        pg_selfservice: SelfService) -> None:
    own, other = [(await pg_selfservice.register(f"c{i}@example.com"))["id"] for i in range(2)]
    unknown = "01ZZZZZZZZZZZZZZZZZZZZZZZZ"
    admin = pg_selfservice.admin()
    calls = [(own, pg_selfservice.customer(own)), (unknown, admin), (other, admin),
             (other, pg_selfservice.customer(own)), (own, {})]

    answers = await asyncio.gather(*(pg_selfservice.client.get(
        f"/customers/{c}/account", headers=h) for c, h in calls))

    assert [a.status_code for a in answers] == [200, 404, 200, 404, 401]
    assert_problem(answers[1], 404, "not-found")
    assert_problem(answers[3], 404, "not-found")
    assert (await audit_rows(pg_selfservice, own), await audit_rows(pg_selfservice, other),
            await audit_rows(pg_selfservice, unknown)) == (1, 1, 0)


async def test_a_failing_grouped_statement_leaves_each_read_to_its_route(
        pg_selfservice: SelfService) -> None:
    customer = (await pg_selfservice.register())["id"]
    await pg_selfservice.invoice(customer, 700)
    group = hot_paths(pg_selfservice).accounts.group

    async def broken(reads: Sequence[AccountRead]) -> list[Figures]:
        raise ConnectionError("the grouped statement's connection broke")

    group._write = broken  # storage failure of the batch: each read reruns alone
    answers = await asyncio.gather(*(pg_selfservice.client.get(
        f"/customers/{customer}/account", headers=pg_selfservice.customer(customer))
        for _ in range(5)))

    assert [(a.status_code, a.json()["balance_cents"]) for a in answers] == [(200, 700)] * 5
    assert await audit_rows(pg_selfservice, customer) == 5


async def test_hot_path_requests_are_counted_under_their_route_in_the_metrics(
        pg_selfservice: SelfService) -> None:
    customer = (await pg_selfservice.register())["id"]
    await pg_selfservice.client.get(f"/customers/{customer}/account",
                                    headers=pg_selfservice.customer(customer))

    metrics = await pg_selfservice.client.get("/metrics", headers=pg_selfservice.admin())

    assert ('http_requests_total{method="GET",route="/customers/{customer_id}/account",'
            'status="200"} 1.0') in metrics.text


async def count(selfservice: SelfService, table: Any) -> int:
    async with selfservice.runtime.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def test_parallel_payments_of_several_customers_never_pay_more_than_each_owes(
        pg_selfservice: SelfService) -> None:
    customers = [(await pg_selfservice.register(f"c{i}@example.com"))["id"] for i in range(3)]
    for customer in customers:
        await pg_selfservice.invoice(customer, 3000)
    # The same key for each customer: keys belong to one customer.
    asks = [(c, f"key-{n}") for n in range(6) for c in customers]
    reserved = count_items(hot_paths(pg_selfservice).payments.reservations)

    answers = await asyncio.gather(*(pg_selfservice.pay(c, key, amount_cents=1000)
                                     for c, key in asks))

    by_customer = {c: sorted(a.status_code for (who, _), a in zip(asks, answers, strict=True)
                             if who == c) for c in customers}
    assert by_customer == {c: [201] * 3 + [409] * 3 for c in customers}
    for customer in customers:
        account = (await pg_selfservice.client.get(
            f"/customers/{customer}/account", headers=pg_selfservice.customer(customer))).json()
        assert (account["balance_cents"], account["pending_cents"]) == (0, 0)
    assert len(pg_selfservice.provider.charges) == 9
    assert reserved == [18]  # every payment was decided in a grouped reservation


async def test_a_refused_payment_in_a_batch_keeps_no_key_and_the_others_are_booked(
        pg_selfservice: SelfService) -> None:
    owing, erased = [(await pg_selfservice.register(f"c{i}@example.com"))["id"]
                     for i in range(2)]
    await pg_selfservice.invoice(owing, 3000)
    gone = await pg_selfservice.client.delete(f"/customers/{erased}",
                                              headers=pg_selfservice.customer(erased))
    assert gone.status_code == 204

    answers = await asyncio.gather(
        pg_selfservice.pay(owing, "a", amount_cents=1000),
        pg_selfservice.pay(erased, "b", amount_cents=1000),
        pg_selfservice.pay(owing, "c", invoice_id="01ZZZZZZZZZZZZZZZZZZZZZZZZ"),
        pg_selfservice.pay(owing, "d", amount_cents=1000))

    assert [a.status_code for a in answers] == [201, 404, 404, 201]
    async with pg_selfservice.runtime.db.session() as session:
        keys = (await session.execute(select(tables.idempotency_keys.c.key).order_by(
            tables.idempotency_keys.c.key))).scalars().all()
    assert keys == ["a", "d"]
    assert await count(pg_selfservice, tables.payments) == 2


async def test_a_failing_reservation_batch_leaves_each_payment_to_its_route(
        pg_selfservice: SelfService) -> None:
    customer = (await pg_selfservice.register())["id"]
    await pg_selfservice.invoice(customer, 3000)
    payments = hot_paths(pg_selfservice).payments

    async def broken(asks: Sequence[Reservation]) -> list[PaymentRead | None]:
        raise ConnectionError("the reservation's connection broke")

    payments.reservations._write = broken
    answers = await asyncio.gather(*(pg_selfservice.pay(customer, f"k{n}", amount_cents=1000)
                                     for n in range(4)))

    assert sorted(a.status_code for a in answers) == [201] * 3 + [409]
    assert len(pg_selfservice.provider.charges) == 3
    assert await count(pg_selfservice, tables.ledger_entries) == 4  # the invoice and 3 paid


async def test_a_failing_settlement_batch_settles_each_payment_alone_once(
        pg_selfservice: SelfService) -> None:
    customer = (await pg_selfservice.register())["id"]
    await pg_selfservice.invoice(customer, 3000)
    payments = hot_paths(pg_selfservice).payments

    async def broken(settled: Sequence[Settlement]) -> list[StoredResponse]:
        raise ConnectionError("the settlement's connection broke")

    payments.settlements._write = broken
    answers = await asyncio.gather(*(pg_selfservice.pay(customer, f"k{n}", amount_cents=1000)
                                     for n in range(3)))
    again = await pg_selfservice.pay(customer, "k0", amount_cents=1000)

    assert [a.status_code for a in answers] == [201] * 3
    assert (again.status_code, again.headers["idempotent-replayed"]) == (201, "true")
    assert again.json() == answers[0].json()
    assert await count(pg_selfservice, tables.ledger_entries) == 4
    async with pg_selfservice.runtime.db.session() as session:
        audited = await session.scalar(select(func.count()).select_from(tables.audit_log).where(
            tables.audit_log.c.action == "pay"))
    assert audited == 3


async def test_two_replicas_paying_for_the_same_customers_never_pay_more_than_is_owed(
        pg_selfservice: SelfService, tmp_path: Path, pg_url: str) -> None:
    customers = [(await pg_selfservice.register(f"c{i}@example.com"))["id"] for i in range(2)]
    for customer in customers:
        await pg_selfservice.invoice(customer, 5000)
    async with running_selfservice(tmp_path / "replica", pg_url) as replica:
        # Each replica groups its own payments; only the database's locks order the two.
        replicas = [pg_selfservice, replica]
        asks = [(replicas[n % 2], customers[n % 4 // 2], f"key-{n}") for n in range(24)]
        answers = await asyncio.gather(*(app.pay(customer, key, amount_cents=1000)
                                         for app, customer, key in asks))

    for customer in customers:
        codes = sorted(a.status_code for (_, c, _), a in zip(asks, answers, strict=True)
                       if c == customer)
        assert codes == [201] * 5 + [409] * 7
        account = (await pg_selfservice.client.get(
            f"/customers/{customer}/account", headers=pg_selfservice.customer(customer))).json()
        assert (account["balance_cents"], account["pending_cents"]) == (0, 0)
