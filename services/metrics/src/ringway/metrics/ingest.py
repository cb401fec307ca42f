"""Fold other services' events into metrics' read models (called once per event via the inbox).

Every aggregate is a sum (or a maximum) over events, each in the interval of its own time, so
the order of delivery does not change the numbers and a replay rebuilds them exactly. Only
transfers (a contact queued again), first-contact resolution (the customer's last contact per
reason) and agent state time (the state an agent is in since when) need memory of the past.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ringway.metrics import containment, domain, fcr, realtime, tables
from ringway.metrics.domain import IntervalCounts, KpiRules
from ringway.metrics.domain.agents import split_by_interval
from ringway.metrics.domain.kpis import MAXIMA
from ringway.metrics.store import increment, put, row
from ringway.shared.contracts.agents import AgentStateChanged
from ringway.shared.contracts.common import Direction
from ringway.shared.contracts.contacts import (
    ContactAbandoned,
    ContactAccepted,
    ContactCompleted,
    ContactQueued,
    ContactTransferred,
)
from ringway.shared.contracts.selfservice import CustomerErased
from ringway.shared.db.uow import UnitOfWork
from ringway.shared.events.envelope import Envelope


async def contact_queued(uow: UnitOfWork, event: ContactQueued, envelope: Envelope,
                         rules: KpiRules) -> None:
    """Offered; queued again in another queue is a transfer out of the one it was in."""
    seen = await row(uow, tables.contact_seen, contact_id=event.contact_id)
    moment = event.arrived_at if seen is None else envelope.time
    if seen is not None and seen["queue_id"] != event.queue_id:
        await add_counts(uow, rules, moment, seen["queue_id"], seen["channel"],
                         IntervalCounts(transfers=1))
    await put(uow, tables.contact_seen, {"contact_id": event.contact_id},
              {"queue_id": event.queue_id, "channel": event.channel.value, "queued_at": moment})
    await add_counts(uow, rules, moment, event.queue_id, event.channel.value, domain.queued())
    await realtime.mark(uow, contact_id=event.contact_id, queue_id=event.queue_id,
                        channel=event.channel.value, arrived_at=event.arrived_at, waiting=True,
                        at=moment)
    if event.reason:
        await _reason(uow, rules, moment, event, offered=1)
    if event.customer_id and event.direction is Direction.INBOUND:
        await containment.assisted_contact(uow, event.customer_id, event.contact_id,
                                           event.arrived_at)
    if event.customer_id and event.reason:
        await fcr.arrived(uow, rules, add_counts, customer_id=event.customer_id,
                          reason=event.reason, contact_id=event.contact_id,
                          at=domain.as_utc(event.arrived_at))


async def contact_transferred(uow: UnitOfWork, event: ContactTransferred,
                              rules: KpiRules) -> None:
    """A transfer out of the contact's queue; its queueing again there is then no new one."""
    seen = await row(uow, tables.contact_seen, contact_id=event.contact_id)
    source = seen["queue_id"] if seen is not None else event.queue_id
    await add_counts(uow, rules, event.transferred_at, source, event.channel.value,
                     IntervalCounts(transfers=1))
    await put(uow, tables.contact_seen, {"contact_id": event.contact_id},
              {"queue_id": event.queue_id, "channel": event.channel.value,
               "queued_at": event.transferred_at})
    if event.to_agent_id is None:  # a cold transfer waits in the new queue
        await realtime.mark(uow, contact_id=event.contact_id, queue_id=event.queue_id,
                            channel=event.channel.value, arrived_at=event.arrived_at,
                            waiting=True, at=event.transferred_at)


async def contact_accepted(uow: UnitOfWork, event: ContactAccepted, rules: KpiRules) -> None:
    """Answered (and its wait), in the interval the agent accepted."""
    counts = domain.answered(event.waited_ms, rules)
    await add_counts(uow, rules, event.accepted_at, event.queue_id, event.channel.value, counts)
    await _agent(uow, rules, event.accepted_at, event.agent_id, event.queue_id,
                 event.channel.value, answered=1)
    await _left(uow, event, event.accepted_at)


async def contact_abandoned(uow: UnitOfWork, event: ContactAbandoned, rules: KpiRules) -> None:
    """Abandoned (short, within the threshold or later), in the interval the customer left."""
    counts = domain.abandoned(event.waited_ms, rules)
    await add_counts(uow, rules, event.abandoned_at, event.queue_id, event.channel.value, counts)
    await _left(uow, event, event.abandoned_at)


async def _left(uow: UnitOfWork, event: ContactAccepted | ContactAbandoned,
                at: datetime) -> None:
    arrived = domain.as_utc(at) - timedelta(milliseconds=event.waited_ms)
    await realtime.mark(uow, contact_id=event.contact_id, queue_id=event.queue_id,
                        channel=event.channel.value, arrived_at=arrived, waiting=False, at=at)


async def contact_completed(uow: UnitOfWork, event: ContactCompleted, rules: KpiRules) -> None:
    """Handled with talk, hold and wrap-up; remembered for first-contact resolution."""
    counts = domain.completed(event.talk_ms, event.hold_ms, event.wrap_up_ms, event.resolved)
    channel = event.channel.value
    await add_counts(uow, rules, event.completed_at, event.queue_id, channel, counts)
    await _agent(uow, rules, event.completed_at, event.agent_id, event.queue_id, channel,
                 handled=1, talk_ms_total=event.talk_ms, hold_ms_total=event.hold_ms,
                 wrap_up_ms_total=event.wrap_up_ms)
    if event.reason:
        await _reason(uow, rules, event.completed_at, event, handled=1,
                      resolved=int(event.resolved))
    if event.customer_id and event.reason:
        await fcr.completed(uow, rules, add_counts, customer_id=event.customer_id,
                            reason=event.reason, contact_id=event.contact_id,
                            at=domain.as_utc(event.completed_at), queue_id=event.queue_id,
                            channel=channel)


async def agent_state_changed(uow: UnitOfWork, event: AgentStateChanged,
                              rules: KpiRules) -> None:
    """Close the agent's previous state (its time split into intervals) and open the new one."""
    presence = await row(uow, tables.agent_presence, agent_id=event.agent_id)
    if presence is not None and presence["since"] > domain.as_utc(event.changed_at):
        return  # older than what we know: its span is already accounted for
    if presence is not None:
        for start, ms in split_by_interval(presence["since"], event.changed_at,
                                           rules.interval_minutes):
            key = {"interval_start": start, "agent_id": event.agent_id,
                   "state": presence["state"], "reason": presence["reason"]}
            await increment(uow, tables.agent_state_time, key, {"ms": ms})
    await put(uow, tables.agent_presence, {"agent_id": event.agent_id},
              {"state": event.state.value, "reason": event.reason or "",
               "since": event.changed_at})


async def customer_erased(uow: UnitOfWork, event: CustomerErased) -> None:
    """Forget which contacts a customer had: metrics keeps no other link to a person."""
    await fcr.erase(uow, event.customer_id)
    await containment.erase(uow, event.customer_id)


async def add_counts(uow: UnitOfWork, rules: KpiRules, moment: datetime, queue_id: str,
                     channel: str, counts: IntervalCounts) -> None:
    """Add counts to the queue/channel row of the interval holding `moment`."""
    key = {"interval_start": domain.floor_interval(moment, rules.interval_minutes),
           "queue_id": queue_id, "channel": channel}
    # A shallow copy: dataclasses.asdict deep-copies and was a third of a batch's time.
    await increment(uow, tables.interval_stats, key, dict(vars(counts)), maxima=MAXIMA)


async def _agent(uow: UnitOfWork, rules: KpiRules, moment: datetime, agent_id: str,
                 queue_id: str, channel: str, **amounts: int) -> None:
    key = {"interval_start": domain.floor_interval(moment, rules.interval_minutes),
           "agent_id": agent_id, "queue_id": queue_id, "channel": channel}
    zeros = dict.fromkeys(("answered", "handled", "talk_ms_total", "hold_ms_total",
                           "wrap_up_ms_total"), 0)
    await increment(uow, tables.agent_stats, key, {**zeros, **amounts})


async def _reason(uow: UnitOfWork, rules: KpiRules, moment: datetime,
                  event: ContactQueued | ContactCompleted, **amounts: int) -> None:
    key = {"interval_start": domain.floor_interval(moment, rules.interval_minutes),
           "queue_id": event.queue_id, "channel": event.channel.value,
           "reason": event.reason}
    zeros = dict.fromkeys(("offered", "handled", "resolved"), 0)
    await increment(uow, tables.reason_stats, key, {**zeros, **amounts})
