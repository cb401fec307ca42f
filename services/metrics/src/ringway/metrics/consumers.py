"""Events metrics reacts to: contacts' lifecycle and self-service actions."""

from __future__ import annotations

from ringway.metrics import service
from ringway.metrics.domain import KpiRules
from ringway.shared.consumers import EventHandler
from ringway.shared.contracts.contacts import (
    ContactAbandoned,
    ContactAccepted,
    ContactCompleted,
    ContactQueued,
)
from ringway.shared.contracts.selfservice import SelfServiceActionCompleted
from ringway.shared.db.uow import UnitOfWork
from ringway.shared.events.envelope import Envelope


def handlers(rules: KpiRules) -> dict[str, EventHandler]:
    """The event-type -> handler table, bound to the configured interval and SL threshold."""

    async def on_queued(uow: UnitOfWork, event: ContactQueued, _: Envelope) -> None:
        await service.count_queued(uow, event, rules)

    async def on_accepted(uow: UnitOfWork, event: ContactAccepted, _: Envelope) -> None:
        await service.count_accepted(uow, event, rules)

    async def on_abandoned(uow: UnitOfWork, event: ContactAbandoned, _: Envelope) -> None:
        await service.count_abandoned(uow, event, rules)

    async def on_completed(uow: UnitOfWork, event: ContactCompleted, _: Envelope) -> None:
        await service.count_completed(uow, event, rules)

    async def on_action(uow: UnitOfWork, event: SelfServiceActionCompleted, _: Envelope) -> None:
        await service.count_selfservice(uow, event, rules)

    return {
        ContactQueued.event_type: on_queued,
        ContactAccepted.event_type: on_accepted,
        ContactAbandoned.event_type: on_abandoned,
        ContactCompleted.event_type: on_completed,
        SelfServiceActionCompleted.event_type: on_action,
    }
