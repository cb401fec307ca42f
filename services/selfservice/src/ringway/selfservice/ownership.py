"""Who may see or change a customer's things: checked first, answered like a missing id."""

from __future__ import annotations

from sqlalchemy import String, bindparam, select, update

from ringway.selfservice import domain, tables
from ringway.selfservice.domain.access import may_act_for
from ringway.shared.db.uow import UnitOfWork
from ringway.shared.web.auth import Principal
from ringway.shared.web.problems import NotFound


def ensure_may_read(principal: Principal, customer_id: str) -> None:
    """Staff read anyone; a customer only itself (another id is a 404, never a 403)."""
    if not domain.may_read_customer(principal, customer_id):
        raise NotFound("customer", customer_id)


def ensure_may_act(principal: Principal, customer_id: str) -> None:
    """Only the customer, or an admin on their behalf, acts for a customer."""
    if not may_act_for(principal, customer_id):
        raise NotFound("customer", customer_id)


async def ensure_exists(uow: UnitOfWork, customer_id: str) -> None:
    """404 unless the customer exists."""
    found = await uow.session.scalar(
        select(tables.customers.c.id).where(tables.customers.c.id == customer_id,
                                            tables.customers.c.erased_at.is_(None)))
    if found is None:
        raise NotFound("customer", customer_id)


_c = tables.customers
# A no-op update takes the row lock; built once (it runs on every payment and booking).
_LOCK = (update(_c).where(_c.c.id == bindparam("lock_id", type_=String()),
                          _c.c.erased_at.is_(None)).values(country=_c.c.country))


async def lock_customer(uow: UnitOfWork, customer_id: str) -> None:
    """Serialize money and booking decisions per customer (a row lock; SQLite's write lock)."""
    result = await uow.session.execute(_LOCK, {"lock_id": customer_id})
    if getattr(result, "rowcount", 0) != 1:
        raise NotFound("customer", customer_id)
