"""Blending: inbound contacts waiting in routing's queues take precedence over outbound calls."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from ringway.dialer import tables
from ringway.shared.db.uow import UnitOfWork


async def inbound_queued(uow: UnitOfWork, contact_id: str, queue_id: str,
                         arrived_at: datetime) -> None:
    """An inbound contact waits (again, after a transfer: it keeps its first arrival)."""
    await uow.session.execute(uow.db.insert(tables.inbound_waiting).values(
        contact_id=contact_id, queue_id=queue_id, since=arrived_at).on_conflict_do_nothing())


async def inbound_left(uow: UnitOfWork, contact_id: str) -> None:
    """An inbound contact was answered, abandoned or closed: it no longer waits."""
    t = tables.inbound_waiting
    await uow.session.execute(delete(t).where(t.c.contact_id == contact_id))


async def inbound_over_target(uow: UnitOfWork, now: datetime, max_wait_s: int | None) -> bool:
    """True while some inbound contact has waited longer than `max_wait_s`."""
    if max_wait_s is None:
        return False
    t = tables.inbound_waiting
    oldest = await uow.session.scalar(select(func.min(t.c.since)))
    return oldest is not None and oldest < now - timedelta(seconds=max_wait_s)
