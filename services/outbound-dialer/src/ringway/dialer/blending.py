"""Blending: inbound contacts waiting in routing's queues take precedence over outbound calls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

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
DEFAULT_SL_S, DEFAULT_SL_TARGET = 20.0, 0.8  # routing's defaults for a queue


async def inbound_outcome(uow: UnitOfWork, contact_id: str, queue_id: str, at: datetime,
                          waited_ms: int, *, answered: bool) -> None:
    """An inbound contact was answered or abandoned after `waited_ms`; old outcomes go."""
    t = tables.inbound_outcomes
    await uow.session.execute(uow.db.insert(t).values(
        contact_id=contact_id, queue_id=queue_id, at=at, waited_ms=waited_ms,
        answered=answered).on_conflict_do_nothing())
    await uow.session.execute(delete(t).where(t.c.at < at - PRUNE_AFTER))


async def queue_configured(uow: UnitOfWork, queue_id: str, config: dict[str, Any],
                           at: datetime) -> None:
    """Keep the queue's own service-level objective (routing's queue configuration)."""
    try:
        seconds = float(config.get("service_level_s", DEFAULT_SL_S))
        target = float(config.get("service_level_target", DEFAULT_SL_TARGET))
    except (TypeError, ValueError):
        return  # a configuration the dialer cannot read leaves the campaign's defaults
    t = tables.queue_targets
    values = {"service_level_s": seconds, "target": target, "changed_at": at}
    await uow.session.execute(uow.db.insert(t).values(queue_id=queue_id, **values)
                              .on_conflict_do_update(index_elements=["queue_id"], set_=values,
                                                     where=t.c.changed_at <= at))


async def service_levels(uow: UnitOfWork, now: datetime, threshold_s: int,
                         window: timedelta) -> list[QueueLevel]:
    """Each inbound queue's service level over the window, waiting contacts included.

    A queue is judged on its own threshold and target when routing has told them, else on
    the campaign's.
    """
    t, w, q = tables.inbound_outcomes, tables.inbound_waiting, tables.queue_targets
    threshold_ms = func.coalesce(q.c.service_level_s, threshold_s) * 1000
    in_time = (t.c.answered & (t.c.waited_ms <= threshold_ms))
    counted = t.c.answered | (t.c.waited_ms > threshold_ms)  # short abandons left out
    rows = (await uow.session.execute(
        select(t.c.queue_id, func.sum(_as_int(in_time)), func.sum(_as_int(counted)))
        .select_from(t.outerjoin(q, q.c.queue_id == t.c.queue_id))
        .where(t.c.at >= now - window).group_by(t.c.queue_id))).all()
    offered = {str(queue): [int(a or 0), int(b or 0)] for queue, a, b in rows}
    targets = {str(r.queue_id): r for r in (await uow.session.execute(select(q))).all()}
    for queue_id, since in (await uow.session.execute(select(w.c.queue_id, w.c.since))).all():
        known = targets.get(str(queue_id))
        limit = known.service_level_s if known is not None else threshold_s
        if _aware(since) < now - timedelta(seconds=limit):  # it has missed the threshold
            offered.setdefault(str(queue_id), [0, 0])[1] += 1
    return [QueueLevel(queue, a, b, targets[queue].target if queue in targets else None)
            for queue, (a, b) in sorted(offered.items())]


def _as_int(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


def _aware(value: datetime) -> datetime:
    # SQLite drops the offset of stored times; the dialer stores UTC only.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
