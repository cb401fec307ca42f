"""Events routing reacts to."""

from __future__ import annotations

from ringway.routing import service
from ringway.shared.consumers import EventHandler
from ringway.shared.contracts.selfservice import CustomerRegistered
from ringway.shared.db.uow import UnitOfWork
from ringway.shared.events.envelope import Envelope


async def on_customer_registered(uow: UnitOfWork, event: CustomerRegistered, _: Envelope) -> None:
    """Project the customer's language."""
    await service.record_customer(uow, event)


HANDLERS: dict[str, EventHandler] = {
    CustomerRegistered.event_type: on_customer_registered,
}
