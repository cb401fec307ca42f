"""Contact use cases: create (idempotent), act on offers and handling, read, customers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from ulid import ULID

from ringway.routing import domain, reasons, store, tables
from ringway.routing.domain import InvalidTransition, RoutingEngine, UnknownEntity
from ringway.routing.domain import effects as fx
from ringway.routing.domain.reasons import RepeatPolicy
from ringway.routing.errors import mapped, problem
from ringway.routing.router import Prepare, Router, facts_of
from ringway.routing.schemas import ContactComplete, ContactCreate, ContactRead
from ringway.routing.staffing import ensure_queue

__all__ = ["ensure_queue"]
from ringway.shared.contracts.callbacks import CallbackRequested
from ringway.shared.contracts.common import Direction
from ringway.shared.contracts.selfservice import CustomerErased, CustomerRegistered
from ringway.shared.db.uow import UnitOfWork
from ringway.shared.web.problems import Conflict, NotFound

Act = Callable[[RoutingEngine, str], list[fx.Effect]]
CALLBACK_OFFER = "callback_offer"
"""The outcome of a contact a queue closed with a callback offer the customer may take."""


async def create_contact(router: Router, *, body: ContactCreate,
                         policy: RepeatPolicy) -> tuple[ContactRead, bool]:
    """Queue a new contact; the same idempotency key returns the first one (created=False).

    With no queue given, the routing rules choose it from the reason, channel, language and
    attributes; a customer's repeat contact within the policy's window gets a priority boost.
    """
    if body.idempotency_key:
        existing = await _contact_by_key(router, body.idempotency_key)
        if existing is not None:
            return existing, False
    routed = await reasons.route(router, body, policy)
    await ensure_queue(router, routed.queue_id)
    contact_id = str(ULID())
    try:
        row = await mapped(lambda: _queue_contact(router, contact_id, body, routed))
    except IntegrityError:
        # A concurrent request with the same key won the race: answer with its contact.
        existing = await _contact_by_key(router, body.idempotency_key or "")
        if existing is None:
            raise
        return existing, False
    if "seq" not in row or contact_id not in router.engine.contacts:
        return await get_contact(router, contact_id=contact_id), True  # it ended at once
    # The row as committed (engine state copied as the command ran): no read back.
    return _with_live_figures(router, contact_read(row)), True


async def _queue_contact(router: Router, contact_id: str, body: ContactCreate,
                         routed: reasons.Routed) -> dict[str, Any]:
    row: dict[str, Any] = {}

    async def prepare(uow: UnitOfWork) -> None:
        row.update(await _insert_contact(uow, contact_id, body, routed, router.clock()))
        router.facts[contact_id] = facts_of(row)

    spec = domain.ContactSpec(contact_id, routed.queue_id, body.channel,
                              priority=routed.priority,
                              preferred_agent_id=body.preferred_agent_id,
                              preferred_wait_s=body.preferred_wait_s)
    closed = router.closed_reason(routed.queue_id)

    def command(engine: RoutingEngine) -> list[fx.Effect]:
        found = engine.add_contact(spec, closed=closed)
        record = engine.contacts.get(contact_id)
        if record is not None:
            row.update(store.contact_values(record))
        return found

    async def undo(uow: UnitOfWork) -> None:
        await uow.session.execute(delete(tables.contacts)
                                  .where(tables.contacts.c.id == contact_id))

    # A key may meet a concurrent duplicate (IntegrityError): only then is a savepoint needed.
    try:
        await router.run(command, prepare, None if body.idempotency_key else undo)
    except Exception:
        router.facts.pop(contact_id, None)
        raise
    return row


async def _insert_contact(uow: UnitOfWork, contact_id: str, body: ContactCreate,
                          routed: reasons.Routed, now: float) -> dict[str, Any]:
    profile_language = None
    if body.customer_id:
        profile_language = await uow.session.scalar(
            select(tables.customer_profiles.c.language)
            .where(tables.customer_profiles.c.customer_id == body.customer_id))
    row = {"id": contact_id, "idempotency_key": body.idempotency_key,
           "channel": body.channel.value, "queue_id": routed.queue_id, "reason": body.reason,
           "priority": routed.priority, "customer_id": body.customer_id,
           "language": domain.contact_language(body.language, profile_language),
           "status": "queued", "arrived_at": store.to_dt(now),
           "direction": Direction.INBOUND.value, "campaign_id": None, "attempt_id": None,
           "attributes": body.attributes, "category": routed.category,
           "rule_id": routed.rule_id, "repeat": routed.repeat}
    # A constant statement with the row as parameters: no statement to build per contact.
    await uow.session.execute(insert(tables.contacts), row)
    return row


async def _contact_row(router: Router, contact_id: str) -> dict[str, Any] | None:
    async with router.uow() as uow:
        row = (await uow.session.execute(
            select(tables.contacts).where(tables.contacts.c.id == contact_id))).mappings().first()
    return dict(row) if row is not None else None


async def _contact_by_key(router: Router, key: str) -> ContactRead | None:
    async with router.uow() as uow:
        contact_id = await uow.session.scalar(
            select(tables.contacts.c.id).where(tables.contacts.c.idempotency_key == key))
    return await get_contact(router, contact_id=contact_id) if contact_id else None


async def get_contact(router: Router, *, contact_id: str) -> ContactRead:
    """One contact, with its place in line and estimated wait while it waits; or 404."""
    row = await _contact_row(router, contact_id)
    if row is None:
        raise NotFound("contact", contact_id)
    return _with_live_figures(router, contact_read(row))


def _with_live_figures(router: Router, read: ContactRead) -> ContactRead:
    """A waiting contact's place in line, estimated wait and callback offer."""
    if read.id in router.engine.contacts and read.status in ("queued", "offered"):
        read.position = router.engine.position(read.id)
        read.estimated_wait_s = router.engine.estimated_wait(read.id)
        config = router.configs.get(read.queue_id)
        threshold = config.callback_threshold_s if config else None
        read.callback_offered = bool(threshold is not None and (
            read.estimated_wait_s is None or read.estimated_wait_s > threshold))
    return read


async def customer_history(router: Router, *, customer_id: str,
                           limit: int) -> list[ContactRead]:
    """A customer's contacts, newest first (reason, queue, outcome of each)."""
    c = tables.contacts
    async with router.uow() as uow:
        rows = (await uow.session.execute(
            select(c).where(c.c.customer_id == customer_id, c.c.status != store.NEW)
            .order_by(c.c.arrived_at.desc(), c.c.id.desc()).limit(limit))).mappings().all()
    return [contact_read(row) for row in rows]


def contact_read(row: Any) -> ContactRead:
    """A stored contact as the API shows it (columns added later may be empty)."""
    return ContactRead.model_validate({
        **row, "direction": row["direction"] or "inbound", "repeat": bool(row["repeat"]),
        "transfers": row["transfers"] or 0,
        "callback_offered": row["outcome"] == CALLBACK_OFFER})


async def act(router: Router, contact_id: str, agent_id: str | None, action: Act,
              prepare: Prepare | None = None) -> ContactRead:
    """Run an agent's or integration's action on a contact; a finished contact answers 409."""
    try:
        await router.run(lambda engine: action(engine, _actor(engine, contact_id, agent_id)),
                         prepare)
    except UnknownEntity as error:
        row = await _contact_row(router, contact_id) if error.kind == "contact" else None
        if row is None:
            raise problem(error) from None
        raise Conflict(f"contact is {row['status']}", code="invalid-transition",
                       kind="contact", id=contact_id, state=row["status"]) from None
    except (InvalidTransition, domain.InvalidRequest) as error:
        raise problem(error) from None
    return await get_contact(router, contact_id=contact_id)


async def complete(router: Router, contact_id: str, agent_id: str | None,
                   body: ContactComplete) -> ContactRead:
    """End handling with a disposition; a `reason` the agent found replaces the one given."""
    def finish(engine: RoutingEngine, who: str) -> list[fx.Effect]:
        return engine.complete(contact_id, who, disposition=body.disposition,
                               resolved=body.resolved)

    reason = body.reason
    if reason is None:
        return await act(router, contact_id, agent_id, finish)
    category = await reasons.category_of(router, reason)
    before = router.facts.get(contact_id)

    async def prepare(uow: UnitOfWork) -> None:
        await uow.session.execute(update(tables.contacts).where(tables.contacts.c.id == contact_id)
                                  .values(reason=reason, category=category))
        if before is not None:  # the completion event carries the corrected reason
            router.facts[contact_id] = replace(before, reason=reason, category=category)

    try:
        return await act(router, contact_id, agent_id, finish, prepare)
    except Exception:
        if before is not None and contact_id in router.facts:
            router.facts[contact_id] = before
        raise


def _actor(engine: RoutingEngine, contact_id: str, agent_id: str | None) -> str:
    """The acting agent: the one named, else the one holding (or offered) the contact."""
    return agent_id or engine.contact(contact_id).agent_id or ""


async def accept_callback(router: Router, *, contact_id: str, phone: str) -> ContactRead:
    """The customer takes a callback: `callback.requested` keeps their place for the dialer.

    A waiting contact closes now; one the queue already closed with a callback offer is
    marked taken, so a second request is a conflict.
    """
    row = await _contact_row(router, contact_id)
    if row is None:
        raise NotFound("contact", contact_id)

    def request(uow: UnitOfWork) -> None:
        uow.publish(CallbackRequested(
            callback_id=str(ULID()), customer_id=row["customer_id"], phone=phone,
            queue_id=row["queue_id"], reason=row["reason"],
            original_arrived_at=row["arrived_at"]))

    async def prepare(uow: UnitOfWork) -> None:
        request(uow)

    if row["outcome"] == CALLBACK_OFFER:
        async with router.uow() as uow:
            taken = await uow.session.execute(
                update(tables.contacts).where(tables.contacts.c.id == contact_id,
                                              tables.contacts.c.outcome == CALLBACK_OFFER)
                .values(outcome="callback"))
            if taken.rowcount == 1:  # type: ignore[attr-defined]
                request(uow)
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict("the callback was already requested", code="invalid-transition",
                           kind="contact", id=contact_id, state=row["status"])
    else:
        await _closing(router, contact_id, row, prepare)
    return await get_contact(router, contact_id=contact_id)


async def _closing(router: Router, contact_id: str, row: dict[str, Any],
                   prepare: Callable[[UnitOfWork], Any]) -> None:
    try:
        await router.run(lambda engine: engine.close(contact_id, "callback"), prepare)
    except UnknownEntity:
        raise Conflict(f"contact is {row['status']}", code="invalid-transition",
                       kind="contact", id=contact_id, state=row["status"]) from None
    except InvalidTransition as error:
        raise problem(error) from None


async def record_customer(uow: UnitOfWork, event: CustomerRegistered) -> None:
    """Keep the customer's language for routing decisions."""
    await uow.session.execute(insert(tables.customer_profiles).values(
        customer_id=event.customer_id, language=event.language,
        registered_at=event.registered_at))


async def erase_customer(uow: UnitOfWork, event: CustomerErased) -> None:
    """Forget the customer's profile; their contacts keep ids only."""
    await uow.session.execute(delete(tables.customer_profiles)
                              .where(tables.customer_profiles.c.customer_id == event.customer_id))
    await uow.session.execute(update(tables.contacts)
                              .where(tables.contacts.c.customer_id == event.customer_id)
                              .values(attributes=None, language=None))


async def store_new_contact(uow: UnitOfWork, row: dict[str, Any]) -> bool:
    """Store a contact an event asked for, to be admitted after commit; False if known."""
    known = await uow.session.scalar(select(tables.contacts.c.id).where(
        tables.contacts.c.idempotency_key == row["idempotency_key"]))
    if known is not None:
        return False
    await uow.session.execute(insert(tables.contacts).values(
        id=str(ULID()), status=store.NEW, **row))
    return True
