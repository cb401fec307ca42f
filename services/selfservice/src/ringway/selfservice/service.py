"""Self-service use cases: each owns its transaction and writes its events to the outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from ulid import ULID

from ringway.selfservice import audit, domain, tables
from ringway.selfservice.passwords import Passwords
from ringway.selfservice.schemas import (
    CustomerContactRead,
    CustomerCreate,
    CustomerRead,
)
from ringway.shared.contracts.contacts import ContactQueued
from ringway.shared.contracts.selfservice import CustomerRegistered, SelfServiceActionCompleted
from ringway.shared.db.uow import UnitOfWork, UnitOfWorkFactory
from ringway.shared.web.auth import Principal
from ringway.shared.web.problems import Conflict, NotFound, ProblemError

# Every customer column but the password hash: reads can never return it.
_CUSTOMER_COLUMNS = [c for c in tables.customers.c if c.name not in {"password_hash",
                                                                       "erased_at"}]
_LIVE = tables.customers.c.erased_at.is_(None)
_PROJECTED = ("customer_id", "channel", "queue_id", "reason", "status", "arrived_at")


async def register_customer(uow_factory: UnitOfWorkFactory, passwords: Passwords, *,
                            body: CustomerCreate, now: datetime) -> CustomerRead:
    """Create a customer; a second account for the same e-mail is a 409."""
    registration = _validated(body)
    if await _email_taken(uow_factory, registration.email):
        raise _duplicate_email()
    password_hash = await passwords.hash(body.password.get_secret_value())
    try:
        async with uow_factory() as uow:
            return await _insert_customer(uow, body, registration, password_hash, now)
    except IntegrityError:
        if await _email_taken(uow_factory, registration.email):
            raise _duplicate_email() from None
        # The driver's message carries the statement's parameters, the hash among them.
        raise RuntimeError("customer could not be stored") from None


def _validated(body: CustomerCreate) -> domain.Registration:
    try:
        return domain.validate_registration(
            email=body.email, password=body.password.get_secret_value(), phone=body.phone,
            country=body.country, language=body.language)
    except domain.InvalidRegistration as error:
        errors = [{"loc": ["body", field], "msg": message, "type": "value_error"}
                  for field, message in sorted(error.errors.items())]
        raise ProblemError(422, "Validation failed", f"{len(errors)} invalid field(s)",
                           code="validation-error", errors=errors) from None


def _duplicate_email() -> Conflict:
    return Conflict("a customer with this e-mail address already exists", code="email-taken")


async def _email_taken(uow_factory: UnitOfWorkFactory, email: str) -> bool:
    async with uow_factory() as uow:
        found = await uow.session.scalar(
            select(tables.customers.c.id).where(tables.customers.c.email == email))
    return found is not None


async def _insert_customer(uow: UnitOfWork, body: CustomerCreate,
                           registration: domain.Registration, password_hash: str,
                           now: datetime) -> CustomerRead:
    customer = CustomerRead(
        id=str(ULID()), email=registration.email, display_name=body.display_name.strip(),
        phone=registration.phone, country=registration.country,
        language=registration.language, created_at=now)
    await uow.session.execute(insert(tables.customers).values(
        password_hash=password_hash, **customer.model_dump()))
    uow.publish(CustomerRegistered(
        customer_id=customer.id, phone=customer.phone, country=customer.country,
        language=customer.language, registered_at=now))
    uow.publish(SelfServiceActionCompleted(
        customer_id=customer.id, session_id=body.session_id or str(ULID()),
        action="register", outcome="succeeded", occurred_at=now))
    return customer


async def get_customer(uow_factory: UnitOfWorkFactory, *, principal: Principal,
                       customer_id: str, now: datetime) -> CustomerRead:
    """One customer; 404 when missing or not the caller's to see (nothing leaks)."""
    _ensure_may_read(principal, customer_id)
    async with uow_factory() as uow:
        row = (await uow.session.execute(
            select(*_CUSTOMER_COLUMNS).where(tables.customers.c.id == customer_id, _LIVE)
        )).mappings().first()
        if row is None:
            raise NotFound("customer", customer_id)
        await audit.record(uow, principal, action="read", resource="customer",
                           resource_id=customer_id, customer_id=customer_id, at=now)
    return CustomerRead.model_validate(dict(row))


async def list_customer_contacts(uow_factory: UnitOfWorkFactory, *, principal: Principal,
                                 customer_id: str, limit: int) -> list[CustomerContactRead]:
    """The customer's contact history, newest first."""
    _ensure_may_read(principal, customer_id)
    t = tables.customer_contacts
    async with uow_factory() as uow:
        if await uow.session.scalar(select(tables.customers.c.id)
                                    .where(tables.customers.c.id == customer_id, _LIVE)) is None:
            raise NotFound("customer", customer_id)
        rows = (await uow.session.execute(
            select(t).where(t.c.customer_id == customer_id)
            .order_by(t.c.arrived_at.desc(), t.c.contact_id.desc()).limit(limit)
        )).mappings().all()
    return [CustomerContactRead.model_validate(dict(row)) for row in rows]


def _ensure_may_read(principal: Principal, customer_id: str) -> None:
    # Checked before any lookup, and answered like a missing customer.
    if not domain.may_read_customer(principal, customer_id):
        raise NotFound("customer", customer_id)


async def record_contact(uow: UnitOfWork, event: ContactQueued) -> None:
    """Upsert a queued contact into its customer's history; contacts without one are skipped."""
    if event.customer_id is None:
        return
    t = tables.customer_contacts
    statement = uow.db.insert(t).values(
        contact_id=event.contact_id, customer_id=event.customer_id, channel=event.channel.value,
        queue_id=event.queue_id, reason=event.reason, status=domain.CONTACT_QUEUED,
        arrived_at=event.arrived_at)
    await uow.session.execute(statement.on_conflict_do_update(
        index_elements=[t.c.contact_id],
        set_={name: statement.excluded[name] for name in _PROJECTED}))


async def set_contact_status(uow: UnitOfWork, contact_id: str, status: str) -> None:
    """Move a contact of the history on (answered, completed, abandoned, closed)."""
    t = tables.customer_contacts
    await uow.session.execute(update(t).where(t.c.contact_id == contact_id).values(status=status))
