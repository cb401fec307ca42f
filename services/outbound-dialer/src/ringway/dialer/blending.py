"""Blending: inbound contacts waiting in routing's queues take precedence over outbound calls."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, case, delete, func, select

from ringway.dialer import tables
from ringway.dialer.domain.blending import QueueLevel
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


PRUNE_AFTER = timedelta(days=1)


async def inbound_outcome(uow: UnitOfWork, contact_id: str, queue_id: str, at: datetime,
                          waited_ms: int, *, answered: bool) -> None:
    """An inbound contact was answered or abandoned after `waited_ms`; old outcomes go."""
    t = tables.inbound_outcomes
    await uow.session.execute(uow.db.insert(t).values(
        contact_id=contact_id, queue_id=queue_id, at=at, waited_ms=waited_ms,
        answered=answered).on_conflict_do_nothing())
    await uow.session.execute(delete(t).where(t.c.at < at - PRUNE_AFTER))


async def service_levels(uow: UnitOfWork, now: datetime, threshold_s: int,
                         window: timedelta) -> list[QueueLevel]:
    """Each inbound queue's service level over the window, waiting contacts included."""
    t, w = tables.inbound_outcomes, tables.inbound_waiting
    threshold_ms = threshold_s * 1000
    in_time = (t.c.answered & (t.c.waited_ms <= threshold_ms))
    counted = t.c.answered | (t.c.waited_ms > threshold_ms)  # short abandons left out
    rows = (await uow.session.execute(
        select(t.c.queue_id, func.sum(_as_int(in_time)), func.sum(_as_int(counted)))
        .where(t.c.at >= now - window).group_by(t.c.queue_id))).all()
    offered = {str(q): [int(a or 0), int(b or 0)] for q, a, b in rows}
    late = await uow.session.execute(
        select(w.c.queue_id, func.count()).where(w.c.since < now - timedelta(
            seconds=threshold_s)).group_by(w.c.queue_id))
    for queue_id, count in late.all():
        offered.setdefault(str(queue_id), [0, 0])[1] += int(count)
    return [QueueLevel(q, a, b) for q, (a, b) in sorted(offered.items())]


def _as_int(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)
