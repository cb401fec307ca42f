"""The live wallboard: queue depth, oldest waiting, agents by state, service level so far today.

Consumers keep `waiting_contacts` and `agent_presence` current; a snapshot is read from them
(and from today's interval rows), and the stream pushes a new one as soon as it differs, polling
twice a second, so a client sees an event's effect within a second, from any replica.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from ringway.metrics import domain, tables
from ringway.metrics.store import put
from ringway.shared.db.uow import UnitOfWork, UnitOfWorkFactory

POLL_S = 0.5
w = tables.waiting_contacts


async def mark(uow: UnitOfWork, *, contact_id: str, queue_id: str, channel: str,
               arrived_at: datetime, waiting: bool, at: datetime) -> None:
    """Record that a contact started or stopped waiting at `at` (older facts are ignored)."""
    values = {"queue_id": queue_id, "channel": channel, "arrived_at": domain.as_utc(arrived_at),
              "waiting": int(waiting), "changed_at": domain.as_utc(at)}
    await put(uow, w, {"contact_id": contact_id}, values, newer_by="changed_at")


async def snapshot(uow_factory: UnitOfWorkFactory, rules: domain.KpiRules,
                   now: datetime) -> dict[str, Any]:
    """What the wallboard shows now."""
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    async with uow_factory() as uow:
        queues = (await uow.session.execute(
            select(w.c.queue_id, w.c.channel, func.count(), func.min(w.c.arrived_at))
            .where(w.c.waiting == 1).group_by(w.c.queue_id, w.c.channel))).all()
        p = tables.agent_presence
        states = (await uow.session.execute(
            select(p.c.state, func.count()).group_by(p.c.state))).all()
        s = tables.interval_stats
        today = (await uow.session.execute(
            select(s.c.queue_id, s.c.channel, func.sum(s.c.answered_within_sl),
                   func.sum(s.c.answered), func.sum(s.c.abandoned), func.sum(s.c.offered))
            .where(s.c.interval_start >= day).group_by(s.c.queue_id, s.c.channel))).all()
    board: dict[tuple[str, str], dict[str, Any]] = {}
    for queue, channel, depth, oldest in queues:
        since = domain.as_utc(_utc(oldest))
        board[(queue, channel)] = {"waiting": depth, "oldest_arrived_at": since.isoformat(),
                                   "oldest_wait_s": round((now - since).total_seconds(), 1)}
    for queue, channel, within, answered, abandoned, offered in today:
        row = board.setdefault((queue, channel), {"waiting": 0, "oldest_arrived_at": None,
                                                  "oldest_wait_s": None})
        row.update(offered_today=offered, answered_today=answered, abandoned_today=abandoned,
                   service_level_today=domain.service_level(within, answered, abandoned))
    return {"at": now.isoformat(), "threshold_s": rules.service_level_threshold_s,
            "queues": [{"queue_id": q, "channel": c, **v} for (q, c), v in sorted(board.items())],
            "agents_by_state": dict(sorted((state, n) for state, n in states))}


def _utc(value: Any) -> datetime:
    # SQLite returns MIN() of the column as text, PostgreSQL as a datetime.
    return datetime.fromisoformat(value) if isinstance(value, str) else value


async def stream(uow_factory: UnitOfWorkFactory, rules: domain.KpiRules,
                 limit: int | None = None) -> AsyncIterator[str]:
    """Server-sent events: a snapshot now, then each one that differs from the last."""
    last: str | None = None
    sent = 0
    while limit is None or sent < limit:
        body = await snapshot(uow_factory, rules, datetime.now(UTC))
        shown = _changes(body)
        if shown != last:
            last, sent = shown, sent + 1
            yield f"event: wallboard\ndata: {json.dumps(body)}\n\n"
            continue
        await asyncio.sleep(POLL_S)


def _changes(body: dict[str, Any]) -> str:
    # Waits grow with the clock: only a change of facts (not of time) is pushed.
    queues = [{k: v for k, v in q.items() if k != "oldest_wait_s"} for q in body["queues"]]
    return json.dumps([queues, body["agents_by_state"]], sort_keys=True)
