"""Profile edits: validated like a registration, audited, announced as an action."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from ringway.selfservice import audit, domain, ownership, tables
from ringway.selfservice.errors import invalid_field
from ringway.selfservice.schemas import CustomerRead, CustomerUpdate
from ringway.shared.contracts.selfservice import SelfServiceActionCompleted
from ringway.shared.db.uow import UnitOfWorkFactory
from ringway.shared.web.auth import Principal

c = tables.customers
_READ = [col for col in c.c if col.name not in {"password_hash", "erased_at"}]


def _valid(field: str, rule: Callable[..., str], *args: str) -> str:
    try:
        return rule(*args)
    except domain.InvalidField as error:
        raise invalid_field(field, str(error)) from None


def _changes(body: CustomerUpdate, country: str) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if body.country is not None:
        country = changes["country"] = _valid("country", domain.normalize_country, body.country)
    if body.language is not None:
        changes["language"] = _valid("language", domain.normalize_language, body.language)
    if body.phone is not None:
        changes["phone"] = _valid("phone", domain.normalize_phone, body.phone, country)
    if body.display_name is not None:
        changes["display_name"] = body.display_name.strip()
    return changes


async def update_profile(uow_factory: UnitOfWorkFactory, *, principal: Principal,
                         customer_id: str, body: CustomerUpdate, now: datetime) -> CustomerRead:
    """Change the given profile fields; the e-mail and password are not changed here."""
    ownership.ensure_may_act(principal, customer_id)
    async with uow_factory() as uow:
        await ownership.lock_customer(uow, customer_id)
        country = await uow.session.scalar(select(c.c.country).where(c.c.id == customer_id))
        changes = _changes(body, str(country))
        if changes:
            await uow.session.execute(update(c).where(c.c.id == customer_id).values(**changes))
        row = (await uow.session.execute(select(*_READ).where(c.c.id == customer_id))).one()
        await audit.record(uow, principal, action="update", resource="customer",
                           resource_id=customer_id, customer_id=customer_id, at=now)
        uow.publish(SelfServiceActionCompleted(
            customer_id=customer_id, session_id=principal.subject, action="profile_updated",
            outcome="succeeded", occurred_at=now))
    return CustomerRead.model_validate(dict(row._mapping))
