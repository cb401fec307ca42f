"""Bounded memory: forget per-contact state once no event can still need it.

The interval aggregates are the product and stay; what grows with every contact is the state
kept to read events right: the wallboard's row per contact, the contacts seen (to tell a
transfer from a new contact) and each customer's contacts (first-contact resolution). Each is
pruned against the newest event time it holds, not the wall clock, so a replay of old events
keeps the state its own events still need.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Column, and_, delete, func, or_, select

from ringway.metrics import domain, tables
from ringway.shared.db.uow import UnitOfWorkFactory
from ringway.shared.periodic import Periodic
from ringway.shared.runtime import ServiceRuntime

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Retention:
    """How long per-contact state is kept behind the newest event that wrote it."""

    finished_contacts: timedelta = timedelta(hours=24)  # wallboard rows no longer waiting
    stale_waiting: timedelta = timedelta(hours=72)  # waiting, but no end event ever came
    contacts_seen: timedelta = timedelta(days=7)
    customer_contacts: timedelta = timedelta(days=6)  # twice the longest FCR window allowed


async def prune(uow_factory: UnitOfWorkFactory, keep: Retention) -> dict[str, int]:
    """Delete state older than `keep`; returns rows deleted per table."""
    w, s, c = tables.waiting_contacts, tables.contact_seen, tables.customer_contacts
    deleted: dict[str, int] = {}
    async with uow_factory() as uow:
        newest = await _newest(uow, w.c.changed_at)
        if newest is not None:
            done = and_(w.c.waiting == 0, w.c.changed_at < newest - keep.finished_contacts)
            stale = w.c.changed_at < newest - keep.stale_waiting
            deleted[w.name] = await _delete(uow, w, or_(done, stale))
        newest = await _newest(uow, s.c.queued_at)
        if newest is not None:
            deleted[s.name] = await _delete(uow, s, s.c.queued_at < newest - keep.contacts_seen)
        newest = await _newest(uow, c.c.arrived_at)
        if newest is not None:
            horizon = newest - keep.customer_contacts
            old = and_(or_(c.c.arrived_at.is_(None), c.c.arrived_at < horizon),
                       or_(c.c.completed_at.is_(None), c.c.completed_at < horizon))
            deleted[c.name] = await _delete(uow, c, old)
    return deleted


async def _newest(uow: Any, column: Column[Any]) -> datetime | None:
    value = (await uow.session.execute(select(func.max(column)))).scalar()
    if value is None:
        return None
    # SQLite returns MAX() of the column as text, PostgreSQL as a datetime.
    return domain.as_utc(datetime.fromisoformat(value) if isinstance(value, str) else value)


async def _delete(uow: Any, table: Any, condition: Any) -> int:
    result = await uow.session.execute(delete(table).where(condition))
    return int(getattr(result, "rowcount", 0) or 0)


def install_pruning(runtime: ServiceRuntime, keep: Retention, every_s: float) -> None:
    """Prune every `every_s` seconds on the active instance."""

    async def job() -> None:
        deleted = await prune(runtime.uow, keep)
        log.info("pruned per-contact state", extra={"deleted": deleted})

    job_loop = Periodic("metrics-prune", every_s, job)
    runtime.on_leadership(job_loop.start, job_loop.stop)
