"""The supervisor's live view: queues (depth, oldest wait, EWT, service level) and agents."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ringway.routing import tables
from ringway.routing.domain.engine import DEFAULT_HANDLE_S
from ringway.routing.domain.model import P_OFFLINE, WAITING
from ringway.routing.router import Router
from ringway.routing.schemas_live import AgentLive, HeldContact, QueueLive
from ringway.routing.store import to_dt
from ringway.shared.contracts.common import Channel
from ringway.shared.web.problems import NotFound


def _day_start(now: float, zone: str) -> datetime:
    """Midnight of the current day in the queue's zone: service level counts from there."""
    local = datetime.fromtimestamp(now, ZoneInfo(zone))
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _zone(router: Router, queue_id: str) -> str:
    hours = router.configs[queue_id].hours
    return hours.timezone if hours is not None else "UTC"


async def queues_live(router: Router) -> list[QueueLive]:
    """Every configured queue's live figures."""
    engine, now = router.engine, router.clock()
    oldest: dict[str, float] = {}
    by_channel: dict[tuple[str, Channel], int] = {}
    for contact in engine.contacts.values():
        if contact.status in WAITING:
            oldest[contact.queue_id] = max(oldest.get(contact.queue_id, 0.0),
                                           contact.waited(now))
            key = (contact.queue_id, contact.channel)
            by_channel[key] = by_channel.get(key, 0) + 1
    since = {queue_id: _day_start(now, _zone(router, queue_id)) for queue_id in router.configs}
    answered = await _answer_times(router, since)
    return [_queue_live(router, queue_id, oldest.get(queue_id), answered.get(queue_id, []),
                        by_channel) for queue_id in sorted(router.configs)]


def _queue_live(router: Router, queue_id: str, oldest: float | None,
                outcomes: list[float | None],
                by_channel: dict[tuple[str, Channel], int]) -> QueueLive:
    engine, config = router.engine, router.configs[queue_id]
    staffed = [engine.agents[a] for a in engine.serving.get(queue_id, set())
               if engine.agents[a].presence is not P_OFFLINE]
    handle = engine.handle_times.get(queue_id, DEFAULT_HANDLE_S)
    ewt: dict[str, float | None] = {}
    for channel in config.channels or list(Channel):
        # A contact arriving now waits behind those of its channel, served by the staffed
        # agents' capacity on that channel.
        capacity = sum(a.spec.capacity.get(channel, 0) for a in staffed)
        ahead = by_channel.get((queue_id, channel), 0)
        ewt[channel.value] = (ahead + 1) * handle / capacity if capacity else None
    within = sum(1 for w in outcomes if w is not None and w <= config.service_level_s)
    return QueueLive(
        id=queue_id, waiting=engine.waiting.get(queue_id, 0), oldest_wait_s=oldest, ewt_s=ewt,
        staffed_agents=len(staffed),
        available_agents=sum(1 for a in staffed if a.free),
        answered_today=sum(1 for w in outcomes if w is not None),
        abandoned_today=sum(1 for w in outcomes if w is None),
        service_level=within / len(outcomes) if outcomes else None,
        service_level_target=config.service_level_target,
        service_level_s=config.service_level_s, closed=engine.queues[queue_id].closed_at(
            router.clock()))


async def _answer_times(router: Router, since: dict[str, datetime],
                        ) -> dict[str, list[float | None]]:
    """Per queue: the answer time of each contact offered since its local midnight (None =
    abandoned by the customer).

    A transferred contact counts once, by its first answer in the queue that answered it:
    the second answer measures the transfer, not how fast the customer was answered.
    """
    c = tables.contacts
    if not since:
        return {}
    async with router.uow() as uow:
        rows = (await uow.session.execute(
            select(c.c.queue_id, c.c.arrived_at, c.c.accepted_at, c.c.status, c.c.end_reason,
                   c.c.first_accepted_at, c.c.answered_queue_id)
            .where(c.c.arrived_at >= min(since.values())))).all()
    found: dict[str, list[float | None]] = {}
    for queue_id, arrived, accepted, status, end_reason, first, answered_in in rows:
        if first is not None:  # before 0004 only the latest answer was kept
            accepted, queue_id = first, answered_in or queue_id
        if queue_id not in since or arrived < since[queue_id]:
            continue
        if accepted is not None:
            found.setdefault(queue_id, []).append((accepted - arrived).total_seconds())
        elif status == "abandoned" and end_reason == "customer":
            found.setdefault(queue_id, []).append(None)
    return found


def agents_live(router: Router) -> list[AgentLive]:
    """Every agent's live state and the contacts they hold."""
    return [agent_live(router, agent_id) for agent_id in sorted(router.engine.agents)]


def agent_live(router: Router, agent_id: str) -> AgentLive:
    """One agent's live state, or 404."""
    agent = router.engine.agents.get(agent_id)
    if agent is None:
        raise NotFound("agent", agent_id)
    held: list[dict[str, Any]] = []
    for contact_id in sorted(agent.contacts):
        contact = router.engine.contacts.get(contact_id)
        if contact is not None:
            held.append({"id": contact.id, "queue_id": contact.queue_id,
                         "channel": contact.channel, "status": contact.status.value,
                         "consult": contact.consult_agent_id == agent_id})
    return AgentLive(
        id=agent_id, state=agent.state.value, reason=_reason(router, agent_id),
        since=to_dt(agent.state_since) or datetime.now(UTC), on_shift=agent.on_shift,
        load={c.value: n for c, n in agent.load.items() if n},
        contacts=[HeldContact.model_validate(h) for h in held])


def _reason(router: Router, agent_id: str) -> str | None:
    agent = router.engine.agents[agent_id]
    if agent.state.value != "not_ready":
        return None
    return agent.reason or (None if agent.on_shift else "off_shift")
