"""Events the dialer reacts to."""

from __future__ import annotations

from ringway.dialer import service
from ringway.shared.consumers import EventHandler
from ringway.shared.contracts.selfservice import CustomerRegistered
from ringway.shared.db.uow import UnitOfWork
from ringway.shared.events.envelope import Envelope


async def on_customer_registered(uow: UnitOfWork, event: CustomerRegistered,
                                 envelope: Envelope) -> None:
    """Enrol the new customer into the running campaigns that welcome them."""
    await service.enrol_customer(uow, customer_id=event.customer_id, phone=event.phone,
                                 trigger=envelope.type)


HANDLERS: dict[str, EventHandler] = {
    CustomerRegistered.event_type: on_customer_registered,
}
