"""Signed provider callbacks settle timed-out payments once; unsigned or stale ones are refused."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from selfservice_harness import WEBHOOK_SECRET, SelfService, assert_problem

from ringway.selfservice.domain.signatures import sign


@pytest.fixture
async def timed_out(selfservice: SelfService) -> dict[str, Any]:
    """A customer owing 50.00 whose payment of it timed out at the provider."""
    customer = (await selfservice.register())["id"]
    await selfservice.invoice(customer, 5000)
    response = await selfservice.pay(customer, "k1", payment_method_token="pm_timeout_9")
    assert response.status_code == 504
    payment: dict[str, Any] = response.json()["payment"]
    return payment


async def callback(selfservice: SelfService, body: dict[str, Any], *,
                   secret: str = WEBHOOK_SECRET, skew_s: int = 0) -> httpx.Response:
    raw = json.dumps(body).encode()
    stamp = int(selfservice.clock.now.timestamp()) + skew_s
    return await selfservice.client.post("/webhooks/payments", content=raw, headers={
        "Content-Type": "application/json", "Ringway-Signature": sign(secret, stamp, raw)})


async def balance(selfservice: SelfService, customer: str) -> int:
    account = await selfservice.client.get(f"/customers/{customer}/account",
                                           headers=selfservice.customer(customer))
    return int(account.json()["balance_cents"])


async def test_a_late_approval_books_the_payment_once(
        selfservice: SelfService, timed_out: dict[str, Any]) -> None:
    body = {"payment_id": timed_out["id"], "status": "approved", "provider_ref": "sim_1"}

    first = await callback(selfservice, body)
    again = await callback(selfservice, body)

    assert first.json() == {"applied": True}
    assert again.json() == {"applied": False}
    assert await balance(selfservice, timed_out["customer_id"]) == 0
    payments = (await selfservice.client.get(
        f"/customers/{timed_out['customer_id']}/payments",
        headers=selfservice.customer(timed_out["customer_id"]))).json()
    assert [p["status"] for p in payments] == ["approved"]


async def test_a_decided_payment_is_not_changed_by_a_callback(
        selfservice: SelfService, timed_out: dict[str, Any]) -> None:
    await callback(selfservice, {"payment_id": timed_out["id"], "status": "declined"})

    late = await callback(selfservice, {"payment_id": timed_out["id"], "status": "approved"})

    assert late.json() == {"applied": False}
    assert await balance(selfservice, timed_out["customer_id"]) == 5000


@pytest.mark.parametrize(("secret", "skew_s"), [("not-the-secret", 0), (WEBHOOK_SECRET, -600),
                                                (WEBHOOK_SECRET, 600)])
async def test_a_wrongly_signed_or_stale_callback_is_refused(
        selfservice: SelfService, timed_out: dict[str, Any], secret: str, skew_s: int) -> None:
    body = {"payment_id": timed_out["id"], "status": "approved"}

    response = await callback(selfservice, body, secret=secret, skew_s=skew_s)

    assert_problem(response, 401, "bad-signature")
    assert await balance(selfservice, timed_out["customer_id"]) == 5000


async def test_an_unsigned_callback_or_a_bad_body_is_refused(
        selfservice: SelfService, timed_out: dict[str, Any]) -> None:
    unsigned = await selfservice.client.post("/webhooks/payments", json={
        "payment_id": timed_out["id"], "status": "approved"})
    bad_body = await callback(selfservice, {"payment_id": timed_out["id"], "status": "maybe"})
    unknown = await callback(selfservice, {"payment_id": "nope", "status": "approved"})

    assert_problem(unsigned, 401, "bad-signature")
    assert assert_problem(bad_body, 422, "validation-error")["errors"][0]["loc"] == [
        "body", "status"]
    assert_problem(unknown, 404, "not-found")
