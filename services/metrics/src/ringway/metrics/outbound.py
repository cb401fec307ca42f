"""Outbound per campaign: attempts and outcomes per interval, and the abandon-rate alert."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from ringway.metrics import domain, tables
from ringway.metrics.domain.kpis import KpiRules
from ringway.metrics.domain.outbound import (
    COUNTS,
    WINDOWS,
    OutboundRules,
    abandon_rate,
    campaign_kpis,
    finished_counts,
    near_cap,
)
from ringway.metrics.schemas import CampaignRead, CampaignReport
from ringway.metrics.service import checked_range, fetch, in_range
from ringway.metrics.store import increment, put
from ringway.shared.contracts.alerts import CampaignAbandonRateNearCap
from ringway.shared.contracts.dialer import AttemptFinished, AttemptStarted
from ringway.shared.db.uow import UnitOfWork, UnitOfWorkFactory

t = tables.campaign_stats


async def attempt_started(uow: UnitOfWork, event: AttemptStarted, rules: KpiRules) -> None:
    """One more attempt, in the interval the call was placed."""
    await _add(uow, rules, event.campaign_id, event.started_at, {"attempts": 1})


async def attempt_finished(uow: UnitOfWork, event: AttemptFinished, rules: KpiRules,
                           outbound: OutboundRules) -> None:
    """Count the outcome; alert (once per crossing) when a window nears the abandon cap."""
    counts = finished_counts(event.outcome, event.disposition, outbound)
    await _add(uow, rules, event.campaign_id, event.finished_at, counts)
    for window, span in WINDOWS.items():
        since = domain.as_utc(event.finished_at) - span
        totals = await _totals(uow, event.campaign_id, since)
        await _check_alert(uow, event, window, totals, outbound)


async def _add(uow: UnitOfWork, rules: KpiRules, campaign_id: str, moment: datetime,
               amounts: dict[str, int]) -> None:
    key = {"interval_start": domain.floor_interval(moment, rules.interval_minutes),
           "campaign_id": campaign_id}
    await increment(uow, t, key, {**dict.fromkeys(COUNTS, 0), **amounts})


async def _totals(uow: UnitOfWork, campaign_id: str, since: datetime) -> dict[str, int]:
    query = select(*(t.c[name] for name in COUNTS)).where(
        t.c.campaign_id == campaign_id, t.c.interval_start > since)
    totals = dict.fromkeys(COUNTS, 0)
    for row in (await uow.session.execute(query)).mappings():
        for name in COUNTS:
            totals[name] += row[name]
    return totals


async def _check_alert(uow: UnitOfWork, event: AttemptFinished, window: str,
                       totals: dict[str, int], outbound: OutboundRules) -> None:
    a = tables.campaign_alerts
    key = {"campaign_id": event.campaign_id, "window": window}
    row = (await uow.session.execute(select(a.c.alerted).where(
        a.c.campaign_id == event.campaign_id, a.c.window == window))).first()
    was, now = bool(row and row[0]), near_cap(totals, outbound)
    if now != was:
        await put(uow, a, key, {"alerted": int(now)})
    if now and not was:
        uow.publish(CampaignAbandonRateNearCap(
            campaign_id=event.campaign_id, window=window,
            abandon_rate=abandon_rate(totals) or 0.0, abandoned=totals["abandoned"],
            live_calls=totals["connected"] + totals["abandoned"], cap=outbound.abandon_cap,
            warn_at=outbound.warn_at, raised_at=event.finished_at))


async def report(uow_factory: UnitOfWorkFactory, *, start: datetime, end: datetime,
                 now: datetime) -> CampaignReport:
    """Per campaign: counts and rates in the range, and abandon rates on the rolling windows."""
    start, end = checked_range(start, end)
    in_range_sums = _sum_by_campaign(await fetch(uow_factory, in_range(t, start, end)))
    month = _sum_by_campaign(await fetch(uow_factory, select(t).where(
        t.c.interval_start > now - WINDOWS["30d"])))
    day = _sum_by_campaign(await fetch(uow_factory, select(t).where(
        t.c.interval_start > now - WINDOWS["24h"])))
    empty = dict.fromkeys(COUNTS, 0)
    items = [CampaignRead(campaign_id=c, **counts, **vars(campaign_kpis(counts)),
                          abandon_rate_24h=abandon_rate(day.get(c, empty)),
                          abandon_rate_30d=abandon_rate(month.get(c, empty)))
             for c, counts in sorted(in_range_sums.items())]
    return CampaignReport(start=start, end=end, items=items)


def _sum_by_campaign(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    sums: dict[str, dict[str, int]] = {}
    for row in rows:
        into = sums.setdefault(row["campaign_id"], dict.fromkeys(COUNTS, 0))
        for name in COUNTS:
            into[name] += row[name]
    return sums
