"""Concurrency on real PostgreSQL: parallel retries charge once, the ledger stays consistent."""

from __future__ import annotations

import asyncio

import pytest
from selfservice_harness import SelfService

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
