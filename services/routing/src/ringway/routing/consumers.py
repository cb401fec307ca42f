"""Events routing reacts to."""

from __future__ import annotations

from ringway.routing import reasons, service
from ringway.routing.domain.model import TOP_PRIORITY
from ringway.routing.domain.reasons import RepeatPolicy
from ringway.routing.router import Router
from ringway.routing.schemas import ContactCreate
from ringway.routing.settings import RoutingSettings
from ringway.routing.store import to_dt
from ringway.shared.consumers import EventHandler
from ringway.shared.contracts.common import Channel, Direction
from ringway.shared.contracts.dialer import OutboundCallAnswered, PreviewRequested
from ringway.shared.contracts.selfservice import (
    CustomerErased,
    CustomerRegistered,
    SupportRequestOpened,
)
from ringway.shared.db.uow import UnitOfWork
from ringway.shared.events.envelope import Envelope


def handlers(router: Router, settings: RoutingSettings) -> dict[str, EventHandler]:
    """The event-type -> handler table; new contacts are stored here, admitted after commit."""
    policy = RepeatPolicy(settings.repeat_window_s, settings.repeat_boost)

    async def on_customer_registered(uow: UnitOfWork, event: CustomerRegistered,
                                     _: Envelope) -> None:
        await service.record_customer(uow, event)

    async def on_customer_erased(uow: UnitOfWork, event: CustomerErased, _: Envelope) -> None:
        await service.erase_customer(uow, event)

    async def on_outbound_answered(uow: UnitOfWork, event: OutboundCallAnswered,
                                   _: Envelope) -> None:
        deadline = event.answered_at.timestamp() + event.connect_limit_ms / 1000
        if await service.store_new_contact(uow, {
            "idempotency_key": f"outbound:{event.attempt_id}", "channel": Channel.VOICE.value,
            "queue_id": event.queue_id, "reason": None, "priority": TOP_PRIORITY,
            "customer_id": event.customer_id, "language": None,
            "arrived_at": event.answered_at, "direction": Direction.OUTBOUND.value,
            "campaign_id": event.campaign_id, "attempt_id": event.attempt_id,
            "deadline": to_dt(deadline)}):
            uow.after_commit(router.intake.set)

    async def on_preview_requested(uow: UnitOfWork, event: PreviewRequested,
                                   _: Envelope) -> None:
        # Nobody is on the line yet: no connect limit; the accepting agent is reserved.
        if await service.store_new_contact(uow, {
            "idempotency_key": f"preview:{event.attempt_id}", "channel": Channel.VOICE.value,
            "queue_id": event.queue_id, "reason": None, "priority": TOP_PRIORITY,
            "customer_id": event.customer_id, "language": None,
            "arrived_at": event.requested_at, "direction": Direction.OUTBOUND.value,
            "campaign_id": event.campaign_id, "attempt_id": event.attempt_id,
            "attributes": {"preview": "true",
                           "campaign_contact_id": event.campaign_contact_id}}):
            uow.after_commit(router.intake.set)

    async def on_support_request(uow: UnitOfWork, event: SupportRequestOpened,
                                 _: Envelope) -> None:
        channel = event.channel if event.channel is not Channel.VOICE else Channel.EMAIL
        routed = await reasons.route_in(uow.session, ContactCreate(
            channel=channel, reason=event.reason, customer_id=event.customer_id,
            language=event.language), policy, router.clock(), fallback=settings.support_queue_id)
        if await service.store_new_contact(uow, {
            "idempotency_key": f"support:{event.request_id}", "channel": channel.value,
            "queue_id": routed.queue_id, "reason": event.reason, "priority": routed.priority,
            "customer_id": event.customer_id, "language": event.language,
            "arrived_at": event.opened_at, "direction": Direction.INBOUND.value,
            "attributes": {"request_id": event.request_id}, "category": routed.category,
            "rule_id": routed.rule_id, "repeat": routed.repeat}):
            uow.after_commit(router.intake.set)

    return {
        CustomerRegistered.event_type: on_customer_registered,
        CustomerErased.event_type: on_customer_erased,
        OutboundCallAnswered.event_type: on_outbound_answered,
        PreviewRequested.event_type: on_preview_requested,
        SupportRequestOpened.event_type: on_support_request,
    }
