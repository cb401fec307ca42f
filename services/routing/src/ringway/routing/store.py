"""Rows <-> engine records: what is stored is exactly what a restart needs."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ringway.routing import tables
from ringway.routing.domain import (
    AgentSpec,
    ContactStatus,
    OverflowStep,
    Presence,
    QueueSpec,
    Requirement,
    Strategy,
)
from ringway.routing.domain.calendar import BusinessHours
from ringway.routing.domain.model import DEFAULT_CAPACITY, Action, Outcome
from ringway.routing.domain.records import AgentRecord, ContactRecord
from ringway.routing.domain.shifts import Shift
from ringway.routing.schemas import WEEKDAYS, QueueConfig, RequirementBody, ShiftBody
from ringway.shared.contracts.agents import AgentState
from ringway.shared.contracts.common import Channel

UNFINISHED = ("queued", "offered", "accepted", "on_hold", "wrap_up")
NEW = "new"
"""Stored by a consumer, not yet admitted to the engine (admitted after commit)."""


def to_dt(ts: float | None) -> datetime | None:
    """Engine seconds to an aware UTC datetime."""
    return None if ts is None else datetime.fromtimestamp(ts, UTC)


def to_ts(value: datetime | None) -> float | None:
    """An aware datetime to engine seconds."""
    return None if value is None else value.timestamp()


def requirement(body: RequirementBody) -> Requirement:
    """The engine's requirement from its HTTP/stored form."""
    return Requirement.of(body.skills, body.language)


def queue_spec(queue_id: str, config: QueueConfig) -> QueueSpec:
    """The engine's queue from its stored configuration."""
    return QueueSpec(
        queue_id, requirement=requirement(config.requirement),
        channels=frozenset(config.channels), priority=config.priority,
        strategy=Strategy(config.strategy),
        overflow=tuple(OverflowStep(o.after_s, requirement(o.requirement) if o.requirement
                                    else None, tuple(o.add_queues))
                       for o in sorted(config.overflow, key=lambda o: o.after_s)),
        accept_timeout_s=config.accept_timeout_s, wrap_up_s=config.wrap_up_s,
        max_wait_s=config.max_wait_s, max_size=config.max_size,
        response_limit_s=config.response_limit_s, hours=business_hours(config),
        outcomes=outcomes(config), service_level_s=config.service_level_s)


def outcomes(config: QueueConfig) -> tuple[tuple[str, Outcome], ...]:
    """The engine's outcome per cause from a queue's stored outcomes."""
    causes = (("queue_full", config.outcomes.full), ("max_wait", config.outcomes.max_wait),
              ("closed_hours", config.outcomes.closed))
    return tuple((cause, Outcome(Action(body.action), body.queue_id, body.target))
                 for cause, body in causes if body is not None)


def shift(body: ShiftBody | None) -> Shift | None:
    """The engine's shift from its stored form."""
    if body is None:
        return None
    weekly = {WEEKDAYS.index(day): tuple((w.start, w.end) for w in windows)
              for day, windows in body.weekly.items()}
    return Shift(body.timezone, weekly, frozenset(body.days_off))


def business_hours(config: QueueConfig) -> BusinessHours | None:
    """The engine's calendar from a queue's stored hours."""
    if config.hours is None:
        return None
    weekly = {WEEKDAYS.index(day): tuple((w.start, w.end) for w in windows)
              for day, windows in config.hours.weekly.items()}
    return BusinessHours(config.hours.timezone, weekly, frozenset(config.hours.holidays))


def agent_spec(row: Mapping[str, Any]) -> AgentSpec:
    """The engine's agent profile from a row."""
    capacity = row["capacity"]
    return AgentSpec(
        row["id"], skills=dict(row["skills"]), languages=frozenset(row["languages"] or ()),
        capacity={Channel(k): int(v) for k, v in capacity.items()} if capacity is not None
        else dict(DEFAULT_CAPACITY),
        queues=frozenset(row["queues"] or ()),
        voice_exclusive=row["voice_exclusive"] is not False, blended=bool(row["blended"]),
        shift=shift(ShiftBody.model_validate(row["shift"]) if row.get("shift") else None))


def agent_values(agent: AgentRecord) -> dict[str, Any]:
    """The live-state columns of an agent."""
    return {"presence": agent.presence.value, "reason": agent.reason, "state": agent.state.value,
            "state_changed_at": to_dt(agent.state_since),
            "idle_since": to_dt(agent.idle_since), "missed_offers": agent.missed}


def contact_values(contact: ContactRecord) -> dict[str, Any]:
    """The engine-state columns of a contact."""
    return {
        "status": contact.status.value, "queue_id": contact.queue_id, "seq": contact.seq,
        "enqueued_at": to_dt(contact.enqueued_at), "step": contact.step, "epoch": contact.epoch,
        "agent_id": contact.agent_id, "offers": contact.offers,
        "offered_at": to_dt(contact.offered_at), "expires_at": to_dt(contact.expires_at),
        "accepted_at": to_dt(contact.accepted_at),
        "hold_started_at": to_dt(contact.hold_started_at), "hold_s": contact.hold_s,
        "wrap_started_at": to_dt(contact.wrap_started_at),
        "declined": sorted(contact.declined), "deadline": to_dt(contact.deadline),
        "preferred_agent_id": contact.preferred_agent_id,
        "preferred_until": to_dt(contact.preferred_until), "transfers": contact.transfers,
        "responded": contact.responded, "consult_agent_id": contact.consult_agent_id,
        "outcome": contact.outcome, "outcome_target": contact.outcome_target,
        "first_accepted_at": to_dt(contact.first_accepted_at),
        "answered_queue_id": contact.answered_queue_id,
    }


def contact_record(row: Mapping[str, Any]) -> ContactRecord:
    """A contact as the engine held it, from its row."""
    contact = ContactRecord(
        row["id"], row["queue_id"], Channel(row["channel"]), priority=row["priority"],
        arrived_at=row["arrived_at"].timestamp(),
        enqueued_at=(row["enqueued_at"] or row["arrived_at"]).timestamp(), seq=row["seq"] or 0)
    contact.status = ContactStatus(row["status"])
    contact.step, contact.epoch = row["step"] or 0, row["epoch"] or 0
    contact.agent_id, contact.offers = row["agent_id"], row["offers"] or 0
    contact.offered_at, contact.expires_at = to_ts(row["offered_at"]), to_ts(row["expires_at"])
    contact.accepted_at = to_ts(row["accepted_at"])
    contact.hold_started_at, contact.hold_s = to_ts(row["hold_started_at"]), row["hold_s"] or 0.0
    contact.wrap_started_at = to_ts(row["wrap_started_at"])
    contact.declined = frozenset(row["declined"] or ())
    contact.deadline = to_ts(row["deadline"])
    contact.preferred_agent_id = row["preferred_agent_id"]
    contact.preferred_until = to_ts(row["preferred_until"])
    contact.transfers, contact.responded = row["transfers"] or 0, bool(row["responded"])
    contact.consult_agent_id = row["consult_agent_id"]
    contact.first_accepted_at = to_ts(row["first_accepted_at"])
    contact.answered_queue_id = row["answered_queue_id"]
    return contact


def restore_kwargs(row: Mapping[str, Any], now: float) -> dict[str, Any]:
    """The stored live state of an agent, as `RoutingEngine.restore_agent` takes it."""
    return {
        "presence": Presence(row["presence"] or "offline"), "reason": row["reason"],
        "state": AgentState(row["state"]),
        "state_since": to_ts(row["state_changed_at"]) or now,
        "idle_since": to_ts(row["idle_since"]) or now, "missed": row["missed_offers"] or 0,
    }


async def save(session: AsyncSession, agents: list[AgentRecord],
               contacts: list[ContactRecord]) -> None:
    """Write the changed agents' and contacts' engine state (flush only, no commit)."""
    for agent in agents:
        await session.execute(update(tables.agents).where(tables.agents.c.id == agent.spec.id)
                              .values(**agent_values(agent)))
    for contact in contacts:
        await session.execute(update(tables.contacts)
                              .where(tables.contacts.c.id == contact.id)
                              .values(**contact_values(contact)))


async def load_rows(session: AsyncSession) -> tuple[list[Any], list[Any], list[Any]]:
    """Queues, agents and unfinished contacts (in line order), for an engine rebuild."""
    queues = (await session.execute(select(tables.queues))).mappings().all()
    agents = (await session.execute(select(tables.agents))).mappings().all()
    contacts = (await session.execute(
        select(tables.contacts).where(tables.contacts.c.status.in_(UNFINISHED))
        .order_by(tables.contacts.c.seq))).mappings().all()
    return list(queues), list(agents), list(contacts)


async def upsert_queue(session: AsyncSession, queue_id: str, config: QueueConfig) -> bool:
    """Insert or replace a queue's stored configuration; True when inserted."""
    now, values = datetime.now(UTC), config.model_dump(mode="json")
    table = tables.queues
    created = await session.scalar(select(table.c.id).where(table.c.id == queue_id)) is None
    if created:
        await session.execute(insert(table).values(id=queue_id, config=values, created_at=now,
                                                   updated_at=now))
    else:
        await session.execute(update(table).where(table.c.id == queue_id)
                              .values(config=values, updated_at=now))
    return created
