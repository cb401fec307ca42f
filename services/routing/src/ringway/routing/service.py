"""Routing use cases: each owns its transaction and writes its events to the outbox."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from ulid import ULID

from ringway.routing import domain, tables
from ringway.routing.schemas import AgentCreate, AgentRead, ContactCreate, ContactRead
from ringway.shared.contracts.agents import AgentCreated, AgentState
from ringway.shared.contracts.contacts import ContactQueued
from ringway.shared.contracts.selfservice import CustomerRegistered
from ringway.shared.db.uow import UnitOfWork, UnitOfWorkFactory
from ringway.shared.web.problems import NotFound, ProblemError


async def create_agent(uow_factory: UnitOfWorkFactory, *, body: AgentCreate) -> AgentRead:
    """Create an agent profile (offline until they log in)."""
    try:
        skills = domain.validate_skills(body.skills)
    except domain.InvalidSkills as error:
        raise ProblemError(422, "Invalid skills", str(error), code="invalid-skills",
                           invalid=error.invalid) from None
    now = datetime.now(UTC)
    agent = AgentRead(id=str(ULID()), display_name=body.display_name, skills=skills,
                      state=AgentState.OFFLINE.value, created_at=now)
    async with uow_factory() as uow:
        await uow.session.execute(insert(tables.agents).values(**agent.model_dump()))
        uow.publish(AgentCreated(agent_id=agent.id, display_name=agent.display_name,
                                 skills=skills, created_at=now))
    return agent


async def get_agent(uow_factory: UnitOfWorkFactory, *, agent_id: str) -> AgentRead:
    """One agent, or 404."""
    async with uow_factory() as uow:
        row = (await uow.session.execute(
            select(tables.agents).where(tables.agents.c.id == agent_id))).mappings().first()
    if row is None:
        raise NotFound("agent", agent_id)
    return AgentRead.model_validate(dict(row))


async def create_contact(uow_factory: UnitOfWorkFactory, *,
                         body: ContactCreate) -> tuple[ContactRead, bool]:
    """Queue a new contact; the same idempotency key returns the first one (created=False)."""
    if body.idempotency_key:
        existing = await _contact_by_key(uow_factory, body.idempotency_key)
        if existing is not None:
            return existing, False
    try:
        async with uow_factory() as uow:
            contact = await _queue_contact(uow, body)
    except IntegrityError:
        # A concurrent request with the same key won the race: answer with its contact.
        existing = await _contact_by_key(uow_factory, body.idempotency_key or "")
        if existing is None:
            raise
        return existing, False
    return contact, True


async def _queue_contact(uow: UnitOfWork, body: ContactCreate) -> ContactRead:
    profile_language = None
    if body.customer_id:
        profile_language = await uow.session.scalar(
            select(tables.customer_profiles.c.language)
            .where(tables.customer_profiles.c.customer_id == body.customer_id))
    contact = ContactRead(
        id=str(ULID()), channel=body.channel, queue_id=body.queue_id, reason=body.reason,
        priority=body.priority, customer_id=body.customer_id,
        language=domain.contact_language(body.language, profile_language),
        status="queued", arrived_at=datetime.now(UTC),
    )
    await uow.session.execute(insert(tables.contacts).values(
        idempotency_key=body.idempotency_key, **contact.model_dump()))
    uow.publish(ContactQueued(
        contact_id=contact.id, queue_id=contact.queue_id, channel=contact.channel,
        reason=contact.reason, priority=contact.priority, customer_id=contact.customer_id,
        language=contact.language, arrived_at=contact.arrived_at,
    ))
    return contact


async def _contact_by_key(uow_factory: UnitOfWorkFactory, key: str) -> ContactRead | None:
    async with uow_factory() as uow:
        row = (await uow.session.execute(
            select(tables.contacts).where(tables.contacts.c.idempotency_key == key)
        )).mappings().first()
    return _contact(row) if row is not None else None


async def get_contact(uow_factory: UnitOfWorkFactory, *, contact_id: str) -> ContactRead:
    """One contact, or 404."""
    async with uow_factory() as uow:
        row = (await uow.session.execute(
            select(tables.contacts).where(tables.contacts.c.id == contact_id))).mappings().first()
    if row is None:
        raise NotFound("contact", contact_id)
    return _contact(row)


def _contact(row: Any) -> ContactRead:
    values = dict(row)
    values.pop("idempotency_key", None)
    return ContactRead.model_validate(values)


async def record_customer(uow: UnitOfWork, event: CustomerRegistered) -> None:
    """Keep the customer's language for routing decisions."""
    await uow.session.execute(insert(tables.customer_profiles).values(
        customer_id=event.customer_id, language=event.language,
        registered_at=event.registered_at))
