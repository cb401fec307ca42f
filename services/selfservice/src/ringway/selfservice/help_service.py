"""Asking for help: support requests (routing makes contacts) and callbacks (the dialer calls)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert, select
from ulid import ULID

from ringway.selfservice import audit, domain, ownership, tables
from ringway.selfservice.domain.help import HelpRuleBroken, check_callback_time
from ringway.selfservice.errors import invalid_field
from ringway.selfservice.help_schemas import (
    CallbackCreate,
    CallbackRead,
    SupportRequestCreate,
    SupportRequestRead,
)
from ringway.shared.contracts.callbacks import CallbackRequested
from ringway.shared.contracts.common import Channel
from ringway.shared.contracts.selfservice import SelfServiceActionCompleted, SupportRequestOpened
from ringway.shared.db.uow import UnitOfWork, UnitOfWorkFactory
from ringway.shared.web.auth import Principal
from ringway.shared.web.problems import NotFound

c = tables.customers


async def _customer(uow: UnitOfWork, customer_id: str) -> tuple[str | None, str, str]:
    row = (await uow.session.execute(select(c.c.phone, c.c.country, c.c.language)
                                     .where(c.c.id == customer_id, c.c.erased_at.is_(None))
                                     )).first()
    if row is None:
        raise NotFound("customer", customer_id)
    return row.phone, row.country, row.language


def _action(uow: UnitOfWork, principal: Principal, customer_id: str, action: str,
            now: datetime) -> None:
    uow.publish(SelfServiceActionCompleted(customer_id=customer_id, session_id=principal.subject,
                                           action=action, outcome="succeeded", occurred_at=now))


async def open_support_request(uow_factory: UnitOfWorkFactory, *, principal: Principal,
                               customer_id: str, body: SupportRequestCreate,
                               now: datetime) -> SupportRequestRead:
    """Store the request and announce it (without its text: routing needs only the reason)."""
    ownership.ensure_may_act(principal, customer_id)
    request = SupportRequestRead(id=str(ULID()), customer_id=customer_id, status="open",
                                 opened_at=now, **body.model_dump())
    async with uow_factory() as uow:
        _, _, language = await _customer(uow, customer_id)
        await uow.session.execute(insert(tables.support_requests).values(**request.model_dump()))
        uow.publish(SupportRequestOpened(request_id=request.id, customer_id=customer_id,
                                         channel=Channel(body.channel), reason=body.reason,
                                         language=language, opened_at=now))
        await audit.record(uow, principal, action="create", resource="support_request",
                           resource_id=request.id, customer_id=customer_id, at=now)
        _action(uow, principal, customer_id, "support_request", now)
    return request


async def list_support_requests(uow_factory: UnitOfWorkFactory, *, principal: Principal,
                                customer_id: str, now: datetime) -> list[SupportRequestRead]:
    """The customer's requests, newest first."""
    ownership.ensure_may_read(principal, customer_id)
    t = tables.support_requests
    async with uow_factory() as uow:
        await ownership.ensure_exists(uow, customer_id)
        rows = (await uow.session.execute(select(t).where(t.c.customer_id == customer_id)
                                          .order_by(t.c.id.desc()).limit(200))).mappings().all()
        await audit.record(uow, principal, action="read", resource="support_requests",
                           resource_id=None, customer_id=customer_id, at=now)
    return [SupportRequestRead.model_validate(dict(r)) for r in rows]


async def request_callback(uow_factory: UnitOfWorkFactory, *, principal: Principal,
                           customer_id: str, body: CallbackCreate,
                           now: datetime) -> CallbackRead:
    """Ask to be called back at a chosen time: `callback.requested` for the dialer."""
    ownership.ensure_may_act(principal, customer_id)
    try:
        check_callback_time(body.requested_for, now)
    except HelpRuleBroken as error:
        raise invalid_field("requested_for", str(error)) from None
    when = body.requested_for.astimezone(UTC) if body.requested_for is not None else None
    async with uow_factory() as uow:
        phone, country, _ = await _customer(uow, customer_id)
        callback = CallbackRead(id=str(ULID()), customer_id=customer_id, reason=body.reason,
                                phone=_phone(body.phone, phone, country),
                                requested_for=when, created_at=now)
        await uow.session.execute(insert(tables.callback_requests).values(**callback.model_dump()))
        uow.publish(CallbackRequested(callback_id=callback.id, customer_id=customer_id,
                                      phone=callback.phone, reason=body.reason,
                                      requested_for=when))
        _action(uow, principal, customer_id, "callback_requested", now)
    return callback


def _phone(given: str | None, on_file: str | None, country: str) -> str:
    if given is None:
        if on_file is None:
            raise invalid_field("phone", "no phone number on the account: give one")
        return on_file
    try:
        return domain.normalize_phone(given, country)
    except domain.InvalidField as error:
        raise invalid_field("phone", str(error)) from None
