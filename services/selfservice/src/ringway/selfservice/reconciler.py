"""Payments a crash left open: ask the provider what became of each and settle it once.

A process can die after the provider charged and before the outcome was recorded. The
payment then stays `pending` (its amount blocked, its Idempotency-Key unanswered). The
reconciler asks the provider by the payment id (the provider's idempotency reference) and
settles exactly as the request would have, conditional on the payment still being open, so a
second reconciler or a provider callback changes nothing. Payments that timed out are asked
about again for a day, since the provider may have approved them. (An Idempotency-Key is
claimed in the transaction that reserves its payment, so a crash never leaves a key claimed
without a payment to reconcile.)
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ringway.selfservice import tables
from ringway.selfservice.domain import payments
from ringway.selfservice.domain.access import Clock
from ringway.selfservice.domain.payments import PaymentStatus
from ringway.selfservice.payments_schemas import PaymentRead
from ringway.selfservice.payments_service import book, record_outcome, settle
from ringway.selfservice.provider import PaymentProvider, ProviderTimeout
from ringway.shared.contracts.selfservice import SelfServiceActionCompleted
from ringway.shared.db.uow import UnitOfWorkFactory
from ringway.shared.web.auth import Principal

log = logging.getLogger(__name__)
RECONCILER = Principal("payment-reconciler", frozenset())
BATCH = 100


@dataclass
class Reconciled:
    """What one pass did."""

    settled: int = 0
    still_open: int = 0


class PaymentReconciler:
    """Settles orphaned and timed-out payments from the provider's records."""

    def __init__(self, uow_factory: UnitOfWorkFactory, provider: PaymentProvider, clock: Clock,
                 *, timeout_s: float) -> None:
        self.uow = uow_factory
        self.provider = provider
        self.clock = clock
        self.timeout_s = timeout_s

    async def run_once(self) -> Reconciled:
        """One pass over open payments."""
        now = self.clock()
        done = Reconciled()
        for payment, key in await self._open_payments(now):
            if await self._reconcile(payment, key, now):
                done.settled += 1
            else:
                done.still_open += 1
        if done.settled:
            log.info("payments reconciled", extra={"settled": done.settled})
        return done

    async def _open_payments(self, now: datetime) -> list[tuple[PaymentRead, str | None]]:
        p = tables.payments
        # Orphans first: their amount is blocked and their key unanswered.
        orphaned = (p.c.status == PaymentStatus.PENDING) & (
            p.c.created_at < payments.orphaned_before(now, self.timeout_s))
        timed_out = (p.c.status == PaymentStatus.TIMED_OUT) & (
            p.c.created_at > now - payments.RECHECK_TIMED_OUT)
        found: list[tuple[PaymentRead, str | None]] = []
        async with self.uow() as uow:
            for which in (orphaned, timed_out):
                rows = (await uow.session.execute(
                    select(p).where(which).order_by(p.c.created_at).limit(BATCH))).mappings()
                found += [(PaymentRead.model_validate(dict(r)), r["idempotency_key"])
                          for r in rows]
        return found

    async def _reconcile(self, payment: PaymentRead, key: str | None, now: datetime) -> bool:
        try:
            found = await asyncio.wait_for(self.provider.outcome(payment_id=payment.id),
                                           timeout=self.timeout_s)
        except (TimeoutError, ProviderTimeout):
            return False  # asked again next pass
        result = payments.reconciled(found)
        async with self.uow() as uow:
            if payment.status == PaymentStatus.PENDING:
                # Like a provider callback: not a new self-service session of the customer.
                await settle(uow, RECONCILER, payment, result, key, now,
                             action="payment_reconciled", session_id=f"provider:{payment.id}")
                return True
            if found is None or found.status is not PaymentStatus.APPROVED:
                return False
            # Timed out, yet the provider took the money: book it (once, by the condition).
            if await record_outcome(uow, payment.id, found, now,
                                    only_from=(PaymentStatus.TIMED_OUT,)):
                await book(uow, payment.customer_id, payment.id, payment.invoice_id,
                           payment.amount_cents, now)
                uow.publish(SelfServiceActionCompleted(
                    customer_id=payment.customer_id, session_id=f"provider:{payment.id}",
                    action="payment_reconciled", outcome="succeeded", occurred_at=now))
            return True
