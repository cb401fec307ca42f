"""Account, invoice and payment use cases: the ledger stays consistent, each key charges once."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Executable,
    ScalarSelect,
    String,
    Table,
    bindparam,
    func,
    insert,
    select,
    update,
)

from ringway.selfservice import audit, idempotency, ownership, settlement, tables, writes
from ringway.selfservice.domain import payments
from ringway.selfservice.domain.payments import ChargeResult, PaymentStatus
from ringway.selfservice.idempotency import StoredResponse
from ringway.selfservice.ids import new_ulid
from ringway.selfservice.payments_schemas import (
    InvoiceCreate,
    InvoiceRead,
    PaymentCreate,
    PaymentRead,
)
from ringway.selfservice.provider import PaymentProvider, ProviderTimeout
from ringway.shared.contracts.selfservice import SelfServiceActionCompleted
from ringway.shared.db.uow import UnitOfWork, UnitOfWorkFactory
from ringway.shared.web.auth import Principal
from ringway.shared.web.problems import PROBLEM_BASE, Conflict, NotFound


@dataclass(frozen=True)
class PaymentContext:
    """What a payment needs besides the request: the provider and the deployment's terms."""

    provider: PaymentProvider
    currency: str
    timeout_s: float


async def create_invoice(uow_factory: UnitOfWorkFactory, *, principal: Principal,
                         customer_id: str, body: InvoiceCreate, currency: str,
                         now: datetime) -> InvoiceRead:
    """Bill a customer: an open invoice and a ledger entry that raises the balance."""
    invoice = InvoiceRead(id=new_ulid(), customer_id=customer_id, amount_cents=body.amount_cents,
                          currency=currency, description=body.description, status="open",
                          issued_at=now)
    async with uow_factory() as uow:
        await ownership.lock_customer(uow, customer_id)
        await uow.session.execute(insert(tables.invoices).values(**invoice.model_dump()))
        await _ledger(uow, customer_id, "invoice", body.amount_cents, invoice.id, now)
        await audit.record(uow, principal, action="create", resource="invoice",
                           resource_id=invoice.id, customer_id=customer_id, at=now)
    return invoice


async def _ledger(uow: UnitOfWork, customer_id: str, kind: str, amount: int, reference: str,
                  now: datetime) -> None:
    await uow.session.execute(_LEDGER, ledger_row(customer_id, kind, amount, reference, now))


def ledger_row(customer_id: str, kind: str, amount: int, reference: str,
                now: datetime) -> dict[str, object]:
    """One ledger row (a positive amount adds to what is owed)."""
    return {"id": new_ulid(), "customer_id": customer_id, "kind": kind, "amount_cents": amount,
            "reference_id": reference, "at": now}


_LEDGER = insert(tables.ledger_entries)


def balance_and_pending_columns(
        customer_id: str | BindParameter[Any]) -> tuple[ColumnElement[Any], ScalarSelect[Any]]:
    """Subqueries: what the ledger says is owed, and what pending payments already cover."""
    b, p = tables.ledger_balances, tables.payments
    # The ledger's sum, kept per customer by a trigger (migration 0012): one row to read.
    balance = func.coalesce(select(b.c.balance_cents)
                            .where(b.c.customer_id == customer_id).scalar_subquery(), 0)
    pending = (select(func.coalesce(func.sum(p.c.amount_cents), 0))
               .where(p.c.customer_id == customer_id, p.c.status == PaymentStatus.PENDING)
               .scalar_subquery())
    return balance, pending


# One statement, one snapshot: a settlement between two reads would count twice. Built once.
_BALANCE_AND_PENDING = select(*balance_and_pending_columns(
    bindparam("customer_id", type_=String())))


async def balance_and_pending(uow: UnitOfWork, customer_id: str) -> tuple[int, int]:
    """What the ledger says is owed, and what pending payments already cover."""
    row = (await uow.session.execute(_BALANCE_AND_PENDING, {"customer_id": customer_id})).one()
    return int(row[0]), int(row[1])


async def pay(uow_factory: UnitOfWorkFactory, ctx: PaymentContext, *, principal: Principal,
              customer_id: str, body: PaymentCreate, key: str, now: datetime) -> StoredResponse:
    """Charge once per Idempotency-Key; a retry gets the first answer."""
    ownership.ensure_may_act(principal, customer_id)
    fingerprint = payments.fingerprint(f"payment:{customer_id}", body.model_dump(mode="json"))
    ident = {"customer_id": customer_id, "key": key}
    async with uow_factory() as uow:
        # The key's claim commits with the reserved payment: a refusal (409, 404) rolls both
        # back, so the key stays free; one transaction instead of two on the hot path.
        payment = None
        if await idempotency.claim(uow, fingerprint=fingerprint, now=now, **ident):
            payment = await _reserve(uow, customer_id, body, ctx.currency, key, now)
    if payment is None:
        return await idempotency.replay(uow_factory, fingerprint=fingerprint,
                                        wait_s=ctx.timeout_s + 5, **ident)
    result = await charge(ctx, payment, body.payment_method_token)
    uow = uow_factory()
    if uow.db.is_postgres:
        return await settle_alone(uow, principal, payment, result, key, now)
    async with uow:
        return await settle(uow, principal, payment, result, key, now)


async def settle_alone(uow: UnitOfWork, principal: Principal, payment: PaymentRead,
                        result: ChargeResult, key: str, now: datetime) -> StoredResponse:
    """PostgreSQL: what `settle` writes, as one autocommit statement (one round trip)."""
    decided = payment.model_copy(update={"status": result.status, "decided_at": now,
                                         "decline_code": result.decline_code})
    response = payment_response(decided)
    approved = result.status is PaymentStatus.APPROVED
    params: dict[str, object] = {
        "settle_payment": payment.id, "outcome_status": result.status,
        "outcome_provider_ref": result.provider_ref, "outcome_decline_code": result.decline_code,
        "outcome_decided_at": now, "answer_customer": payment.customer_id, "answer_key": key,
        "answer_status_code": response.status_code, "answer_response": json.dumps(response.body),
        **writes.bound(audit.entry(principal, action="pay", resource="payment",
                                   resource_id=payment.id, customer_id=payment.customer_id,
                                   at=now), "audit_"),
        **writes.bound(uow.outbox_row(payment_event(payment, principal, response, now)),
                       "event_")}
    if approved:
        params.update(settle_invoice=payment.invoice_id, invoice_payment=payment.id, **writes.bound(
            ledger_row(payment.customer_id, "payment", -payment.amount_cents, payment.id, now),
            "ledger_"))
    await uow.execute_alone(settlement.statement(approved), params)
    return response


def payment_event(payment: PaymentRead, principal: Principal, response: StoredResponse,
                   now: datetime, action: str = "payment",
                   session_id: str | None = None) -> SelfServiceActionCompleted:
    """The action event a settled payment emits."""
    return SelfServiceActionCompleted(
        customer_id=payment.customer_id, session_id=session_id or principal.subject, action=action,
        outcome="succeeded" if response.status_code < 300 else "failed", occurred_at=now)


async def _reserve(uow: UnitOfWork, customer_id: str, body: PaymentCreate, currency: str,
                   key: str, now: datetime) -> PaymentRead:
    # Under the customer's lock, pending payments count as paid: no double payment.
    await ownership.lock_customer(uow, customer_id)
    amount = await _amount(uow, customer_id, body)
    payment = PaymentRead(id=new_ulid(), customer_id=customer_id, invoice_id=body.invoice_id,
                          amount_cents=amount, currency=currency, status=PaymentStatus.PENDING,
                          created_at=now)
    await uow.session.execute(_INSERT_PAYMENT, {"idempotency_key": key, **payment.model_dump()})
    return payment


async def _amount(uow: UnitOfWork, customer_id: str, body: PaymentCreate) -> int:
    balance, pending = await balance_and_pending(uow, customer_id)
    try:
        if body.invoice_id is None:
            return payments.amount_to_pay(requested_cents=body.amount_cents,
                                          due_cents=balance - pending)
        invoice_cents, open_ = await _invoice(uow, customer_id, body.invoice_id)
        return payments.amount_for_invoice(
            requested_cents=body.amount_cents, invoice_cents=invoice_cents, open_=open_,
            outstanding_cents=balance - pending)
    except payments.NothingToPay as error:
        raise Conflict(str(error), code="nothing-to-pay") from None


async def _invoice(uow: UnitOfWork, customer_id: str, invoice_id: str) -> tuple[int, bool]:
    """The invoice's amount, and whether it is open and not being paid."""
    t, p = tables.invoices, tables.payments
    being_paid = select(p.c.id).where(p.c.invoice_id == t.c.id,
                                      p.c.status == PaymentStatus.PENDING).exists()
    # One statement, one snapshot: settling takes no customer lock, so a settlement committing
    # between two reads could make a paid invoice look open and not being paid.
    row = (await uow.session.execute(
        select(t.c.amount_cents, t.c.status, being_paid.label("being_paid"))
        .where(t.c.id == invoice_id, t.c.customer_id == customer_id))).first()
    if row is None:
        raise NotFound("invoice", invoice_id)
    return int(row.amount_cents), row.status == "open" and not row.being_paid


async def charge(ctx: PaymentContext, payment: PaymentRead, token: str) -> ChargeResult:
    """Ask the provider; no answer in time is a timed-out charge (its fate unknown)."""
    try:
        return await asyncio.wait_for(ctx.provider.charge(
            payment_id=payment.id, method_token=token, amount_cents=payment.amount_cents,
            currency=payment.currency), timeout=ctx.timeout_s)
    except (TimeoutError, ProviderTimeout):
        return ChargeResult(PaymentStatus.TIMED_OUT)


async def settle(uow: UnitOfWork, principal: Principal, payment: PaymentRead,
                 result: ChargeResult, key: str | None, now: datetime, *,
                 action: str = "payment", session_id: str | None = None) -> StoredResponse:
    """Record a pending payment's outcome once: ledger, invoice, key's answer, audit, event."""
    decided = payment.model_copy(update={"status": result.status, "decided_at": now,
                                         "decline_code": result.decline_code})
    response = payment_response(decided)
    # No customer lock: reserving reads the balance, pending payments and invoice state each
    # in one statement, and this transaction changes them together. The conditional update
    # on `pending` lets exactly one settler (request, reconciler, callback) through.
    if not await record_outcome(uow, payment.id, result, now):
        return response
    rows: list[tuple[Table, dict[str, object]]] = []
    if result.status is PaymentStatus.APPROVED:
        rows.append((tables.ledger_entries, ledger_row(
            payment.customer_id, "payment", -payment.amount_cents, payment.id, now)))
        await _settle_invoice(uow, payment.invoice_id, payment.id)
    if key is not None:
        await idempotency.store(uow, customer_id=payment.customer_id, key=key,
                                response=response)
    rows.append((tables.audit_log, audit.entry(
        principal, action="pay", resource="payment", resource_id=payment.id,
        customer_id=payment.customer_id, at=now)))
    rows.append((tables.outbox, uow.outbox_row(
        payment_event(payment, principal, response, now, action, session_id))))
    # Ledger entry, audit row and event: one round trip on PostgreSQL.
    await writes.insert_rows(uow, rows)
    return response


async def record_outcome(uow: UnitOfWork, payment_id: str, result: ChargeResult, now: datetime,
                         only_from: tuple[str, ...] = (PaymentStatus.PENDING,)) -> bool:
    """Store the provider's answer, if the payment is still in one of `only_from`."""
    statement = _OUTCOME.get(only_from)
    if statement is None:
        statement = _OUTCOME[only_from] = _outcome_update(only_from)
    changed = await uow.session.execute(statement, {
        "payment_id": payment_id, "status": result.status, "provider_ref": result.provider_ref,
        "decline_code": result.decline_code, "decided_at": now})
    return bool(getattr(changed, "rowcount", 0) == 1)


def _outcome_update(only_from: tuple[str, ...]) -> Executable:
    p = tables.payments
    # One state: a plain comparison (an IN list is re-rendered on every execution).
    state = p.c.status == only_from[0] if len(only_from) == 1 else p.c.status.in_(only_from)
    return update(p).where(p.c.id == bindparam("payment_id", type_=String()), state).values(
        status=bindparam("status"), provider_ref=bindparam("provider_ref"),
        decline_code=bindparam("decline_code"), decided_at=bindparam("decided_at"))


# Built once (per set of starting states): every payment runs them.
_INSERT_PAYMENT = insert(tables.payments)
_OUTCOME: dict[tuple[str, ...], Executable] = {}


async def book(uow: UnitOfWork, customer_id: str, payment_id: str, invoice_id: str | None,
               amount_cents: int, now: datetime) -> None:
    """An approved payment lowers the balance and settles its invoice."""
    await _ledger(uow, customer_id, "payment", -amount_cents, payment_id, now)
    await _settle_invoice(uow, invoice_id, payment_id)


async def _settle_invoice(uow: UnitOfWork, invoice_id: str | None, payment_id: str) -> None:
    if invoice_id is not None:
        await uow.session.execute(update(tables.invoices).where(
            tables.invoices.c.id == invoice_id).values(status="paid", payment_id=payment_id))


def payment_response(payment: PaymentRead) -> StoredResponse:
    """The answer a decided payment gets (and its retries, replayed)."""
    body = payment.model_dump(mode="json")
    if payment.status == PaymentStatus.APPROVED:
        return StoredResponse(201, body)
    if payment.status == PaymentStatus.DECLINED:
        return StoredResponse(402, _problem(402, "Payment declined", "payment-declined",
                                            "the provider declined the payment", body))
    return StoredResponse(504, _problem(504, "Payment provider timed out", "provider-timeout",
                                        "no answer from the provider; nothing was booked", body))


def _problem(status: int, title: str, code: str, detail: str,
             payment: dict[str, Any]) -> dict[str, Any]:
    return {"type": PROBLEM_BASE + code, "title": title, "status": status, "detail": detail,
            "payment": payment}
