"""Payments: a token through the provider port, once per Idempotency-Key, never card data."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from selfservice_harness import SelfService, assert_problem, eventually, running_selfservice
from sqlalchemy import func, select

from ringway.selfservice import tables


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def selfservice(request: pytest.FixtureRequest,
                      tmp_path: Path) -> AsyncIterator[SelfService]:
    """Self-service on SQLite, and on PostgreSQL, where payments and account reads take the
    grouped hot paths: every rule here holds on both."""
    url = (request.getfixturevalue("pg_url") if request.param == "postgres"
           else f"sqlite+aiosqlite:///{tmp_path / 'selfservice.db'}")
    async with running_selfservice(tmp_path, url) as harness:
        yield harness


@pytest.fixture
async def owing(selfservice: SelfService) -> str:
    """A customer who owes 50.00 on one invoice."""
    customer = await selfservice.register()
    await selfservice.invoice(customer["id"], 5000)
    return str(customer["id"])


async def account(selfservice: SelfService, customer_id: str) -> dict[str, Any]:
    response = await selfservice.client.get(f"/customers/{customer_id}/account",
                                            headers=selfservice.customer(customer_id))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def ledger_count(selfservice: SelfService) -> int:
    async with selfservice.runtime.db.session() as session:
        return int(await session.scalar(
            select(func.count()).select_from(tables.ledger_entries)) or 0)


async def test_paying_the_balance_books_it_and_the_account_shows_zero(
        selfservice: SelfService, owing: str) -> None:
    response = await selfservice.pay(owing, "key-1")

    assert response.status_code == 201, response.text
    payment = response.json()
    assert (payment["status"], payment["amount_cents"], payment["currency"]) == (
        "approved", 5000, "EUR")
    assert (await account(selfservice, owing))["balance_cents"] == 0
    ledger = (await selfservice.client.get(f"/customers/{owing}/ledger",
                                           headers=selfservice.customer(owing))).json()
    assert sorted(e["amount_cents"] for e in ledger) == [-5000, 5000]
    assert selfservice.provider.approved == 1


async def test_paying_an_invoice_marks_it_paid_and_a_second_payment_has_nothing_to_pay(
        selfservice: SelfService, owing: str) -> None:
    [invoice] = (await selfservice.client.get(f"/customers/{owing}/invoices",
                                              headers=selfservice.customer(owing))).json()

    paid = await selfservice.pay(owing, "key-1", invoice_id=invoice["id"])
    again = await selfservice.pay(owing, "key-2", invoice_id=invoice["id"])

    assert paid.status_code == 201, paid.text
    assert_problem(again, 409, "nothing-to-pay")
    [invoice] = (await selfservice.client.get(f"/customers/{owing}/invoices",
                                              headers=selfservice.customer(owing))).json()
    assert (invoice["status"], invoice["payment_id"]) == ("paid", paid.json()["id"])


async def test_the_same_key_and_body_return_the_first_answer_without_a_second_charge(
        selfservice: SelfService, owing: str) -> None:
    first = await selfservice.pay(owing, "key-1", amount_cents=1000)
    retry = await selfservice.pay(owing, "key-1", amount_cents=1000)

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert len(selfservice.provider.charges) == 1
    assert (await account(selfservice, owing))["balance_cents"] == 4000


async def test_the_same_key_with_another_body_is_a_conflict_and_charges_nothing(
        selfservice: SelfService, owing: str) -> None:
    await selfservice.pay(owing, "key-1", amount_cents=1000)

    reused = await selfservice.pay(owing, "key-1", amount_cents=2000)

    assert_problem(reused, 409, "idempotency-key-reused")
    assert len(selfservice.provider.charges) == 1
    assert await ledger_count(selfservice) == 2


async def test_a_decline_is_a_402_remembered_for_the_key_and_books_nothing(
        selfservice: SelfService, owing: str) -> None:
    declined = await selfservice.pay(owing, "key-1", payment_method_token="pm_decline_0002")
    retry = await selfservice.pay(owing, "key-1", payment_method_token="pm_decline_0002")

    body = assert_problem(declined, 402, "payment-declined")
    assert body["payment"]["status"] == "declined"
    assert retry.json() == body
    assert (await account(selfservice, owing))["balance_cents"] == 5000
    actions = await selfservice.wait_events("selfservice.action_completed", 2)
    assert [a.data["outcome"] for a in actions if a.data["action"] == "payment"] == ["failed"]


async def test_a_provider_timeout_is_a_504_and_the_balance_is_still_due(
        selfservice: SelfService, owing: str) -> None:
    response = await selfservice.pay(owing, "key-1", payment_method_token="pm_timeout_1")

    body = assert_problem(response, 504, "provider-timeout")
    assert body["payment"]["status"] == "timed_out"
    account_now = await account(selfservice, owing)
    assert (account_now["balance_cents"], account_now["pending_cents"]) == (5000, 0)


async def test_paying_more_than_is_owed_or_when_nothing_is_owed_is_refused(
        selfservice: SelfService, owing: str) -> None:
    too_much = await selfservice.pay(owing, "key-1", amount_cents=5001)
    await selfservice.pay(owing, "key-2")
    nothing = await selfservice.pay(owing, "key-3")

    assert_problem(too_much, 409, "nothing-to-pay")
    assert_problem(nothing, 409, "nothing-to-pay")
    # A refused request frees its key: the customer may retry it once something is due.
    await selfservice.invoice(owing, 700)
    assert (await selfservice.pay(owing, "key-1", amount_cents=5001)).status_code == 409
    assert (await selfservice.pay(owing, "key-3")).status_code == 201


@pytest.mark.parametrize("payload", [
    {"payment_method_token": "pm_visa_4242", "note": "4111 1111 1111 1111"},
    {"payment_method_token": "pm_visa_4242", "card_number": "x"},
    {"payment_method_token": "pm_visa_4242", "cvv": "123"},
    {"payment_method_token": "pm_visa_4242", "nested": {"CVC": "123"}},
    {"payment_method_token": "4111-1111-1111-1111"},
    {"payment_method_token": "pm_visa_4242", "amount_cents": 4012888888881881},
])
async def test_a_payload_carrying_card_data_is_rejected_without_echoing_it(
        selfservice: SelfService, owing: str, payload: dict[str, Any]) -> None:
    response = await selfservice.client.post(
        f"/customers/{owing}/payments", json=payload,
        headers={**selfservice.customer(owing), "Idempotency-Key": "k"})

    body = assert_problem(response, 422, "card-data-rejected")
    # The path and the request id are random ULIDs that may hold "123" by chance; the rest is
    # what could echo the payload.
    assert body.pop("instance") == f"/customers/{owing}/payments"
    body.pop("request_id", None)
    for digits in ("4111", "4012888888881881", "123"):
        assert digits not in json.dumps(body)
    assert selfservice.provider.charges == {}


async def test_a_long_number_that_fails_luhn_is_not_mistaken_for_a_card(
        selfservice: SelfService, owing: str) -> None:
    response = await selfservice.pay(owing, "key-1", invoice_id="4111111111111112")

    assert_problem(response, 404, "not-found")


async def test_a_payment_needs_an_idempotency_key(selfservice: SelfService, owing: str) -> None:
    response = await selfservice.client.post(
        f"/customers/{owing}/payments", json={"payment_method_token": "pm_visa_4242"},
        headers=selfservice.customer(owing))

    problem = assert_problem(response, 422, "validation-error")
    assert problem["errors"][0]["loc"] == ["header", "Idempotency-Key"]


async def test_a_customer_cannot_pay_or_read_another_customers_account(
        selfservice: SelfService, owing: str) -> None:
    other = (await selfservice.register("bo@example.com"))["id"]
    as_other = selfservice.customer(other)

    pay = await selfservice.client.post(
        f"/customers/{owing}/payments", json={"payment_method_token": "pm_visa_4242"},
        headers={**as_other, "Idempotency-Key": "k"})
    read = await selfservice.client.get(f"/customers/{owing}/account", headers=as_other)

    assert_problem(pay, 404, "not-found")
    assert_problem(read, 404, "not-found")
    assert selfservice.provider.charges == {}


async def test_only_a_billing_scoped_integration_creates_invoices(
        selfservice: SelfService, owing: str) -> None:
    unscoped = await selfservice.client.post(
        f"/customers/{owing}/invoices", json={"amount_cents": 1, "description": "x"},
        headers=selfservice.scoped("visits:complete"))
    as_customer = await selfservice.client.post(
        f"/customers/{owing}/invoices", json={"amount_cents": 1, "description": "x"},
        headers=selfservice.customer(owing))

    assert_problem(unscoped, 403, "missing-scope")
    assert_problem(as_customer, 403, "forbidden")


async def test_a_customer_checking_the_account_is_a_self_service_action_staff_reads_are_not(
        selfservice: SelfService, owing: str) -> None:
    await account(selfservice, owing)
    await selfservice.client.get(f"/customers/{owing}/account", headers=selfservice.admin())

    await selfservice.wait_events("selfservice.action_completed", 2)  # register, viewed
    await eventually(selfservice.outbox_empty, what="every event relayed")
    await asyncio.sleep(0.1)  # delivered to the observer, too
    viewed = [e for e in selfservice.events("selfservice.action_completed")
              if e.data["action"] == "account_viewed"]

    assert [(e.subject, e.data["outcome"]) for e in viewed] == [(owing, "succeeded")]
