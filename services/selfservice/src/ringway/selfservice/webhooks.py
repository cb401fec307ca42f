"""Signed callbacks from the payment provider: late outcomes settle timed-out payments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ringway.selfservice import ownership, tables
from ringway.selfservice.domain.payments import ChargeResult, PaymentStatus
from ringway.selfservice.payments_schemas import PaymentOutcome
from ringway.selfservice.payments_service import book, record_outcome
from ringway.shared.contracts.selfservice import SelfServiceActionCompleted
from ringway.shared.db.uow import UnitOfWorkFactory
from ringway.shared.web.problems import NotFound

# Only payments whose fate is open may still change; a decided one stays decided.
_OPEN = (PaymentStatus.PENDING, PaymentStatus.TIMED_OUT)


async def payment_outcome(uow_factory: UnitOfWorkFactory, *, body: PaymentOutcome,
                          now: datetime) -> bool:
    """Apply a late outcome once; False when the payment was already decided."""
    p = tables.payments
    async with uow_factory() as uow:
        row = (await uow.session.execute(select(p).where(p.c.id == body.payment_id))).first()
        if row is None:
            raise NotFound("payment", body.payment_id)
        await ownership.lock_customer(uow, row.customer_id)
        result = ChargeResult(PaymentStatus(body.status), provider_ref=body.provider_ref)
        if not await record_outcome(uow, row.id, result, now, only_from=_OPEN):
            return False
        if result.status is PaymentStatus.APPROVED:
            await book(uow, row.customer_id, row.id, row.invoice_id, row.amount_cents, now)
        uow.publish(SelfServiceActionCompleted(
            customer_id=row.customer_id, session_id=f"provider:{row.id}",
            action="payment_reconciled", outcome="succeeded", occurred_at=now))
    return True
