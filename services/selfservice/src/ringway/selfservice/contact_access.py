"""Which agent handles which customer's contact: projected from routing's contact events.

An agent token may read a customer only while one of the customer's contacts is offered to
or handled by that agent, and for a short grace after it left the agent (wrap-up notes, a
promised follow-up). Everything else looks like a missing customer.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update

from ringway.selfservice import tables
from ringway.selfservice.domain.access import access_ends
from ringway.shared.db.uow import UnitOfWork, UnitOfWorkFactory
from ringway.shared.web.problems import NotFound


async def agent_handles(uow_factory: UnitOfWorkFactory, *, agent_id: str, customer_id: str,
                        now: datetime) -> bool:
    """True while the agent handles (or just handled) a contact of this customer."""
    h = tables.contact_handlers
    async with uow_factory() as uow:
        found = await uow.session.scalar(select(h.c.contact_id).where(
            h.c.agent_id == agent_id, h.c.customer_id == customer_id,
            or_(h.c.access_until.is_(None), h.c.access_until > now)).limit(1))
    return found is not None


async def ensure_agent_handles(uow_factory: UnitOfWorkFactory, *, agent_id: str,
                               customer_id: str, now: datetime) -> None:
    """404, like a missing customer, unless the agent handles one of the customer's contacts."""
    if not await agent_handles(uow_factory, agent_id=agent_id, customer_id=customer_id, now=now):
        raise NotFound("customer", customer_id)


async def customer_of(uow: UnitOfWork, contact_id: str) -> str | None:
    """The customer behind a contact, from the history projection (None when anonymous)."""
    c = tables.customer_contacts
    found: str | None = await uow.session.scalar(
        select(c.c.customer_id).where(c.c.contact_id == contact_id))
    return found


async def start(uow: UnitOfWork, *, contact_id: str, agent_id: str, customer_id: str | None,
                at: datetime) -> None:
    """The contact is offered to or accepted by the agent: access from now, open-ended."""
    h = tables.contact_handlers
    customer = customer_id or await customer_of(uow, contact_id)
    statement = uow.db.insert(h).values(contact_id=contact_id, agent_id=agent_id,
                                        customer_id=customer, since=at, access_until=None)
    await uow.session.execute(statement.on_conflict_do_update(
        index_elements=[h.c.contact_id, h.c.agent_id],
        set_={"customer_id": statement.excluded.customer_id, "access_until": None}))


async def prune(uow_factory: UnitOfWorkFactory, *, now: datetime) -> int:
    """Forget handlings whose access ended over a day ago (the audit log keeps who read what)."""
    h = tables.contact_handlers
    async with uow_factory() as uow:
        result = await uow.session.execute(
            delete(h).where(h.c.access_until < now - timedelta(days=1)))
    return int(getattr(result, "rowcount", 0) or 0)


async def end(uow: UnitOfWork, *, contact_id: str, agent_id: str | None, at: datetime,
              grace: bool = True) -> None:
    """The contact left the agent (or every agent, when None): access ends after the grace."""
    h = tables.contact_handlers
    which = [h.c.contact_id == contact_id, h.c.access_until.is_(None)]
    if agent_id is not None:
        which.append(h.c.agent_id == agent_id)
    await uow.session.execute(update(h).where(*which).values(
        access_until=access_ends(at) if grace else at))
