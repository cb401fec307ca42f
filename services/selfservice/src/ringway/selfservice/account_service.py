"""Account reads: balance, ledger, invoices, payments (each read audited)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, Row, Select, String, Table, bindparam, func, insert, select

from ringway.selfservice import audit, ownership, tables, writes
from ringway.selfservice.payments_schemas import (
    AccountRead,
    InvoiceRead,
    LedgerEntryRead,
    PaymentRead,
)
from ringway.selfservice.payments_service import balance_and_pending_columns
from ringway.shared.contracts.selfservice import SelfServiceActionCompleted
from ringway.shared.db.uow import UnitOfWork, UnitOfWorkFactory
from ringway.shared.web.auth import Principal, Role
from ringway.shared.web.problems import NotFound

READ_LIMIT = 200
OUTBOX_COLUMNS = ("event_id", "topic", "key", "event_type", "headers", "payload", "created_at")


async def _open_read(uow: UnitOfWork, principal: Principal, customer_id: str, resource: str,
                     now: datetime) -> None:
    await ownership.ensure_exists(uow, customer_id)
    await audit.record(uow, principal, action="read", resource=resource, resource_id=None,
                       customer_id=customer_id, at=now)


async def account(uow_factory: UnitOfWorkFactory, *, principal: Principal, customer_id: str,
                  currency: str, now: datetime) -> AccountRead:
    """What the customer owes and what is pending."""
    ownership.ensure_may_read(principal, customer_id)
    uow = uow_factory()
    audited = audit.entry(principal, action="read", resource="account", resource_id=None,
                          customer_id=customer_id, at=now)
    # Checking one's account is a self-service action: it counts for containment.
    viewed = SelfServiceActionCompleted(
        customer_id=customer_id, session_id=principal.subject, action="account_viewed",
        outcome="succeeded", occurred_at=now) if Role.CUSTOMER in principal.roles else None
    if uow.db.is_postgres:
        row = await _read_and_record(uow, customer_id, audited, viewed)
        if row.customer is None:
            raise NotFound("customer", customer_id)  # and nothing was written
    else:
        async with uow:
            row = (await uow.session.execute(_ACCOUNT, {"customer_id": customer_id})).one()
            if row.customer is None:
                raise NotFound("customer", customer_id)
            await uow.session.execute(_AUDIT, audited)
            if viewed is not None:
                uow.publish(viewed)
    return AccountRead(customer_id=customer_id, currency=currency, balance_cents=int(row.balance),
                       pending_cents=int(row.pending), open_invoices=int(row.open_invoices))


async def _read_and_record(uow: UnitOfWork, customer_id: str, audited: dict[str, object],
                           viewed: SelfServiceActionCompleted | None) -> Row[Any]:
    """PostgreSQL: figures, audit row and the event's outbox row in one autocommit statement.

    One round trip, no BEGIN/COMMIT: a single statement is atomic by itself, and the rows
    are written only if the customer exists (and is not erased).
    """
    params = {"customer_id": customer_id, **writes.bound(audited, "audit_")}
    statement = _ACCOUNT_AUDITED
    if viewed is not None:
        params.update(writes.bound(uow.outbox_row(viewed), "event_"))
        statement = _ACCOUNT_AUDITED_WITH_EVENT
    return (await uow.execute_alone(statement, params))[0]


def _account_figures() -> Select[Any]:
    c, i = tables.customers, tables.invoices
    customer_id: BindParameter[str] = bindparam("customer_id", type_=String())
    live = (select(c.c.id).where(c.c.id == customer_id, c.c.erased_at.is_(None))
            .scalar_subquery())
    balance, pending = balance_and_pending_columns(customer_id)
    open_invoices = (select(func.count()).select_from(i)
                     .where(i.c.customer_id == customer_id, i.c.status == "open")
                     .scalar_subquery())
    return select(live.label("customer"), balance.label("balance"), pending.label("pending"),
                  open_invoices.label("open_invoices"))


# Built once: constructing the statement per request cost more than running it.
_ACCOUNT = _account_figures()
_AUDIT = insert(tables.audit_log)
_LIVE = (select(tables.customers.c.id)
         .where(tables.customers.c.id == bindparam("customer_id", type_=String()),
                tables.customers.c.erased_at.is_(None)).exists())
_ACCOUNT_AUDITED = _account_figures().add_cte(
    writes.insert_cte(tables.audit_log, "audit_", audit.COLUMNS, when=_LIVE))
_ACCOUNT_AUDITED_WITH_EVENT = _ACCOUNT_AUDITED.add_cte(
    writes.insert_cte(tables.outbox, "event_", OUTBOX_COLUMNS, when=_LIVE))


async def _rows(uow_factory: UnitOfWorkFactory, principal: Principal, customer_id: str,
                table: Table, order: Any, now: datetime) -> list[dict[str, Any]]:
    ownership.ensure_may_read(principal, customer_id)
    async with uow_factory() as uow:
        await _open_read(uow, principal, customer_id, table.name, now)
        rows = (await uow.session.execute(select(table).where(
            table.c.customer_id == customer_id).order_by(order.desc()).limit(READ_LIMIT)
        )).mappings().all()
    return [dict(row) for row in rows]


async def ledger(uow_factory: UnitOfWorkFactory, *, principal: Principal, customer_id: str,
                 now: datetime) -> list[LedgerEntryRead]:
    """Ledger entries, newest first."""
    t = tables.ledger_entries
    rows = await _rows(uow_factory, principal, customer_id, t, t.c.id, now)
    return [LedgerEntryRead.model_validate(r) for r in rows]


async def invoices(uow_factory: UnitOfWorkFactory, *, principal: Principal, customer_id: str,
                   now: datetime) -> list[InvoiceRead]:
    """Invoices, newest first."""
    t = tables.invoices
    rows = await _rows(uow_factory, principal, customer_id, t, t.c.id, now)
    return [InvoiceRead.model_validate(r) for r in rows]


async def payments(uow_factory: UnitOfWorkFactory, *, principal: Principal, customer_id: str,
                   now: datetime) -> list[PaymentRead]:
    """Payments, newest first."""
    t = tables.payments
    rows = await _rows(uow_factory, principal, customer_id, t, t.c.id, now)
    return [PaymentRead.model_validate(r) for r in rows]
