"""Use cases for queues and agents: configuration, sessions and states."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from ulid import ULID

from ringway.routing import domain, store, tables
from ringway.routing.domain.outcome_checks import OutcomeRefused, check_outcomes
from ringway.routing.errors import mapped
from ringway.routing.router import Router
from ringway.routing.schemas import (
    AgentCreate,
    AgentRead,
    AgentStateChange,
    AgentUpdate,
    QueueConfig,
    QueueRead,
)
from ringway.shared.contracts.agents import AgentCreated, AgentState, AgentUpdated
from ringway.shared.contracts.routing import QueueConfigured
from ringway.shared.db.uow import UnitOfWork
from ringway.shared.web.problems import Conflict, NotFound, ProblemError


def _skills(skills: dict[str, int]) -> dict[str, int]:
    try:
        return domain.validate_skills(skills)
    except domain.InvalidSkills as error:
        raise ProblemError(422, "Invalid skills", str(error), code="invalid-skills",
                           invalid=error.invalid) from None


async def put_queue(router: Router, *, queue_id: str, config: QueueConfig,
                    changed_by: str | None = None) -> tuple[QueueRead, bool]:
    """Create or replace a queue (and emit `queue.configured`); True when it was created.

    Overflow outcomes are checked against the engine's queues inside the command, so two
    saves at once cannot build a loop between them.
    """
    spec = store.queue_spec(queue_id, config)
    created: list[bool] = []

    async def prepare(uow: UnitOfWork) -> None:
        created.append(await store.upsert_queue(uow.session, queue_id, config))
        uow.publish(QueueConfigured(item=f"queue:{queue_id}", queue_id=queue_id,
                                    created=created[-1], config=config.model_dump(mode="json"),
                                    changed_by=changed_by, changed_at=datetime.now(UTC)))

    def command(engine: domain.RoutingEngine) -> list[domain.effects.Effect]:
        check_outcomes(engine.queues, spec)
        return engine.put_queue(spec)

    async def save() -> None:
        try:
            await router.run(command, prepare)
        except OutcomeRefused as refused:
            raise outcome_problem(refused) from None

    await mapped(save)
    router.configs[queue_id] = config
    return queue_read(router, queue_id), created[-1]


def outcome_problem(refused: OutcomeRefused) -> ProblemError:
    """A refused overflow outcome as a problem: 422 naming the field, or 409 with the reason."""
    if refused.status == 422:
        return ProblemError(422, "Validation failed", refused.detail, code="validation-error",
                            errors=[{"loc": list(refused.field), "msg": refused.detail,
                                     "type": refused.reason}])
    return Conflict(refused.detail, code="invalid-transition", kind="queue",
                    state=refused.reason, reason=refused.reason, queues=list(refused.queues))


async def ensure_queue(router: Router, queue_id: str) -> None:
    """A contact for a queue nobody configured creates it (see `Router.ensure_queue`)."""
    await router.ensure_queue(queue_id)


def queue_read(router: Router, queue_id: str) -> QueueRead:
    """A queue's configuration and live figures, or 404."""
    config = router.configs.get(queue_id)
    if config is None:
        raise NotFound("queue", queue_id)
    engine = router.engine
    staffed = sum(1 for agent_id in engine.serving.get(queue_id, set())
                  if engine.agents[agent_id].state is not AgentState.OFFLINE)
    return QueueRead(id=queue_id, config=config, waiting=engine.waiting.get(queue_id, 0),
                     staffed_agents=staffed)


async def create_agent(router: Router, *, body: AgentCreate) -> AgentRead:
    """Create an agent profile (offline until they log in)."""
    skills, now = _skills(body.skills), datetime.now(UTC)
    row: dict[str, Any] = {
        "id": str(ULID()), "display_name": body.display_name, "skills": skills,
        "state": AgentState.OFFLINE.value, "created_at": now, "languages": body.languages,
        "capacity": ({k.value: v for k, v in body.capacity.items()}
                     if body.capacity is not None else None),
        "queues": body.queues, "voice_exclusive": body.voice_exclusive, "blended": body.blended,
        "presence": "offline", "reason": None, "state_changed_at": now, "idle_since": now,
        "missed_offers": 0,
        "shift": body.shift.model_dump(mode="json") if body.shift is not None else None}
    spec = store.agent_spec(row)

    async def prepare(uow: UnitOfWork) -> None:
        await uow.session.execute(insert(tables.agents).values(**row))
        uow.publish(AgentCreated(agent_id=row["id"], display_name=body.display_name,
                                 skills=skills, created_at=now, queue_ids=sorted(spec.queues),
                                 blended=spec.blended))

    await router.run(lambda engine: engine.put_agent(spec), prepare)
    return agent_read(row)


async def update_agent(router: Router, *, agent_id: str, body: AgentUpdate) -> AgentRead:
    """Change an agent's routing profile."""
    row = await _agent_row(router, agent_id)
    changes = body.model_dump(exclude_unset=True, mode="json")
    if "skills" in changes:
        changes["skills"] = _skills(changes["skills"])
    merged = {**row, **changes}
    spec = store.agent_spec(merged)

    async def prepare(uow: UnitOfWork) -> None:
        await uow.session.execute(update(tables.agents).where(tables.agents.c.id == agent_id)
                                  .values(**changes))
        uow.publish(AgentUpdated(agent_id=agent_id, skills=dict(spec.skills),
                                 queue_ids=sorted(spec.queues), blended=spec.blended,
                                 updated_at=datetime.now(UTC)))

    await mapped(lambda: router.run(lambda engine: engine.put_agent(spec), prepare))
    return await get_agent(router, agent_id=agent_id)


async def change_state(router: Router, *, agent_id: str, body: AgentStateChange,
                       forced_by: str | None = None) -> AgentRead:
    """Log in, go ready or not-ready, or log out; a supervisor's force is named in the event."""
    await _agent_row(router, agent_id)

    def change(engine: domain.RoutingEngine) -> list[domain.effects.Effect]:
        agent = engine.agent(agent_id)
        if body.state == "offline":
            return engine.log_out(agent_id)
        ready = body.state == "available"
        if agent.presence is domain.Presence.OFFLINE:
            return engine.log_in(agent_id, ready=ready, reason=body.reason)
        return engine.set_presence(agent_id, ready=ready, reason=body.reason)

    def command(engine: domain.RoutingEngine) -> list[domain.effects.Effect]:
        found = change(engine)
        if forced_by is None:
            return found
        return [replace(e, forced_by=forced_by)
                if isinstance(e, domain.effects.AgentChanged) and e.agent_id == agent_id else e
                for e in found]

    await mapped(lambda: router.run(command))
    return await get_agent(router, agent_id=agent_id)


async def _agent_row(router: Router, agent_id: str) -> dict[str, Any]:
    async with router.uow() as uow:
        row = (await uow.session.execute(
            select(tables.agents).where(tables.agents.c.id == agent_id))).mappings().first()
    if row is None:
        raise NotFound("agent", agent_id)
    return dict(row)


async def get_agent(router: Router, *, agent_id: str) -> AgentRead:
    """One agent, or 404."""
    return agent_read(await _agent_row(router, agent_id))


async def list_agents(router: Router) -> list[AgentRead]:
    """Every agent with its live state (the supervisor's view)."""
    async with router.uow() as uow:
        rows = (await uow.session.execute(
            select(tables.agents).order_by(tables.agents.c.id))).mappings().all()
    return [agent_read(dict(row)) for row in rows]


def agent_read(row: dict[str, Any]) -> AgentRead:
    """An agent row as the API shows it."""
    capacity = row.get("capacity")
    if capacity is None:
        capacity = {k.value: v for k, v in domain.model.DEFAULT_CAPACITY.items()}
    return AgentRead(
        id=row["id"], display_name=row["display_name"], skills=row["skills"],
        state=row["state"], created_at=row["created_at"], languages=row.get("languages") or [],
        capacity=capacity, queues=row.get("queues") or [],
        voice_exclusive=row.get("voice_exclusive") is not False,
        blended=bool(row.get("blended")), reason=row.get("reason"),
        state_changed_at=row.get("state_changed_at"), shift=row.get("shift"))
