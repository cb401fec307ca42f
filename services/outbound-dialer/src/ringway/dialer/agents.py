"""Routing's agents as the dialer sees them: state, blended flag and the queues they serve.

A campaign's agent pool is a routing queue: only agents that serve that queue, are logged
in and are blended count for its pacing. Routing stays the authority; this is a projection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import delete, select

from ringway.dialer import tables
from ringway.shared.db.uow import UnitOfWork

BUSY_STATES = frozenset({"busy", "wrap_up", "reserved"})
NEVER = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class AgentUpdate:
    """One agent fact from routing: its state at a time, with its pool membership then."""

    agent_id: str
    state: str
    changed_at: datetime
    queue_ids: tuple[str, ...]
    blended: bool


@dataclass
class Pool:
    """The agents of one campaign's pool, now."""

    logged_in: int = 0
    ready: int = 0
    busy: int = 0
    # Seconds each agent of the pool has spent in wrap-up so far (for when they free up).
    wrap_elapsed_s: list[float] = field(default_factory=list)
    # The pool's last observed wrap-up durations: when a wrap-up will end.
    wrap_samples_s: list[float] = field(default_factory=list)
    # Seconds each agent of the pool on a call has talked so far (when the call may end).
    talk_elapsed_s: list[float] = field(default_factory=list)

    @property
    def mean_wrap_s(self) -> float | None:
        """Mean of the observed wrap-up durations, None before any was seen."""
        return sum(self.wrap_samples_s) / len(self.wrap_samples_s) if self.wrap_samples_s else None


async def track_agent(uow: UnitOfWork, update: AgentUpdate) -> None:
    """Keep the latest facts of an agent; an older event never overwrites a newer one."""
    t = tables.agent_states
    stored = (await uow.session.execute(select(t.c.state, t.c.changed_at, t.c.last_wrap_s).where(
        t.c.agent_id == update.agent_id))).first()
    if stored is not None and _aware(stored.changed_at) > update.changed_at:
        return
    values: dict[str, object] = {"state": update.state, "changed_at": update.changed_at,
                                 "blended": update.blended}
    if stored is not None and stored.state == "wrap_up" and update.state != "wrap_up":
        values["last_wrap_s"] = (update.changed_at - _aware(stored.changed_at)).total_seconds()
    await uow.session.execute(uow.db.insert(t).values(agent_id=update.agent_id, **values)
                              .on_conflict_do_update(index_elements=["agent_id"], set_=values))
    await _serve(uow, update.agent_id, update.queue_ids)


async def update_profile(uow: UnitOfWork, agent_id: str, queue_ids: tuple[str, ...],
                         blended: bool) -> None:
    """The agent's served queues or blending changed (or it was created); state stays.

    A profile fact is not a state change: a new agent is offline since "never", so any
    state change routing reports afterwards wins, whatever clock stamped the profile.
    """
    t = tables.agent_states
    await uow.session.execute(uow.db.insert(t).values(
        agent_id=agent_id, state="offline", changed_at=NEVER, blended=blended)
        .on_conflict_do_update(index_elements=["agent_id"], set_={"blended": blended}))
    await _serve(uow, agent_id, queue_ids)


async def _serve(uow: UnitOfWork, agent_id: str, queue_ids: tuple[str, ...]) -> None:
    q = tables.agent_queues
    await uow.session.execute(delete(q).where(q.c.agent_id == agent_id))
    if queue_ids:
        await uow.session.execute(q.insert(), [
            {"agent_id": agent_id, "queue_id": queue_id} for queue_id in sorted(set(queue_ids))])


async def pool(uow: UnitOfWork, queue_id: str | None, now: datetime) -> Pool:
    """The blended agents serving `queue_id` (none without a queue)."""
    found = Pool()
    if not queue_id:
        return found
    t, q = tables.agent_states, tables.agent_queues
    rows = (await uow.session.execute(
        select(t.c.state, t.c.changed_at, t.c.last_wrap_s).join(q, q.c.agent_id == t.c.agent_id)
        .where(q.c.queue_id == queue_id, t.c.blended.is_(True)))).all()
    for state, changed_at, last_wrap_s in rows:
        if last_wrap_s is not None:
            found.wrap_samples_s.append(float(last_wrap_s))
        found.logged_in += state != "offline"
        found.ready += state == "available"
        found.busy += state in BUSY_STATES
        elapsed = max(0.0, (now - _aware(changed_at)).total_seconds())
        if state == "wrap_up":
            found.wrap_elapsed_s.append(elapsed)
        elif state == "busy":
            found.talk_elapsed_s.append(elapsed)
    return found


def _aware(value: datetime) -> datetime:
    # SQLite drops the offset of stored times; the dialer stores UTC only.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
