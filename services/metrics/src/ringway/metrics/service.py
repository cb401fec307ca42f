"""Metrics use cases: fold events into interval aggregates and read them back with KPIs."""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Select, Table, select

from ringway.metrics import domain, tables
from ringway.metrics.domain import IntervalCounts, KpiRules
from ringway.metrics.domain.kpis import combine
from ringway.metrics.schemas import (
    IntervalKpiRead,
    IntervalKpiReport,
    SelfServiceCountRead,
    SelfServiceReport,
)
from ringway.metrics.store import increment
from ringway.shared.contracts.common import Channel
from ringway.shared.contracts.selfservice import SelfServiceActionCompleted
from ringway.shared.db.uow import UnitOfWork, UnitOfWorkFactory
from ringway.shared.web.problems import ProblemError

COUNT_COLUMNS = tuple(f.name for f in fields(IntervalCounts))


async def count_selfservice(uow: UnitOfWork, event: SelfServiceActionCompleted,
                            rules: KpiRules) -> None:
    """One more action with its outcome, in the interval it happened."""
    key = {"interval_start": domain.floor_interval(event.occurred_at, rules.interval_minutes),
           "action": event.action, "outcome": event.outcome}
    await increment(uow, tables.selfservice_stats, key, {"count": 1})


async def interval_report(uow_factory: UnitOfWorkFactory, rules: KpiRules, *, start: datetime,
                          end: datetime, queue_id: str | None = None,
                          channel: Channel | None = None,
                          interval_minutes: int | None = None) -> IntervalKpiReport:
    """Rows starting in [start, end), rolled up to `interval_minutes`, per queue and channel."""
    start, end = checked_range(start, end)
    size = check_interval(rules, interval_minutes)
    await ensure_known_queue(uow_factory, queue_id)
    t = tables.interval_stats
    query = in_range(t, start, end)
    if queue_id is not None:
        query = query.where(t.c.queue_id == queue_id)
    if channel is not None:
        query = query.where(t.c.channel == channel.value)
    groups: dict[tuple[datetime, str, str], list[IntervalCounts]] = {}
    for row in await fetch(uow_factory, query):
        bucket = domain.floor_interval(domain.as_utc(row["interval_start"]), size)
        counts = IntervalCounts(**{name: row[name] for name in COUNT_COLUMNS})
        groups.setdefault((bucket, row["queue_id"], row["channel"]), []).append(counts)
    items = [_interval_row(key, combine(rows)) for key, rows in sorted(groups.items())]
    return IntervalKpiReport(
        start=start, end=end, interval_minutes=size,
        service_level_threshold_s=rules.service_level_threshold_s,
        short_abandon_s=rules.short_abandon_s, items=items)


async def ensure_known_queue(uow_factory: UnitOfWorkFactory, queue_id: str | None) -> None:
    """404 for a queue metrics has never seen an event of (a typo, not an idle queue)."""
    if queue_id is None:
        return
    t = tables.interval_stats
    rows = await fetch(uow_factory, select(t.c.queue_id).where(t.c.queue_id == queue_id).limit(1))
    if not rows:
        raise ProblemError(404, "Unknown queue", f"no event has named queue {queue_id!r}",
                           code="unknown-queue", queue_id=queue_id)


def check_interval(rules: KpiRules, minutes: int | None) -> int:
    """The reporting interval: the base one, or a multiple of it that divides an hour."""
    if minutes is None:
        return rules.interval_minutes
    if minutes % rules.interval_minutes or 60 % minutes:
        raise ProblemError(422, "Invalid interval",
                           f"interval must be a multiple of {rules.interval_minutes} minutes "
                           "that divides an hour", code="invalid-interval",
                           base_interval_minutes=rules.interval_minutes)
    return minutes


async def selfservice_report(uow_factory: UnitOfWorkFactory, rules: KpiRules, *,
                             start: datetime, end: datetime) -> SelfServiceReport:
    """Self-service rows starting in [start, end)."""
    start, end = checked_range(start, end)
    t = tables.selfservice_stats
    query = in_range(t, start, end).order_by(t.c.interval_start, t.c.action, t.c.outcome)
    rows = await fetch(uow_factory, query)
    items = [SelfServiceCountRead.model_validate(
        {**row, "interval_start": domain.as_utc(row["interval_start"])}) for row in rows]
    return SelfServiceReport(start=start, end=end, interval_minutes=rules.interval_minutes,
                             items=items)


def checked_range(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """The range in UTC, or a 422 problem when it is reversed, empty or too long."""
    try:
        return domain.check_range(start, end)
    except domain.InvalidRange as error:
        raise ProblemError(422, "Invalid time range", str(error), code="invalid-time-range",
                           max_days=domain.MAX_RANGE.days) from None


def in_range(table: Table, start: datetime, end: datetime) -> Select[Any]:
    """Rows of `table` whose interval starts in [start, end)."""
    # Bounds are UTC: SQLite stores the UTC wall time as text, so they compare correctly.
    column = table.c.interval_start
    return select(table).where(column >= start, column < end)


async def fetch(uow_factory: UnitOfWorkFactory, query: Select[Any]) -> list[dict[str, Any]]:
    """Run a read in its own unit of work."""
    async with uow_factory() as uow:
        rows = (await uow.session.execute(query)).mappings().all()
    return [dict(row) for row in rows]


def _interval_row(key: tuple[datetime, str, str], counts: IntervalCounts) -> IntervalKpiRead:
    bucket, queue, channel = key
    return IntervalKpiRead(interval_start=bucket, queue_id=queue, channel=channel,
                           **asdict(counts), **asdict(domain.kpis(counts)))
