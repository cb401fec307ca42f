"""Metrics use cases: fold events into interval aggregates and read them back with KPIs."""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Select, Table, select
from sqlalchemy.dialects import postgresql, sqlite

from ringway.metrics import domain, tables
from ringway.metrics.domain import IntervalCounts, KpiRules
from ringway.metrics.schemas import (
    IntervalKpiRead,
    IntervalKpiReport,
    SelfServiceCountRead,
    SelfServiceReport,
)
from ringway.shared.contracts.common import Channel
from ringway.shared.contracts.contacts import (
    ContactAbandoned,
    ContactAccepted,
    ContactCompleted,
    ContactQueued,
)
from ringway.shared.contracts.selfservice import SelfServiceActionCompleted
from ringway.shared.db.uow import UnitOfWork, UnitOfWorkFactory
from ringway.shared.web.problems import ProblemError

COUNT_COLUMNS = tuple(f.name for f in fields(IntervalCounts))


async def count_queued(uow: UnitOfWork, event: ContactQueued, rules: KpiRules) -> None:
    """Offered, in the interval the contact arrived."""
    await _add(uow, rules, event.arrived_at, event.queue_id, event.channel, domain.queued())


async def count_accepted(uow: UnitOfWork, event: ContactAccepted, rules: KpiRules) -> None:
    """Answered (and its wait), in the interval the agent accepted."""
    counts = domain.answered(event.waited_ms, rules)
    await _add(uow, rules, event.accepted_at, event.queue_id, event.channel, counts)


async def count_abandoned(uow: UnitOfWork, event: ContactAbandoned, rules: KpiRules) -> None:
    """Abandoned, in the interval the customer left."""
    await _add(uow, rules, event.abandoned_at, event.queue_id, event.channel, domain.abandoned())


async def count_completed(uow: UnitOfWork, event: ContactCompleted, rules: KpiRules) -> None:
    """Handled (and its handle time), in the interval handling ended."""
    counts = domain.completed(event.talk_ms, event.hold_ms, event.wrap_up_ms)
    await _add(uow, rules, event.completed_at, event.queue_id, event.channel, counts)


async def count_selfservice(uow: UnitOfWork, event: SelfServiceActionCompleted,
                            rules: KpiRules) -> None:
    """One more action with its outcome, in the interval it happened."""
    key = {"interval_start": domain.floor_interval(event.occurred_at, rules.interval_minutes),
           "action": event.action, "outcome": event.outcome}
    await _increment(uow, tables.selfservice_stats, key, {"count": 1})


async def _add(uow: UnitOfWork, rules: KpiRules, moment: datetime, queue_id: str,
               channel: Channel, counts: IntervalCounts) -> None:
    key = {"interval_start": domain.floor_interval(moment, rules.interval_minutes),
           "queue_id": queue_id, "channel": channel.value}
    await _increment(uow, tables.interval_stats, key, asdict(counts))


async def _increment(uow: UnitOfWork, table: Table, key: dict[str, Any],
                     amounts: dict[str, int]) -> None:
    # One INSERT ... ON CONFLICT DO UPDATE: atomic under concurrent consumers, no read first.
    statement = _insert(uow, table).values(**key, **amounts)
    excluded = statement.excluded
    statement = statement.on_conflict_do_update(
        index_elements=list(key),
        set_={name: table.c[name] + excluded[name] for name in amounts},
    )
    await uow.session.execute(statement)


def _insert(uow: UnitOfWork, table: Table) -> postgresql.Insert | sqlite.Insert:
    if uow.db.is_postgres:
        return postgresql.insert(table)
    return sqlite.insert(table)


async def interval_report(uow_factory: UnitOfWorkFactory, rules: KpiRules, *, start: datetime,
                          end: datetime, queue_id: str | None = None,
                          channel: Channel | None = None) -> IntervalKpiReport:
    """Interval rows starting in [start, end), optionally of one queue and/or channel."""
    start, end = _range(start, end)
    t = tables.interval_stats
    query = _in_range(t, start, end).order_by(t.c.interval_start, t.c.queue_id, t.c.channel)
    if queue_id is not None:
        query = query.where(t.c.queue_id == queue_id)
    if channel is not None:
        query = query.where(t.c.channel == channel.value)
    rows = await _fetch(uow_factory, query)
    return IntervalKpiReport(
        start=start, end=end, interval_minutes=rules.interval_minutes,
        service_level_threshold_s=rules.service_level_threshold_s,
        items=[_interval_row(row) for row in rows])


async def selfservice_report(uow_factory: UnitOfWorkFactory, rules: KpiRules, *,
                             start: datetime, end: datetime) -> SelfServiceReport:
    """Self-service rows starting in [start, end)."""
    start, end = _range(start, end)
    t = tables.selfservice_stats
    query = _in_range(t, start, end).order_by(t.c.interval_start, t.c.action, t.c.outcome)
    rows = await _fetch(uow_factory, query)
    items = [SelfServiceCountRead.model_validate(
        {**row, "interval_start": domain.as_utc(row["interval_start"])}) for row in rows]
    return SelfServiceReport(start=start, end=end, interval_minutes=rules.interval_minutes,
                             items=items)


def _range(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    try:
        return domain.check_range(start, end)
    except domain.InvalidRange as error:
        raise ProblemError(422, "Invalid time range", str(error), code="invalid-time-range",
                           max_days=domain.MAX_RANGE.days) from None


def _in_range(table: Table, start: datetime, end: datetime) -> Select[Any]:
    # Bounds are UTC: SQLite stores the UTC wall time as text, so they compare correctly.
    column = table.c.interval_start
    return select(table).where(column >= start, column < end)


async def _fetch(uow_factory: UnitOfWorkFactory, query: Select[Any]) -> list[dict[str, Any]]:
    async with uow_factory() as uow:
        rows = (await uow.session.execute(query)).mappings().all()
    return [dict(row) for row in rows]


def _interval_row(row: dict[str, Any]) -> IntervalKpiRead:
    counts = IntervalCounts(**{name: row[name] for name in COUNT_COLUMNS})
    return IntervalKpiRead(
        interval_start=domain.as_utc(row["interval_start"]), queue_id=row["queue_id"],
        channel=row["channel"], **asdict(counts), **asdict(domain.kpis(counts)))
