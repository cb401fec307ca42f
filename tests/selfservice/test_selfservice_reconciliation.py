"""Payments a crash left open are settled from the provider's records, exactly once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import pytest
from selfservice_harness import SelfService, eventually, running_selfservice

from ringway.selfservice import payments_service
from ringway.selfservice.domain.payments import ChargeResult
from ringway.selfservice.payments_schemas import PaymentCreate
from ringway.selfservice.payments_service import PaymentContext
from ringway.selfservice.provider import ProviderTimeout, SimulatedProvider
from ringway.selfservice.reconciler import PaymentReconciler
from ringway.shared.periodic import Periodic
from ringway.shared.web.auth import Principal, Role

Start = Callable[..., AbstractAsyncContextManager[SelfService]]
# Past the payment timeout (10 s) and the reconciler's margin (60 s).
LATER = {"seconds": 75}


class ProcessDied(BaseException):
    """The process was killed: nothing after this point ran."""


class CrashingProvider(SimulatedProvider):
    """The real simulated provider, around which the process dies (after or before the charge)."""

    def __init__(self) -> None:
        super().__init__()
        self.crash: str | None = None  # "after", "before" or "lost" (the answer never came back)

    async def charge(self, *, payment_id: str, method_token: str, amount_cents: int,
                     currency: str) -> ChargeResult:
        if self.crash == "before":
            raise ProcessDied
        result = await super().charge(payment_id=payment_id, method_token=method_token,
                                      amount_cents=amount_cents, currency=currency)
        if self.crash == "after":
            raise ProcessDied
        if self.crash == "lost":
            raise ProviderTimeout(payment_id)
        return result


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same database for every app a test starts (a restart keeps its data)."""
    if request.param == "postgres":
        url: str = request.getfixturevalue("pg_url")
        return url
    return f"sqlite+aiosqlite:///{tmp_path / 'selfservice.db'}"


@pytest.fixture
def provider() -> CrashingProvider:
    """The payment provider: outside our processes, it outlives a crash."""
    return CrashingProvider()


@pytest.fixture
def start(tmp_path: Path, database_url: str, provider: CrashingProvider) -> Start:
    """Start (or restart) self-service on the shared database and provider."""
    def starter(**options: Any) -> AbstractAsyncContextManager[SelfService]:
        return running_selfservice(tmp_path, database_url, provider=provider, **options)
    return starter


@pytest.fixture
async def customer(start: Start) -> tuple[str, str]:
    """A customer owing 5000 (id) and a payment whose process died mid-way (the key)."""
    async with start() as selfservice:
        ana = (await selfservice.register())["id"]
        await selfservice.invoice(ana, 5000)
    return ana, "key-1"


async def crash_paying(selfservice: SelfService, customer_id: str, key: str,
                       token: str = "pm_visa_4242") -> None:
    """Run a payment of 3000 until the process dies inside it."""
    ctx = PaymentContext(selfservice.app.state.selfservice.provider, "EUR", 10.0)
    principal = Principal("ses_1", frozenset({Role.CUSTOMER}), customer_id)
    with pytest.raises(ProcessDied):
        await payments_service.pay(
            selfservice.runtime.uow, ctx, principal=principal, customer_id=customer_id,
            body=PaymentCreate(payment_method_token=token, amount_cents=3000), key=key,
            now=selfservice.clock.now)


async def account(selfservice: SelfService, customer_id: str) -> dict[str, Any]:
    response = await selfservice.client.get(f"/customers/{customer_id}/account",
                                            headers=selfservice.customer(customer_id))
    body: dict[str, Any] = response.json()
    return body


async def payment_entries(selfservice: SelfService, customer_id: str) -> list[int]:
    ledger = (await selfservice.client.get(f"/customers/{customer_id}/ledger",
                                           headers=selfservice.customer(customer_id))).json()
    return [e["amount_cents"] for e in ledger if e["kind"] == "payment"]


async def test_a_charge_the_crash_left_unrecorded_is_booked_once_after_a_restart(
        start: Start, provider: CrashingProvider, customer: tuple[str, str]) -> None:
    ana, key = customer
    async with start() as first:
        provider.crash = "after"
        await crash_paying(first, ana, key)
        blocked = await account(first, ana)
    provider.crash = None

    async with start() as second:
        second.clock.advance(**LATER)
        done = await second.reconciler.run_once()
        again = await second.reconciler.run_once()
        retried = await second.pay(ana, key, amount_cents=3000)

        assert (blocked["balance_cents"], blocked["pending_cents"]) == (5000, 3000)
        assert (done.settled, again.settled) == (1, 0)
        assert await account(second, ana) == {**blocked, "balance_cents": 2000,
                                              "pending_cents": 0}
        assert await payment_entries(second, ana) == [-3000]
        assert (retried.status_code, retried.headers["Idempotent-Replayed"]) == (201, "true")
        assert retried.json()["status"] == "approved"
        assert len(provider.charges) == 1
        [event] = [e for e in await second.wait_events("selfservice.action_completed", 1)
                   if e.data["action"] == "payment_reconciled"]
        assert (event.subject, event.data["outcome"]) == (ana, "succeeded")


async def test_a_declined_charge_the_crash_left_unrecorded_books_nothing(
        start: Start, provider: CrashingProvider, customer: tuple[str, str]) -> None:
    ana, key = customer
    async with start() as selfservice:
        provider.crash = "after"
        await crash_paying(selfservice, ana, key, token="pm_decline_1")
        selfservice.clock.advance(**LATER)

        await selfservice.reconciler.run_once()
        retried = await selfservice.pay(ana, key, amount_cents=3000,
                                        payment_method_token="pm_decline_1")

        assert retried.status_code == 402
        assert retried.json()["payment"]["status"] == "declined"
        assert await payment_entries(selfservice, ana) == []
        assert (await account(selfservice, ana))["pending_cents"] == 0


async def test_a_charge_that_never_reached_the_provider_frees_the_amount_and_books_nothing(
        start: Start, provider: CrashingProvider, customer: tuple[str, str]) -> None:
    ana, key = customer
    async with start() as selfservice:
        provider.crash = "before"
        await crash_paying(selfservice, ana, key)
        selfservice.clock.advance(**LATER)

        await selfservice.reconciler.run_once()
        retried = await selfservice.pay(ana, key, amount_cents=3000)

        assert retried.status_code == 504
        assert provider.charges == {}
        assert await payment_entries(selfservice, ana) == []
        assert await account(selfservice, ana) == {
            "customer_id": ana, "currency": "EUR", "balance_cents": 5000, "pending_cents": 0,
            "open_invoices": 1}


async def test_a_payment_still_within_its_timeout_is_left_to_its_request(
        start: Start, provider: CrashingProvider, customer: tuple[str, str]) -> None:
    ana, key = customer
    async with start() as selfservice:
        provider.crash = "after"
        await crash_paying(selfservice, ana, key)
        selfservice.clock.advance(seconds=30)

        done = await selfservice.reconciler.run_once()

        assert (done.settled, done.still_open) == (0, 0)
        assert (await account(selfservice, ana))["pending_cents"] == 3000


async def test_a_timed_out_charge_the_provider_approved_is_booked_once(
        start: Start, provider: CrashingProvider, customer: tuple[str, str]) -> None:
    ana, key = customer
    async with start() as selfservice:
        provider.crash = "lost"
        answer = await selfservice.pay(ana, key, amount_cents=3000)
        provider.crash = None

        await selfservice.reconciler.run_once()
        await selfservice.reconciler.run_once()

        assert answer.status_code == 504
        assert await payment_entries(selfservice, ana) == [-3000]
        reconciled = [e for e in await selfservice.wait_events("selfservice.action_completed", 2)
                      if e.data["action"] == "payment_reconciled"]
        assert len(reconciled) == 1
        payments = (await selfservice.client.get(f"/customers/{ana}/payments",
                                                 headers=selfservice.customer(ana))).json()
        assert [p["status"] for p in payments] == ["approved"]


async def test_parallel_reconcilers_settle_a_payment_once(
        start: Start, provider: CrashingProvider, customer: tuple[str, str]) -> None:
    ana, key = customer
    async with start() as selfservice:
        provider.crash = "after"
        await crash_paying(selfservice, ana, key)
        provider.crash = None
        selfservice.clock.advance(**LATER)
        others = [PaymentReconciler(selfservice.runtime.uow, provider, selfservice.clock,
                                    timeout_s=10.0) for _ in range(4)]

        await asyncio.gather(*(r.run_once() for r in others))

        assert await payment_entries(selfservice, ana) == [-3000]
        assert (await account(selfservice, ana))["balance_cents"] == 2000


async def test_the_running_service_reconciles_on_its_own(
        start: Start, provider: CrashingProvider, customer: tuple[str, str]) -> None:
    ana, key = customer
    async with start() as first:
        provider.crash = "after"
        await crash_paying(first, ana, key)
    provider.crash = None

    async with start(reconcile_every_s=0.05) as second:
        second.clock.advance(**LATER)

        async def settled() -> bool:
            return await payment_entries(second, ana) == [-3000]
        await eventually(settled, what="the background reconciliation")


async def test_a_failing_background_pass_is_logged_and_retried() -> None:
    calls: list[int] = []

    async def job() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("provider unreachable")

    periodic = Periodic("test-job", 0.01, job)
    await periodic.start()

    async def retried() -> bool:
        return len(calls) >= 3
    await eventually(retried, what="passes after a failing one")
    await periodic.stop()
    stopped_at = len(calls)
    await asyncio.sleep(0.05)
    assert len(calls) == stopped_at
