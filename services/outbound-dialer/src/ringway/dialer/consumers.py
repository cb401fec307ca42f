"""Events the dialer reacts to: decode, map to a use case, call it."""

from __future__ import annotations

from collections.abc import Callable

from ringway.dialer import blending, enrolment, reservations
from ringway.dialer.abandoned import play_abandon_message
from ringway.dialer.agents import AgentUpdate, track_agent, update_profile
from ringway.dialer.context import DialerContext
from ringway.dialer.domain.phones import InvalidNumber, normalize
from ringway.dialer.domain.retries import Outcome
from ringway.dialer.enrolment import TOP_PRIORITY, Enrolment
from ringway.dialer.outcomes import disposition_of, finish_attempt
from ringway.dialer.telephony import Telephony
from ringway.shared.consumers import EventHandler
from ringway.shared.contracts.agents import (
    AgentCreated,
    AgentStateChanged,
    AgentUpdated,
)
from ringway.shared.contracts.callbacks import CallbackRequested
from ringway.shared.contracts.common import Direction
from ringway.shared.contracts.contacts import (
    ContactAbandoned,
    ContactAccepted,
    ContactCompleted,
    ContactQueued,
)
from ringway.shared.contracts.routing import QueueConfigured
from ringway.shared.contracts.selfservice import CustomerErased, CustomerRegistered, VisitCompleted
from ringway.shared.db.uow import UnitOfWork
from ringway.shared.events.envelope import Envelope


def handlers(ctx: DialerContext,
             telephony: Callable[[], Telephony]) -> dict[str, EventHandler]:
    """The dialer's event-type -> handler table, bound to its context and telephony."""

    async def on_customer_registered(uow: UnitOfWork, event: CustomerRegistered,
                                     envelope: Envelope) -> None:
        known = await enrolment.remember_customer(ctx, uow, customer_id=event.customer_id,
                                                  phone=event.phone, country=event.country)
        if known is not None:
            await enrolment.enrol_by_trigger(ctx, uow, Enrolment(
                event.customer_id, known[0], known[1], envelope.type, country=event.country))

    async def on_visit_completed(uow: UnitOfWork, event: VisitCompleted,
                                 envelope: Envelope) -> None:
        await _enrol_known(ctx, uow, event.customer_id, envelope.type,
                           {"visit_id": event.visit_id, "job_type": event.job_type})

    async def on_contact_queued(uow: UnitOfWork, event: ContactQueued,
                                envelope: Envelope) -> None:
        if event.direction is Direction.INBOUND:
            await blending.inbound_queued(uow, event.contact_id, event.queue_id,
                                          event.arrived_at)

    async def on_contact_accepted(uow: UnitOfWork, event: ContactAccepted,
                                  envelope: Envelope) -> None:
        await blending.inbound_left(uow, event.contact_id)
        if event.direction is Direction.INBOUND:
            await blending.inbound_outcome(uow, event.contact_id, event.queue_id,
                                           event.accepted_at, event.waited_ms, answered=True)
        elif event.attempt_id:
            await reservations.accepted(uow, event.attempt_id, event.agent_id)

    async def on_contact_completed(uow: UnitOfWork, event: ContactCompleted,
                                   envelope: Envelope) -> None:
        await blending.inbound_left(uow, event.contact_id)
        if event.direction is Direction.OUTBOUND and event.attempt_id:
            await finish_attempt(ctx, uow, event.attempt_id, Outcome.CONNECTED,
                                 event.completed_at, disposition_of(event.disposition))
            return
        # Only an unresolved inbound contact calls for a follow-up.
        if event.resolved or event.direction is not Direction.INBOUND or not event.customer_id:
            return
        await _enrol_known(ctx, uow, event.customer_id, envelope.type,
                           {"contact_id": event.contact_id, "reason": event.reason or ""})

    async def on_callback_requested(uow: UnitOfWork, event: CallbackRequested,
                                    envelope: Envelope) -> None:
        try:
            phone, region = normalize(event.phone)
        except InvalidNumber:
            return
        # An as-soon-as-possible callback is due since the customer's original arrival,
        # so callbacks are served in the order the customers first queued.
        due = event.requested_for or event.original_arrived_at or ctx.clock()
        await enrolment.enrol_by_trigger(ctx, uow, Enrolment(
            event.customer_id, phone, region, envelope.type, not_before=due,
            priority=TOP_PRIORITY, attributes=_present(
                {"callback_id": event.callback_id, "reason": event.reason,
                 "queue_id": event.queue_id})))

    async def on_contact_abandoned(uow: UnitOfWork, event: ContactAbandoned,
                                   envelope: Envelope) -> None:
        await blending.inbound_left(uow, event.contact_id)
        if event.direction is Direction.INBOUND:
            await blending.inbound_outcome(uow, event.contact_id, event.queue_id,
                                           event.abandoned_at, event.waited_ms, answered=False)
        # No agent within the connect limit: an abandoned call, counted against the cap.
        if event.direction is Direction.OUTBOUND and event.attempt_id:
            await reservations.withdrawn(uow, event.attempt_id, event.abandoned_at)
            if await finish_attempt(ctx, uow, event.attempt_id, Outcome.ABANDONED,
                                    event.abandoned_at):
                await play_abandon_message(uow, telephony, event.attempt_id)

    async def on_queue_configured(uow: UnitOfWork, event: QueueConfigured,
                                  envelope: Envelope) -> None:
        await blending.queue_configured(uow, event.queue_id, event.config, event.changed_at)

    async def on_agent_state_changed(uow: UnitOfWork, event: AgentStateChanged,
                                     envelope: Envelope) -> None:
        await track_agent(uow, _agent_update(event))

    async def on_agent_updated(uow: UnitOfWork, event: AgentUpdated,
                               envelope: Envelope) -> None:
        await update_profile(uow, event.agent_id, tuple(event.queue_ids), event.blended)

    async def on_agent_created(uow: UnitOfWork, event: AgentCreated,
                               envelope: Envelope) -> None:
        await update_profile(uow, event.agent_id, tuple(event.queue_ids), event.blended)

    async def on_customer_erased(uow: UnitOfWork, event: CustomerErased,
                                 envelope: Envelope) -> None:
        await enrolment.erase_customer(uow, event.customer_id)

    return {
        CustomerRegistered.event_type: on_customer_registered,
        VisitCompleted.event_type: on_visit_completed,
        ContactCompleted.event_type: on_contact_completed,
        CallbackRequested.event_type: on_callback_requested,
        CustomerErased.event_type: on_customer_erased,
        ContactAbandoned.event_type: on_contact_abandoned,
        ContactQueued.event_type: on_contact_queued,
        ContactAccepted.event_type: on_contact_accepted,
        AgentStateChanged.event_type: on_agent_state_changed,
        AgentCreated.event_type: on_agent_created,
        QueueConfigured.event_type: on_queue_configured,
        AgentUpdated.event_type: on_agent_updated,
    }


async def _enrol_known(ctx: DialerContext, uow: UnitOfWork, customer_id: str, trigger: str,
                       attributes: dict[str, str]) -> None:
    known = await enrolment.known_customer(uow, customer_id)
    if known is None:
        return  # never registered with a callable number: nobody to call
    phone, region, country = known
    await enrolment.enrol_by_trigger(ctx, uow, Enrolment(
        customer_id, phone, region, trigger, country=country, attributes=attributes))


def _agent_update(event: AgentStateChanged) -> AgentUpdate:
    return AgentUpdate(event.agent_id, event.state.value, event.changed_at,
                       tuple(event.queue_ids), event.blended)


def _present(values: dict[str, str | None]) -> dict[str, str]:
    return {k: v for k, v in values.items() if v}


