"""First-contact resolution: a handled contact is repeated when the same customer comes back for
the same reason within the window. Found whichever contact's event is processed first."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, select, update

from ringway.metrics import domain, tables
from ringway.metrics.domain import IntervalCounts, KpiRules
from ringway.shared.db.uow import UnitOfWork

AddCounts = Callable[[UnitOfWork, KpiRules, datetime, str, str, IntervalCounts],
                     Coroutine[Any, Any, None]]
t = tables.customer_contacts


async def arrived(uow: UnitOfWork, rules: KpiRules, add: AddCounts, *, customer_id: str,
                  reason: str, contact_id: str, at: datetime) -> None:
    """A contact arrived: earlier completed contacts within the window are repeated."""
    await _lock(uow, customer_id, reason)
    await _remember(uow, customer_id, reason, contact_id, {"arrived_at": at})
    window = timedelta(hours=rules.fcr_window_h)
    earlier = and_(t.c.completed_at < at, t.c.completed_at >= at - window)
    for row in await _open(uow, customer_id, reason, contact_id, earlier):
        await _flag(uow, rules, add, row)


async def completed(uow: UnitOfWork, rules: KpiRules, add: AddCounts, *, customer_id: str,
                    reason: str, contact_id: str, at: datetime, queue_id: str,
                    channel: str) -> None:
    """A contact was handled: it is repeated if a later arrival within the window is known."""
    await _lock(uow, customer_id, reason)
    await _remember(uow, customer_id, reason, contact_id,
                    {"completed_at": at, "queue_id": queue_id, "channel": channel})
    window = timedelta(hours=rules.fcr_window_h)
    later = and_(t.c.arrived_at > at, t.c.arrived_at <= at + window)
    if await _open(uow, customer_id, reason, contact_id, later, repeated_only=False):
        row = await _get(uow, customer_id, reason, contact_id)
        if row is not None and not row["repeated"]:
            await _flag(uow, rules, add, row)


async def erase(uow: UnitOfWork, customer_id: str) -> None:
    """Forget a customer's contacts (customer.erased)."""
    await uow.session.execute(delete(t).where(t.c.customer_id == customer_id))
    k = tables.fcr_keys
    await uow.session.execute(delete(k).where(k.c.customer_id == customer_id))


async def _lock(uow: UnitOfWork, customer_id: str, reason: str) -> None:
    # Writing this row first takes its lock until commit (PostgreSQL) or the write lock
    # (SQLite): a concurrent handler for the same customer and reason waits, then sees our rows.
    k = tables.fcr_keys
    statement = uow.db.insert(k).values(customer_id=customer_id, reason=reason, touched=1)
    await uow.session.execute(statement.on_conflict_do_update(
        index_elements=["customer_id", "reason"], set_={"touched": k.c.touched + 1}))


async def _remember(uow: UnitOfWork, customer_id: str, reason: str, contact_id: str,
                    values: dict[str, Any]) -> None:
    statement = uow.db.insert(t).values(customer_id=customer_id, reason=reason,
                                      contact_id=contact_id, repeated=0, **values)
    await uow.session.execute(statement.on_conflict_do_update(
        index_elements=["customer_id", "reason", "contact_id"], set_=values))


async def _open(uow: UnitOfWork, customer_id: str, reason: str, contact_id: str,
                condition: Any, repeated_only: bool = True) -> list[dict[str, Any]]:
    query = select(t).where(t.c.customer_id == customer_id, t.c.reason == reason,
                            t.c.contact_id != contact_id, condition)
    if repeated_only:
        query = query.where(t.c.repeated == 0)
    return [dict(r) for r in (await uow.session.execute(query)).mappings().all()]


async def _get(uow: UnitOfWork, customer_id: str, reason: str,
               contact_id: str) -> dict[str, Any] | None:
    query = select(t).where(t.c.customer_id == customer_id, t.c.reason == reason,
                            t.c.contact_id == contact_id)
    row = (await uow.session.execute(query)).mappings().first()
    return dict(row) if row is not None else None


async def _flag(uow: UnitOfWork, rules: KpiRules, add: AddCounts, row: dict[str, Any]) -> None:
    # Counted once, against the repeated contact's own interval, queue and channel.
    await uow.session.execute(update(t).where(
        t.c.customer_id == row["customer_id"], t.c.reason == row["reason"],
        t.c.contact_id == row["contact_id"]).values(repeated=1))
    await add(uow, rules, domain.as_utc(row["completed_at"]), row["queue_id"], row["channel"],
              IntervalCounts(repeats=1))

