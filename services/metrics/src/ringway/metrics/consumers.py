"""Events metrics reacts to: contacts' lifecycle, agent states, self-service, erasure."""

from __future__ import annotations

from ringway.metrics import containment, ingest, outbound, service, surveys
from ringway.metrics.domain import KpiRules
from ringway.metrics.domain.outbound import OutboundRules
from ringway.shared.consumers import EventHandler
from ringway.shared.contracts.agents import AgentStateChanged
from ringway.shared.contracts.contacts import (
    ContactAbandoned,
    ContactAccepted,
    ContactCompleted,
    ContactQueued,
    ContactTransferred,
)
from ringway.shared.contracts.dialer import AttemptFinished, AttemptStarted
from ringway.shared.contracts.selfservice import CustomerErased, SelfServiceActionCompleted
from ringway.shared.contracts.surveys import SurveyAnswered
from ringway.shared.db.uow import UnitOfWork
from ringway.shared.events.envelope import Envelope


def handlers(rules: KpiRules,
             dialing: OutboundRules | None = None) -> dict[str, EventHandler]:
    """The event-type -> handler table, bound to the configured interval and thresholds."""

    async def on_queued(uow: UnitOfWork, event: ContactQueued, envelope: Envelope) -> None:
        await ingest.contact_queued(uow, event, envelope, rules)

    async def on_accepted(uow: UnitOfWork, event: ContactAccepted, _: Envelope) -> None:
        await ingest.contact_accepted(uow, event, rules)

    async def on_abandoned(uow: UnitOfWork, event: ContactAbandoned, _: Envelope) -> None:
        await ingest.contact_abandoned(uow, event, rules)

    async def on_completed(uow: UnitOfWork, event: ContactCompleted, _: Envelope) -> None:
        await ingest.contact_completed(uow, event, rules)

    async def on_transferred(uow: UnitOfWork, event: ContactTransferred, _: Envelope) -> None:
        await ingest.contact_transferred(uow, event, rules)

    async def on_state(uow: UnitOfWork, event: AgentStateChanged, _: Envelope) -> None:
        await ingest.agent_state_changed(uow, event, rules)

    async def on_action(uow: UnitOfWork, event: SelfServiceActionCompleted, _: Envelope) -> None:
        await service.count_selfservice(uow, event, rules)
        await containment.session_action(uow, event)

    async def on_erased(uow: UnitOfWork, event: CustomerErased, _: Envelope) -> None:
        await ingest.customer_erased(uow, event)

    async def on_survey(uow: UnitOfWork, event: SurveyAnswered, _: Envelope) -> None:
        await surveys.count_answer(uow, event, rules)

    dialing = dialing or OutboundRules()

    async def on_attempt(uow: UnitOfWork, event: AttemptStarted, _: Envelope) -> None:
        await outbound.attempt_started(uow, event, rules)

    async def on_finished(uow: UnitOfWork, event: AttemptFinished, _: Envelope) -> None:
        await outbound.attempt_finished(uow, event, rules, dialing)

    return {
        AttemptStarted.event_type: on_attempt,
        AttemptFinished.event_type: on_finished,
        ContactQueued.event_type: on_queued,
        ContactAccepted.event_type: on_accepted,
        ContactAbandoned.event_type: on_abandoned,
        ContactCompleted.event_type: on_completed,
        ContactTransferred.event_type: on_transferred,
        AgentStateChanged.event_type: on_state,
        SelfServiceActionCompleted.event_type: on_action,
        CustomerErased.event_type: on_erased,
        SurveyAnswered.event_type: on_survey,
    }
