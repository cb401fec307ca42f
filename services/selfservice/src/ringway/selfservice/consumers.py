"""Events self-service reacts to: routing's contacts, for the history and for agent access."""

from __future__ import annotations

from ringway.selfservice import contact_access, service
from ringway.shared.consumers import EventHandler
from ringway.shared.contracts.contacts import (
    ContactAbandoned,
    ContactAccepted,
    ContactClosed,
    ContactCompleted,
    ContactOffered,
    ContactOfferEnded,
    ContactQueued,
    ContactReassigned,
    ContactTransferred,
)
from ringway.shared.db.uow import UnitOfWork
from ringway.shared.events.envelope import Envelope


async def on_contact_queued(uow: UnitOfWork, event: ContactQueued, _: Envelope) -> None:
    """Keep the contact in its customer's history."""
    await service.record_contact(uow, event)


async def on_contact_offered(uow: UnitOfWork, event: ContactOffered, _: Envelope) -> None:
    """The reserved agent may look the customer up before accepting."""
    await contact_access.start(uow, contact_id=event.contact_id, agent_id=event.agent_id,
                               customer_id=None, at=event.offered_at)


async def on_contact_accepted(uow: UnitOfWork, event: ContactAccepted, _: Envelope) -> None:
    """The agent handles the contact now."""
    await contact_access.start(uow, contact_id=event.contact_id, agent_id=event.agent_id,
                               customer_id=event.customer_id, at=event.accepted_at)
    await service.set_contact_status(uow, event.contact_id, "answered")


async def on_offer_ended(uow: UnitOfWork, event: ContactOfferEnded, _: Envelope) -> None:
    """A rejected or expired offer: the agent never handled it, so no grace."""
    await contact_access.end(uow, contact_id=event.contact_id, agent_id=event.agent_id,
                             at=event.ended_at, grace=False)


async def on_contact_transferred(uow: UnitOfWork, event: ContactTransferred,
                                 _: Envelope) -> None:
    """The contact left its agent for another queue or a named agent (who has it now)."""
    await contact_access.end(uow, contact_id=event.contact_id, agent_id=event.from_agent_id,
                             at=event.transferred_at)
    if event.to_agent_id is not None:
        await contact_access.start(uow, contact_id=event.contact_id, agent_id=event.to_agent_id,
                                   customer_id=None, at=event.transferred_at)


async def on_contact_reassigned(uow: UnitOfWork, event: ContactReassigned, _: Envelope) -> None:
    """Unanswered async work went back to the queue."""
    await contact_access.end(uow, contact_id=event.contact_id, agent_id=event.agent_id,
                             at=event.reassigned_at)


async def on_contact_completed(uow: UnitOfWork, event: ContactCompleted, _: Envelope) -> None:
    """Handling is over: access ends after the grace."""
    await contact_access.end(uow, contact_id=event.contact_id, agent_id=None,
                             at=event.completed_at)
    await service.set_contact_status(uow, event.contact_id, "completed")


async def on_contact_abandoned(uow: UnitOfWork, event: ContactAbandoned, _: Envelope) -> None:
    """The customer left before an answer."""
    await contact_access.end(uow, contact_id=event.contact_id, agent_id=None,
                             at=event.abandoned_at, grace=False)
    await service.set_contact_status(uow, event.contact_id, "abandoned")


async def on_contact_closed(uow: UnitOfWork, event: ContactClosed, _: Envelope) -> None:
    """The queue ended the contact without an agent."""
    await contact_access.end(uow, contact_id=event.contact_id, agent_id=None,
                             at=event.closed_at, grace=False)
    await service.set_contact_status(uow, event.contact_id, "closed")


HANDLERS: dict[str, EventHandler] = {
    ContactQueued.event_type: on_contact_queued,
    ContactOffered.event_type: on_contact_offered,
    ContactAccepted.event_type: on_contact_accepted,
    ContactOfferEnded.event_type: on_offer_ended,
    ContactTransferred.event_type: on_contact_transferred,
    ContactReassigned.event_type: on_contact_reassigned,
    ContactCompleted.event_type: on_contact_completed,
    ContactAbandoned.event_type: on_contact_abandoned,
    ContactClosed.event_type: on_contact_closed,
}
