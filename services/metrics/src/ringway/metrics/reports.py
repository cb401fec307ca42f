"""Agent and contact-reason reports read from the read models."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ringway.metrics import domain, tables
from ringway.metrics.domain import KpiRules
from ringway.metrics.domain.agents import LOGGED_IN, agent_time, staffed_agents
from ringway.metrics.schemas import AgentKpiRead, AgentKpiReport, ReasonRead, ReasonReport
from ringway.metrics.service import (
    check_interval,
    checked_range,
    ensure_known_queue,
    fetch,
    in_range,
)
from ringway.shared.db.uow import UnitOfWorkFactory

AGENT_SUMS = ("answered", "handled", "talk_ms_total", "hold_ms_total", "wrap_up_ms_total")

Key = tuple[datetime, str]


async def agent_report(uow_factory: UnitOfWorkFactory, rules: KpiRules, *, start: datetime,
                       end: datetime, agent_id: str | None = None,
                       interval_minutes: int | None = None) -> AgentKpiReport:
    """Per agent and interval: contacts, handle time split, state time, occupancy."""
    start, end = checked_range(start, end)
    size = check_interval(rules, interval_minutes)
    contacts = await _agent_contacts(uow_factory, start, end, agent_id, size)
    states = await _agent_states(uow_factory, start, end, agent_id, size)
    items = [_agent_row(key, contacts.get(key, {}), states.get(key, {}))
             for key in sorted(contacts.keys() | states.keys())]
    return AgentKpiReport(start=start, end=end, interval_minutes=size, items=items)


async def _agent_contacts(uow_factory: UnitOfWorkFactory, start: datetime, end: datetime,
                          agent_id: str | None, size: int) -> dict[Key, dict[str, int]]:
    t = tables.agent_stats
    query = in_range(t, start, end)
    if agent_id is not None:
        query = query.where(t.c.agent_id == agent_id)
    sums: dict[Key, dict[str, int]] = {}
    for row in await fetch(uow_factory, query):
        into = sums.setdefault(_key(row, size), dict.fromkeys(AGENT_SUMS, 0))
        for name in AGENT_SUMS:
            into[name] += row[name]
    return sums


async def _agent_states(uow_factory: UnitOfWorkFactory, start: datetime, end: datetime,
                        agent_id: str | None, size: int) -> dict[Key, dict[tuple[str, str], int]]:
    t = tables.agent_state_time
    query = in_range(t, start, end)
    if agent_id is not None:
        query = query.where(t.c.agent_id == agent_id)
    times: dict[Key, dict[tuple[str, str], int]] = {}
    for row in await fetch(uow_factory, query):
        into = times.setdefault(_key(row, size), {})
        state = (row["state"], row["reason"])
        into[state] = into.get(state, 0) + row["ms"]
    return times


def _key(row: Mapping[str, Any], size: int) -> Key:
    return domain.floor_interval(domain.as_utc(row["interval_start"]), size), row["agent_id"]


def _agent_row(key: Key, sums: Mapping[str, int],
               states: Mapping[tuple[str, str], int]) -> AgentKpiRead:
    handled = sums.get("handled", 0)
    time = agent_time(states)
    handle = sum(sums.get(n, 0) for n in AGENT_SUMS[2:])
    return AgentKpiRead(
        interval_start=key[0], agent_id=key[1], answered=sums.get("answered", 0),
        handled=handled, aht_ms=domain.ratio(handle, handled),
        avg_talk_ms=domain.ratio(sums.get("talk_ms_total", 0), handled),
        avg_hold_ms=domain.ratio(sums.get("hold_ms_total", 0), handled),
        avg_wrap_up_ms=domain.ratio(sums.get("wrap_up_ms_total", 0), handled),
        logged_in_ms=time.logged_in_ms, ready_ms=time.ready_ms, handling_ms=time.handling_ms,
        not_ready_ms=time.not_ready_ms, not_ready_by_reason=time.not_ready_by_reason,
        occupancy=time.occupancy, utilization=time.utilization)


async def reason_report(uow_factory: UnitOfWorkFactory, categories: Mapping[str, str], *,
                        start: datetime, end: datetime, queue_id: str | None = None,
                        channel: str | None = None) -> ReasonReport:
    """Offered, handled and resolved per contact reason, with category totals and shares."""
    start, end = checked_range(start, end)
    await ensure_known_queue(uow_factory, queue_id)
    t = tables.reason_stats
    query = in_range(t, start, end)
    if queue_id is not None:
        query = query.where(t.c.queue_id == queue_id)
    if channel is not None:
        query = query.where(t.c.channel == channel)
    sums: dict[str, dict[str, int]] = {}
    for row in await fetch(uow_factory, query):
        into = sums.setdefault(row["reason"], {"offered": 0, "handled": 0, "resolved": 0})
        for name in into:
            into[name] += row[name]
    total = sum(s["offered"] for s in sums.values())
    reasons = [ReasonRead(reason=reason, category=categories.get(reason, "other"),
                          share=domain.ratio(s["offered"], total) or 0.0, **s)
               for reason, s in sorted(sums.items(), key=lambda item: -item[1]["offered"])]
    by_category: dict[str, int] = {}
    for r in reasons:
        by_category[r.category] = by_category.get(r.category, 0) + r.offered
    return ReasonReport(start=start, end=end, reasons=reasons, categories=by_category)


async def staffed_by_interval(uow_factory: UnitOfWorkFactory, rules: KpiRules, *,
                              start: datetime, end: datetime) -> dict[datetime, float]:
    """Average agents logged in per base interval (all agents)."""
    start, end = checked_range(start, end)
    t = tables.agent_state_time
    logged: dict[datetime, int] = {}
    for row in await fetch(uow_factory, in_range(t, start, end)):
        if row["state"] in LOGGED_IN:
            moment = domain.as_utc(row["interval_start"])
            logged[moment] = logged.get(moment, 0) + row["ms"]
    return {m: staffed_agents(ms, rules.interval_minutes) for m, ms in logged.items()}
