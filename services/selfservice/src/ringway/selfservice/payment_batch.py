"""Payments on PostgreSQL, grouped: reservations share a transaction, settlements a statement.

Reserving keeps the rules of `payments_service.pay`: the key is claimed first, then the
customers are locked (in id order, so batches never deadlock), then balance, pending
payments and invoices are read in a statement that starts after the locks, and the amounts
are decided by the domain rules. Payments of one customer in one batch see each other's
reservations, as they would one after another. A request that is not simply reserved (its
key already used, an unknown or erased customer, nothing to pay) keeps nothing: its claim
is released in the same transaction, and the caller hands it to the route, which answers
it as it always has. Settling is `settlement.statement` for every payment waiting.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ringway.selfservice import audit
from ringway.selfservice.domain import payments
from ringway.selfservice.domain.payments import ChargeResult, PaymentStatus
from ringway.selfservice.groupcommit import Coalesced, GroupCommit, driver_connection
from ringway.selfservice.idempotency import StoredResponse
from ringway.selfservice.ids import event_row, new_ulid
from ringway.selfservice.payments_schemas import PaymentCreate, PaymentRead
from ringway.selfservice.payments_service import ledger_row, payment_event, payment_response
from ringway.shared.runtime import ServiceRuntime
from ringway.shared.web.auth import Principal

# MATERIALIZED: the customers are locked by one scan in id order, never row by row in the
# order a join would probe them (two batches locking in different orders could deadlock).
_CLAIM_AND_LOCK = """
WITH claimed AS (
  INSERT INTO idempotency_keys (customer_id, key, fingerprint, created_at)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[])
  ON CONFLICT DO NOTHING RETURNING customer_id, key
), locked AS MATERIALIZED (
  SELECT c.id FROM customers c
  WHERE c.id IN (SELECT customer_id FROM claimed) AND c.erased_at IS NULL
  ORDER BY c.id FOR NO KEY UPDATE
)
SELECT claimed.customer_id, claimed.key, locked.id IS NOT NULL AS live
FROM claimed LEFT JOIN locked ON locked.id = claimed.customer_id
"""
# Read after the locks: a new statement, a new snapshot (READ COMMITTED).
_FIGURES = """
SELECT
  coalesce((SELECT b.balance_cents FROM ledger_balances b
    WHERE b.customer_id = r.customer_id), 0) AS balance,
  (SELECT coalesce(sum(p.amount_cents), 0) FROM payments p
    WHERE p.customer_id = r.customer_id AND p.status = 'pending') AS pending,
  i.amount_cents AS invoice_cents, i.status = 'open' AS invoice_open,
  EXISTS (SELECT 1 FROM payments p WHERE p.invoice_id = i.id AND p.status = 'pending')
    AS being_paid
FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS r(customer_id, invoice_id, n)
LEFT JOIN invoices i ON i.id = r.invoice_id AND i.customer_id = r.customer_id
ORDER BY r.n
"""
_RESERVE = """
WITH made AS (
  INSERT INTO payments (id, customer_id, invoice_id, amount_cents, currency, status,
                        created_at, idempotency_key)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[],
                       $6::text[], $7::timestamptz[], $8::text[])
), released AS (
  DELETE FROM idempotency_keys k USING unnest($9::text[], $10::text[]) AS r(customer_id, key)
  WHERE k.customer_id = r.customer_id AND k.key = r.key
)
SELECT 1
"""
_SETTLE = """
WITH req AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[],
                       $6::text[], $7::text[], $8::int[], $9::text[], $10::text[], $11::text[],
                       $12::text[], $13::text[], $14::text[], $15::text[], $16::text[],
                       $17::text[], $18::text[], $19::timestamptz[], $20::text[],
                       $21::bigint[], $22::text[])
    WITH ORDINALITY AS r(payment_id, status, provider_ref, decline_code, decided_at,
                         customer_id, key, status_code, response, audit_id, actor, roles,
                         event_id, topic, event_key, event_type, headers, payload, created_at,
                         ledger_id, ledger_cents, invoice_id, n)
), outcome AS (
  UPDATE payments p SET status = req.status, provider_ref = req.provider_ref,
    decline_code = req.decline_code, decided_at = req.decided_at
  FROM req WHERE p.id = req.payment_id AND p.status = 'pending' RETURNING p.id
), took AS (
  SELECT req.* FROM req JOIN outcome ON outcome.id = req.payment_id
), answer AS (
  UPDATE idempotency_keys k SET status_code = took.status_code, response = took.response
  FROM took WHERE k.customer_id = took.customer_id AND k.key = took.key
), audited AS (
  INSERT INTO audit_log (id, at, actor, roles, action, resource, resource_id, customer_id)
  SELECT audit_id, decided_at, actor, roles, 'pay', 'payment', payment_id, customer_id FROM took
), published AS (
  INSERT INTO outbox (event_id, topic, key, event_type, headers, payload, created_at)
  SELECT event_id, topic, event_key, event_type, headers, payload, created_at FROM took
  ORDER BY n
), booked AS (
  INSERT INTO ledger_entries (id, customer_id, kind, amount_cents, reference_id, at)
  SELECT ledger_id, customer_id, 'payment', ledger_cents, payment_id, decided_at FROM took
  WHERE ledger_id IS NOT NULL
), paid AS (
  UPDATE invoices i SET status = 'paid', payment_id = took.payment_id
  FROM took WHERE i.id = took.invoice_id AND took.ledger_id IS NOT NULL
)
SELECT count(*) FROM took
"""
_OUTBOX = ("event_id", "topic", "key", "event_type", "headers", "payload", "created_at")


@dataclass(frozen=True, eq=False)
class Reservation:
    """A payment request to reserve: who pays what, under which key."""

    customer_id: str
    key: str
    body: PaymentCreate
    currency: str
    now: datetime

    @property
    def fingerprint(self) -> str:
        """What was asked, to tell a retry from a reused key."""
        return payments.fingerprint(f"payment:{self.customer_id}",
                                    self.body.model_dump(mode="json"))


@dataclass(frozen=True)
class Settlement:
    """A charged payment to record."""

    principal: Principal
    payment: PaymentRead
    result: ChargeResult
    key: str
    now: datetime


class Payments:
    """Grouped reservations and settlements (PostgreSQL only)."""

    def __init__(self, runtime: ServiceRuntime) -> None:
        self.runtime = runtime
        self._nudge = Coalesced(runtime.relay.notify)  # events written: the relay publishes
        self.reservations: GroupCommit[Reservation, PaymentRead | None] = GroupCommit(
            self._reserve, writers=2)
        self.settlements: GroupCommit[Settlement, StoredResponse] = GroupCommit(
            self._settle, writers=2)

    async def _reserve(self, asks: Sequence[Reservation]) -> list[PaymentRead | None]:
        firsts, seen = [], set()
        for ask in asks:  # a key twice in one batch: the later one replays the first's answer
            if (ask.customer_id, ask.key) not in seen:
                seen.add((ask.customer_id, ask.key))
                firsts.append(ask)
        async with driver_connection(self.runtime.db) as conn, conn.transaction():
            # Keys claimed in one order by every batch: two batches in flight that share a
            # key (a retry) wait for each other instead of deadlocking.
            claims = await conn.fetch(_CLAIM_AND_LOCK, *_columns(sorted(
                (a.customer_id, a.key, a.fingerprint, a.now) for a in firsts), 4))
            held = {(r[0], r[1]): bool(r[2]) for r in claims}
            live = [a for a in firsts if held.get((a.customer_id, a.key))]
            figures = await conn.fetch(_FIGURES, *_columns(
                [(a.customer_id, a.body.invoice_id) for a in live], 2)) if live else []
            made = _decide(live, figures)
            kept = {(p.customer_id, a.key) for a, p in made.items()}
            released = [key for key in held if key not in kept]
            if made or released:
                await conn.execute(_RESERVE, *_columns(
                    [(p.id, p.customer_id, p.invoice_id, p.amount_cents, p.currency,
                      str(p.status),
                      p.created_at, a.key) for a, p in made.items()], 8),
                    *_columns(released, 2))
        return [made.get(a) for a in asks]

    async def _settle(self, settled: Sequence[Settlement]) -> list[StoredResponse]:
        rows, answers = [], []
        for s in settled:
            row, answer = self._settlement_row(s)
            rows.append(row)
            answers.append(answer)
        async with driver_connection(self.runtime.db) as conn:
            await conn.fetch(_SETTLE, *_columns(rows, 22))
        self._nudge()
        return answers

    def _settlement_row(self, s: Settlement) -> tuple[tuple[Any, ...], StoredResponse]:
        payment, result = s.payment, s.result
        decided = payment.model_copy(update={"status": result.status, "decided_at": s.now,
                                             "decline_code": result.decline_code})
        answer = payment_response(decided)
        entry = audit.entry(s.principal, action="pay", resource="payment",
                            resource_id=payment.id, customer_id=payment.customer_id, at=s.now)
        event = event_row(payment_event(payment, s.principal, answer, s.now),
                          source=self.runtime.name)
        ledger = (ledger_row(payment.customer_id, "payment", -payment.amount_cents, payment.id,
                             s.now) if result.status is PaymentStatus.APPROVED else None)
        return ((payment.id, result.status.value, result.provider_ref, result.decline_code,
                 s.now, payment.customer_id, s.key, answer.status_code, json.dumps(answer.body),
                 entry["id"], entry["actor"], entry["roles"], *(event[c] for c in _OUTBOX),
                 ledger["id"] if ledger else None, -payment.amount_cents,
                 payment.invoice_id), answer)


def _decide(asks: list[Reservation], figures: Sequence[Any]) -> dict[Reservation, PaymentRead]:
    """The payments to reserve, in order; each sees the ones reserved before it."""
    reserved: dict[str, int] = {}  # customer -> cents reserved in this batch
    invoices_taken: set[str] = set()
    made: dict[Reservation, PaymentRead] = {}
    for ask, row in zip(asks, figures, strict=True):
        outstanding = int(row[0]) - int(row[1]) - reserved.get(ask.customer_id, 0)
        invoice_id = ask.body.invoice_id
        try:
            if invoice_id is None:
                amount = payments.amount_to_pay(requested_cents=ask.body.amount_cents,
                                                due_cents=outstanding)
            elif row[2] is None:
                continue  # no such invoice of this customer: the route answers the 404
            else:
                amount = payments.amount_for_invoice(
                    requested_cents=ask.body.amount_cents, invoice_cents=int(row[2]),
                    open_=bool(row[3]) and not row[4] and invoice_id not in invoices_taken,
                    outstanding_cents=outstanding)
        except payments.NothingToPay:
            continue  # the route answers the 409 with the reason
        reserved[ask.customer_id] = reserved.get(ask.customer_id, 0) + amount
        if invoice_id is not None:
            invoices_taken.add(invoice_id)
        made[ask] = PaymentRead(id=new_ulid(), customer_id=ask.customer_id,
                                invoice_id=invoice_id, amount_cents=amount,
                                currency=ask.currency, status=PaymentStatus.PENDING,
                                created_at=ask.now)
    return made


def _columns(rows: Sequence[tuple[Any, ...]], width: int) -> list[list[Any]]:
    """Rows as one list per column (unnest's arrays); `width` empty lists for no rows."""
    return [list(column) for column in zip(*rows, strict=True)] if rows else [
        [] for _ in range(width)]
