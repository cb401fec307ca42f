"""The account read's hot path on PostgreSQL: grouped reads, each answered, audited once."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest
from selfservice_harness import SelfService, assert_problem, eventually
from sqlalchemy import func, select

from ringway.selfservice import tables
from ringway.selfservice.account_batch import AccountRead, Figures
from ringway.selfservice.hotpaths import HotPaths

pytestmark = pytest.mark.postgres


def hot_paths(selfservice: SelfService) -> HotPaths:
    """The app's hot-path middleware (built with the middleware stack on the first request)."""
    layer = selfservice.app.middleware_stack
    while not isinstance(layer, HotPaths):
        layer = layer.app  # type: ignore[union-attr]
    return layer


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

    answers = await asyncio.gather(*(pg_selfservice.client.get(
        f"/customers/{c}/account", headers=pg_selfservice.customer(c)) for c in reads))

    assert [a.status_code for a in answers] == [200] * 30
    assert [(a.json()["customer_id"], a.json()["balance_cents"]) for a in answers] == [
        (c, 1000 * (customers.index(c) + 1)) for c in reads]
    assert all(a.headers["x-request-id"] for a in answers)
    assert [await audit_rows(pg_selfservice, c) for c in customers] == [10, 10, 10]
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
    await pg_selfservice.client.get("/healthz")  # builds the middleware stack
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
