"""Visit use cases: slot places are taken and given back only by conditional updates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from ulid import ULID

from ringway.selfservice import audit, ownership, tables
from ringway.selfservice.domain import visits as rules
from ringway.selfservice.domain.visits import VisitRuleBroken, VisitStatus
from ringway.selfservice.errors import invalid_field
from ringway.selfservice.visits_schemas import SlotCreate, SlotRead, VisitRead
from ringway.shared.contracts.selfservice import SelfServiceActionCompleted, VisitCompleted
from ringway.shared.db.uow import UnitOfWork, UnitOfWorkFactory
from ringway.shared.web.auth import Principal
from ringway.shared.web.problems import Conflict, NotFound

s, v = tables.visit_slots, tables.visits


def _slot(row: Any) -> SlotRead:
    return SlotRead(id=row.id, area=row.area, job_type=row.job_type, starts_at=row.starts_at,
                    ends_at=row.ends_at, capacity=row.capacity,
                    available=row.capacity - row.booked)


async def create_slot(uow_factory: UnitOfWorkFactory, *, body: SlotCreate) -> SlotRead:
    """Offer a slot (field-service integration)."""
    try:
        rules.check_slot(body.starts_at, body.ends_at)
    except VisitRuleBroken as error:
        raise invalid_field("ends_at", str(error)) from None
    slot_id = str(ULID())
    async with uow_factory() as uow:
        await uow.session.execute(insert(s).values(id=slot_id, booked=0, **body.model_dump()))
    return SlotRead(id=slot_id, available=body.capacity, **body.model_dump())


async def available_slots(uow_factory: UnitOfWorkFactory, *, area: str, job_type: str,
                          now: datetime, until: datetime | None, limit: int) -> list[SlotRead]:
    """Future slots with a place left, soonest first."""
    query = (select(s).where(s.c.area == area, s.c.job_type == job_type, s.c.starts_at > now,
                             s.c.booked < s.c.capacity)
             .order_by(s.c.starts_at, s.c.id).limit(limit))
    if until is not None:
        query = query.where(s.c.starts_at < until)
    async with uow_factory() as uow:
        rows = (await uow.session.execute(query)).all()
    return [_slot(row) for row in rows]


async def _take(uow: UnitOfWork, slot_id: str, now: datetime, job_type: str | None) -> Any:
    slot = (await uow.session.execute(select(s).where(s.c.id == slot_id))).first()
    if slot is None:
        raise NotFound("slot", slot_id)
    try:
        rules.check_bookable(slot.starts_at, now)
    except VisitRuleBroken as error:
        raise Conflict(str(error), code="slot-unavailable") from None
    if job_type is not None and slot.job_type != job_type:
        raise invalid_field("slot_id", "the new slot is for another job type")
    # The capacity check and the increment are one statement: no double booking.
    taken = await uow.session.execute(update(s).where(s.c.id == slot_id,
                                                      s.c.booked < s.c.capacity)
                                      .values(booked=s.c.booked + 1))
    if getattr(taken, "rowcount", 0) != 1:
        raise Conflict("the slot is fully booked", code="slot-taken")
    return slot


async def _give_back(uow: UnitOfWork, slot_id: str) -> None:
    await uow.session.execute(update(s).where(s.c.id == slot_id, s.c.booked > 0)
                              .values(booked=s.c.booked - 1))


def _visit(row: Any, slot: Any) -> VisitRead:
    return VisitRead(id=row["id"], customer_id=row["customer_id"], slot_id=slot.id,
                     area=slot.area, job_type=slot.job_type, starts_at=slot.starts_at,
                     ends_at=slot.ends_at, status=row["status"], booked_at=row["booked_at"],
                     updated_at=row["updated_at"])


async def _done(uow: UnitOfWork, principal: Principal, action: str, visit_id: str,
                customer_id: str, now: datetime) -> None:
    await audit.record(uow, principal, action=action, resource="visit", resource_id=visit_id,
                       customer_id=customer_id, at=now)
    uow.publish(SelfServiceActionCompleted(customer_id=customer_id, session_id=principal.subject,
                                           action=action, outcome="succeeded",
                                           occurred_at=now))


async def book(uow_factory: UnitOfWorkFactory, *, principal: Principal, customer_id: str,
               slot_id: str, now: datetime) -> VisitRead:
    """Take a place in a slot."""
    ownership.ensure_may_act(principal, customer_id)
    visit_id = str(ULID())
    row: dict[str, Any] = {"id": visit_id, "customer_id": customer_id, "slot_id": slot_id,
           "status": VisitStatus.BOOKED, "booked_at": now, "updated_at": now}
    async with uow_factory() as uow:
        await ownership.ensure_exists(uow, customer_id)
        slot = await _take(uow, slot_id, now, None)
        await uow.session.execute(insert(v).values(**row))
        await _done(uow, principal, "visit_booked", visit_id, customer_id, now)
    return _visit(row, slot)


async def _load(uow: UnitOfWork, customer_id: str | None, visit_id: str) -> tuple[Any, Any]:
    query = select(v).where(v.c.id == visit_id)
    if customer_id is not None:
        query = query.where(v.c.customer_id == customer_id)
    row = (await uow.session.execute(query)).mappings().first()
    if row is None:
        raise NotFound("visit", visit_id)
    slot = (await uow.session.execute(select(s).where(s.c.id == row["slot_id"]))).one()
    return dict(row), slot


async def _move_status(uow: UnitOfWork, row: dict[str, Any], now: datetime,
                       **values: Any) -> dict[str, Any]:
    # Conditional on the status read, so two parallel changes cannot both apply.
    changed = await uow.session.execute(update(v).where(v.c.id == row["id"],
                                                        v.c.status == row["status"])
                                        .values(updated_at=now, **values))
    if getattr(changed, "rowcount", 0) != 1:
        raise Conflict("the visit changed meanwhile; try again", code="visit-changed")
    return {**row, "updated_at": now, **values}


async def reschedule(uow_factory: UnitOfWorkFactory, *, principal: Principal, customer_id: str,
                     visit_id: str, slot_id: str, now: datetime) -> VisitRead:
    """Move a booked visit to another slot of the same job type, atomically."""
    ownership.ensure_may_act(principal, customer_id)
    async with uow_factory() as uow:
        row, old = await _load(uow, customer_id, visit_id)
        _changeable(row["status"], old.starts_at, now)
        new = await _take(uow, slot_id, now, old.job_type)
        await _give_back(uow, old.id)
        row = await _move_status(uow, row, now, slot_id=slot_id)
        await _done(uow, principal, "visit_rescheduled", visit_id, customer_id, now)
    return _visit(row, new)


def _changeable(status: str, starts_at: datetime, now: datetime) -> None:
    try:
        rules.check_changeable(status, starts_at, now)
    except VisitRuleBroken as error:
        raise Conflict(str(error), code="visit-not-changeable") from None


async def cancel(uow_factory: UnitOfWorkFactory, *, principal: Principal, customer_id: str,
                 visit_id: str, now: datetime) -> VisitRead:
    """Cancel a booked visit before it starts; the place goes back to the slot."""
    ownership.ensure_may_act(principal, customer_id)
    async with uow_factory() as uow:
        row, slot = await _load(uow, customer_id, visit_id)
        _changeable(row["status"], slot.starts_at, now)
        row = await _move_status(uow, row, now, status=VisitStatus.CANCELLED)
        await _give_back(uow, slot.id)
        await _done(uow, principal, "visit_cancelled", visit_id, customer_id, now)
    return _visit(row, slot)


async def complete(uow_factory: UnitOfWorkFactory, *, principal: Principal, visit_id: str,
                   now: datetime) -> VisitRead:
    """The field-service system reports the visit done: `visit.completed` for the dialer."""
    async with uow_factory() as uow:
        row, slot = await _load(uow, None, visit_id)
        try:
            rules.check_completable(row["status"])
        except VisitRuleBroken as error:
            raise Conflict(str(error), code="visit-not-completable") from None
        row = await _move_status(uow, row, now, status=VisitStatus.COMPLETED)
        await audit.record(uow, principal, action="complete", resource="visit",
                           resource_id=visit_id, customer_id=row["customer_id"], at=now)
        uow.publish(VisitCompleted(visit_id=visit_id, customer_id=row["customer_id"],
                                   job_type=slot.job_type, completed_at=now))
    return _visit(row, slot)


async def list_visits(uow_factory: UnitOfWorkFactory, *, principal: Principal,
                      customer_id: str, now: datetime) -> list[VisitRead]:
    """The customer's visits, newest first."""
    ownership.ensure_may_read(principal, customer_id)
    async with uow_factory() as uow:
        await ownership.ensure_exists(uow, customer_id)
        rows = (await uow.session.execute(
            select(v, s.c.area, s.c.job_type, s.c.starts_at, s.c.ends_at)
            .join(s, s.c.id == v.c.slot_id).where(v.c.customer_id == customer_id)
            .order_by(v.c.id.desc()).limit(200))).mappings().all()
        await audit.record(uow, principal, action="read", resource="visits", resource_id=None,
                           customer_id=customer_id, at=now)
    return [VisitRead.model_validate(dict(r)) for r in rows]
