"""Events self-service reacts to."""

from __future__ import annotations

from ringway.selfservice import service
from ringway.shared.consumers import EventHandler
from ringway.shared.contracts.contacts import ContactQueued
from ringway.shared.db.uow import UnitOfWork
from ringway.shared.events.envelope import Envelope


async def on_contact_queued(uow: UnitOfWork, event: ContactQueued, _: Envelope) -> None:
    """Keep the contact in its customer's history."""
    await service.record_contact(uow, event)


HANDLERS: dict[str, EventHandler] = {
    ContactQueued.event_type: on_contact_queued,
}
