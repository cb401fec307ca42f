"""Engine effects -> published events (the contracts routing produces)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import singledispatch

from ringway.routing.domain import effects as fx
from ringway.routing.store import to_dt
from ringway.shared.contracts import agents as ag
from ringway.shared.contracts import contacts as ct
from ringway.shared.contracts.common import Channel, Direction
from ringway.shared.events.envelope import EventData


@dataclass(frozen=True, slots=True)
class Facts:
    """What does not change about a contact, kept beside the engine for its events."""

    channel: Channel
    customer_id: str | None
    reason: str | None
    language: str | None
    priority: int
    arrived_at: datetime
    direction: Direction = Direction.INBOUND
    campaign_id: str | None = None
    attempt_id: str | None = None
    category: str | None = None
    repeat: bool = False
    rule_id: str | None = None


@dataclass(frozen=True, slots=True)
class Context:
    """Lookups an effect needs to become an event."""

    facts: Callable[[str], Facts]
    queue_of: Callable[[str], str]


def ms(seconds: float) -> int:
    """Whole milliseconds, never negative."""
    return max(0, round(seconds * 1000))


def at(ts: float) -> datetime:
    """Engine seconds as an aware datetime."""
    value = to_dt(ts)
    assert value is not None
    return value


@singledispatch
def to_event(effect: fx.Effect, ctx: Context) -> EventData:
    """The event an effect publishes."""
    raise TypeError(f"no event for {type(effect).__name__}")


@to_event.register
def _(e: fx.Queued, ctx: Context) -> EventData:
    f = ctx.facts(e.contact_id)
    return ct.ContactQueued(contact_id=e.contact_id, queue_id=e.queue_id, channel=f.channel,
                            reason=f.reason, priority=f.priority, customer_id=f.customer_id,
                            language=f.language, arrived_at=f.arrived_at, direction=f.direction,
                            campaign_id=f.campaign_id, attempt_id=f.attempt_id,
                            category=f.category, repeat=f.repeat, rule_id=f.rule_id)


@to_event.register
def _(e: fx.Offered, ctx: Context) -> EventData:
    return ct.ContactOffered(
        contact_id=e.contact_id, queue_id=e.queue_id, channel=ctx.facts(e.contact_id).channel,
        agent_id=e.agent_id, offered_at=at(e.at), expires_at=at(e.expires_at),
        reservation_id=e.reservation_id, rule=e.rule, step=e.step, strategy=e.strategy,
        score=e.score)


@to_event.register
def _(e: fx.OfferEnded, ctx: Context) -> EventData:
    return ct.ContactOfferEnded(contact_id=e.contact_id, queue_id=ctx.queue_of(e.contact_id),
                                agent_id=e.agent_id, reservation_id=e.reservation_id,
                                outcome=e.outcome, ended_at=at(e.at))


@to_event.register
def _(e: fx.Accepted, ctx: Context) -> EventData:
    f = ctx.facts(e.contact_id)
    return ct.ContactAccepted(contact_id=e.contact_id, queue_id=ctx.queue_of(e.contact_id),
                              channel=f.channel, agent_id=e.agent_id, accepted_at=at(e.at),
                              waited_ms=ms(e.waited_s), customer_id=f.customer_id,
                              reason=f.reason, direction=f.direction, attempt_id=f.attempt_id,
                              category=f.category)


@to_event.register
def _(e: fx.Held, ctx: Context) -> EventData:
    if e.on_hold:
        return ct.ContactHeld(contact_id=e.contact_id, agent_id=e.agent_id, held_at=at(e.at))
    return ct.ContactResumed(contact_id=e.contact_id, agent_id=e.agent_id, resumed_at=at(e.at))


@to_event.register
def _(e: fx.Transferred, ctx: Context) -> EventData:
    f = ctx.facts(e.contact_id)
    return ct.ContactTransferred(contact_id=e.contact_id, from_agent_id=e.from_agent_id,
                                 queue_id=e.queue_id, to_agent_id=e.to_agent_id,
                                 channel=f.channel, transferred_at=at(e.at),
                                 arrived_at=f.arrived_at, warm=e.warm)


@to_event.register
def _(e: fx.Reassigned, ctx: Context) -> EventData:
    return ct.ContactReassigned(contact_id=e.contact_id, agent_id=e.agent_id,
                                queue_id=ctx.queue_of(e.contact_id), reason=e.reason,
                                reassigned_at=at(e.at))


@to_event.register
def _(e: fx.StepAdvanced, ctx: Context) -> EventData:
    return ct.ContactOverflowed(contact_id=e.contact_id, queue_id=e.queue_id, step=e.step,
                                overflowed_at=at(e.at))


@to_event.register
def _(e: fx.WrapUpStarted, ctx: Context) -> EventData:
    return ct.ContactWrapUpStarted(contact_id=e.contact_id, agent_id=e.agent_id,
                                   started_at=at(e.at))


@to_event.register
def _(e: fx.Completed, ctx: Context) -> EventData:
    f = ctx.facts(e.contact_id)
    return ct.ContactCompleted(
        contact_id=e.contact_id, queue_id=ctx.queue_of(e.contact_id), channel=f.channel,
        agent_id=e.agent_id, completed_at=at(e.at), disposition=e.disposition,
        resolved=e.resolved, talk_ms=ms(e.talk_s), hold_ms=ms(e.hold_s),
        wrap_up_ms=ms(e.wrap_up_s), customer_id=f.customer_id, reason=f.reason,
        direction=f.direction, attempt_id=f.attempt_id, category=f.category)


@to_event.register
def _(e: fx.Abandoned, ctx: Context) -> EventData:
    f = ctx.facts(e.contact_id)
    return ct.ContactAbandoned(
        contact_id=e.contact_id, queue_id=ctx.queue_of(e.contact_id), channel=f.channel,
        abandoned_at=at(e.at), waited_ms=ms(e.waited_s), customer_id=f.customer_id,
        reason=f.reason, direction=f.direction, attempt_id=f.attempt_id, category=f.category)


@to_event.register
def _(e: fx.Closed, ctx: Context) -> EventData:
    f = ctx.facts(e.contact_id)
    waited = ms(e.at - f.arrived_at.timestamp())
    return ct.ContactClosed(contact_id=e.contact_id, queue_id=e.queue_id, channel=f.channel,
                            reason=e.reason, closed_at=at(e.at), waited_ms=waited,
                            customer_id=f.customer_id, outcome=e.outcome, target=e.target,
                            contact_reason=f.reason)


@to_event.register
def _(e: fx.Rerouted, ctx: Context) -> EventData:
    f = ctx.facts(e.contact_id)
    return ct.ContactRerouted(contact_id=e.contact_id, from_queue_id=e.from_queue_id,
                              queue_id=e.queue_id, channel=f.channel, cause=e.cause,
                              rerouted_at=at(e.at), arrived_at=f.arrived_at)


@to_event.register
def _(e: fx.ConsultStarted, ctx: Context) -> EventData:
    return ct.ContactConsultStarted(contact_id=e.contact_id, agent_id=e.agent_id,
                                    consult_agent_id=e.consult_agent_id, started_at=at(e.at))


@to_event.register
def _(e: fx.ConsultEnded, ctx: Context) -> EventData:
    return ct.ContactConsultEnded(contact_id=e.contact_id, agent_id=e.agent_id,
                                  consult_agent_id=e.consult_agent_id, outcome=e.outcome,
                                  ended_at=at(e.at))


@to_event.register
def _(e: fx.AgentChanged, ctx: Context) -> EventData:
    return ag.AgentStateChanged(agent_id=e.agent_id, previous=e.previous, state=e.state,
                                reason=e.reason, changed_at=at(e.at),
                                queue_ids=sorted(e.queues), blended=e.blended,
                                forced_by=e.forced_by)
