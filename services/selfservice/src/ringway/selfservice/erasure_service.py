"""Right to erasure: every personal field self-service holds about a customer is removed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update

from ringway.selfservice import audit, ownership, tables
from ringway.selfservice.domain.access import login_key
from ringway.shared.contracts.selfservice import CustomerErased
from ringway.shared.db.uow import UnitOfWork, UnitOfWorkFactory
from ringway.shared.web.auth import Principal
from ringway.shared.web.problems import NotFound

ERASED = "[erased]"
# Not an argon2 hash: no password can ever match it.
UNUSABLE_PASSWORD = "!erased"  # noqa: S105 - a marker, not a secret


async def erase_customer(uow_factory: UnitOfWorkFactory, *, principal: Principal,
                         customer_id: str, now: datetime) -> None:
    """Erase the customer's personal data here and tell every service to do the same."""
    ownership.ensure_may_act(principal, customer_id)
    c = tables.customers
    async with uow_factory() as uow:
        email = await uow.session.scalar(select(c.c.email).where(
            c.c.id == customer_id, c.c.erased_at.is_(None)))
        if email is None:
            raise NotFound("customer", customer_id)
        await _pseudonymize(uow, customer_id, now)
        await _forget(uow, customer_id, email)
        await _purge_sent_events(uow, customer_id)
        await audit.record(uow, principal, action="erase", resource="customer",
                           resource_id=customer_id, customer_id=customer_id, at=now)
        uow.publish(CustomerErased(customer_id=customer_id, erased_at=now))


async def _pseudonymize(uow: UnitOfWork, customer_id: str, now: datetime) -> None:
    # Rows that money or bookings point at stay, holding ids and amounts only.
    c, sr, cb = tables.customers, tables.support_requests, tables.callback_requests
    await uow.session.execute(update(c).where(c.c.id == customer_id).values(
        email=f"{customer_id.lower()}@erased.invalid", display_name=ERASED, phone=None,
        password_hash=UNUSABLE_PASSWORD, erased_at=now))
    await uow.session.execute(update(sr).where(sr.c.customer_id == customer_id)
                              .values(subject=ERASED, message=ERASED))
    await uow.session.execute(update(cb).where(cb.c.customer_id == customer_id)
                              .values(phone=ERASED))


async def _forget(uow: UnitOfWork, customer_id: str, email: str) -> None:
    for table in (tables.refresh_tokens, tables.purchases, tables.idempotency_keys):
        await uow.session.execute(delete(table).where(table.c.customer_id == customer_id))
    await uow.session.execute(delete(tables.login_throttle).where(
        tables.login_throttle.c.login_key == login_key(email)))


async def _purge_sent_events(uow: UnitOfWork, customer_id: str) -> None:
    # Delivered events are kept a day for diagnosis; those about this customer go now.
    o = tables.outbox
    await uow.session.execute(delete(o).where(
        o.c.sent_at.is_not(None), o.c.payload.contains(customer_id, autoescape=True)))
