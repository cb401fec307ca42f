"""Placing calls: pace, check compliance at dial time, record attempts, hand answers to routing."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from ulid import ULID

from ringway.dialer import dnc, reservations, tables
from ringway.dialer.context import DialerContext
from ringway.dialer.domain import CampaignStatus, DialingMode
from ringway.dialer.domain.compliance import PastCall, PastOutcome, Rules, Suppression, check_dial
from ringway.dialer.domain.pacing import PacingDecision, decide
from ringway.dialer.domain.phones import Callee
from ringway.dialer.domain.retries import ContactStatus, Outcome
from ringway.dialer.outcomes import finish_attempt
from ringway.dialer.pacing_inputs import gather, rules_for
from ringway.dialer.schemas import CampaignRead
from ringway.dialer.service import load_campaign
from ringway.dialer.telephony import CallOutcome, CallResult, Telephony
from ringway.shared.contracts.dialer import AttemptStarted, OutboundCallAnswered
from ringway.shared.db.uow import UnitOfWork

HISTORY_DAYS = 90
LOST_AFTER_S = 60
# Suppressions that no waiting cures: the contact is not called again.
PERMANENT = {Suppression.DO_NOT_CALL, Suppression.CAMPAIGN_DO_NOT_CALL,
             Suppression.NO_CALLING_WINDOW, Suppression.UNKNOWN_TIME_ZONE}


@dataclass
class Placed:
    """A call the tick decided to place."""

    attempt_id: str
    contact_id: str
    customer_id: str | None
    phone: str


@dataclass
class TickReport:
    """What one pacing tick did."""

    decision: PacingDecision | None = None
    placed: list[Placed] = field(default_factory=list)
    suppressed: list[tuple[str, str]] = field(default_factory=list)
    previews: list[str] = field(default_factory=list)


async def tick(ctx: DialerContext, telephony: Telephony, *, campaign_id: str) -> TickReport:
    """One pacing step: decide, select and check contacts, place calls, record outcomes."""
    report = TickReport()
    async with ctx.uow() as uow:
        campaign = await load_campaign(uow, campaign_id)
        if campaign.status is not CampaignStatus.RUNNING:
            return report
        rules = rules_for(ctx, campaign)
        now = ctx.clock()
        await _expire_lost_calls(ctx, uow, campaign, rules, now)
        factor = float(ctx.extras.get(f"pace:{campaign_id}", 1.0))  # type: ignore[arg-type]
        inputs = await gather(uow, campaign, rules, now, factor)
        # The abandons that last halved the pace: one spike halves it once (see pacing).
        spike = ctx.extras.get(f"spike:{campaign_id}", 0)
        inputs = replace(inputs, spike_level=spike if isinstance(spike, int) else 0)
        if campaign.dialing_mode is DialingMode.PREVIEW:
            # A preview waiting for routing to reserve an agent is the preview's call in flight.
            await reservations.release_expired(uow, campaign_id, now)
            inputs = replace(inputs, calls_in_flight=await reservations.outstanding(
                uow, campaign_id, now))
        report.decision = decide(inputs)
        ctx.extras[f"pace:{campaign_id}"] = report.decision.pace_factor
        ctx.extras[f"spike:{campaign_id}"] = report.decision.spike_level
        # Idle repeats (no call, same reason) add nothing to the audit trail but rows.
        key, reason = f"reason:{campaign_id}", report.decision.reason
        if report.decision.dial or ctx.extras.get(key) != reason:
            await _audit(uow, campaign, report.decision, inputs, now)
        ctx.extras[key] = reason
        await _select_and_start(ctx, uow, campaign, rules, report, now)
    ring_s = ring_timeout_s(campaign, rules)
    results = await asyncio.gather(*(telephony.dial(p.phone, campaign.caller_id, ring_s)
                                     for p in report.placed), return_exceptions=True)
    for placed, result in zip(report.placed, results, strict=True):
        if isinstance(result, Exception):
            # The network refused this call; the others placed in the same tick stand.
            result = CallResult(CallOutcome.FAILED, 0)
        elif isinstance(result, BaseException):
            raise result
        await record_call_result(ctx, campaign, rules, placed, result)
    return report


async def _expire_lost_calls(ctx: DialerContext, uow: UnitOfWork, campaign: CampaignRead,
                             rules: Rules, now: datetime) -> None:
    """Attempts placed but never reported (a crash between commit and dial) end as failed."""
    t = tables.attempts
    limit = now - timedelta(seconds=ring_timeout_s(campaign, rules) + LOST_AFTER_S)
    lost = (await uow.session.execute(select(t.c.id).where(
        t.c.campaign_id == campaign.id, t.c.outcome.is_(None), t.c.started_at < limit))).scalars()
    for attempt_id in list(lost):
        await finish_attempt(ctx, uow, attempt_id, Outcome.FAILED, now)


def ring_timeout_s(campaign: CampaignRead, rules: Rules) -> float:
    """The campaign's ring time, never under the profiles' minimum ring time."""
    return float(max(campaign.settings.ring_timeout_s, rules.min_ring_s))


async def _audit(uow: UnitOfWork, campaign: CampaignRead, decision: PacingDecision,
                 inputs: Any, now: datetime) -> None:
    await uow.session.execute(insert(tables.pacing_decisions).values(
        id=str(ULID()), campaign_id=campaign.id, at=now, mode=campaign.dialing_mode.value,
        dial=decision.dial, reason=decision.reason, inputs=_jsonable(decision.audit(inputs))))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value.value if hasattr(value, "value") else value


async def _select_and_start(ctx: DialerContext, uow: UnitOfWork, campaign: CampaignRead,
                            rules: Rules, report: TickReport, now: datetime) -> None:
    """Take due contacts in priority order until the decision's number of calls is placed."""
    assert report.decision is not None
    wanted = report.decision.dial
    for row in await _due(uow, campaign.id, now, limit=max(wanted * 4, wanted)):
        if len(report.placed) + len(report.previews) >= wanted:
            return
        verdict = await check_contact(uow, campaign, rules, row, now)
        if verdict is None and campaign.dialing_mode is DialingMode.PREVIEW:
            report.previews.append(await reservations.request(uow, campaign, row, now))
        elif verdict is None:
            report.placed.append(await start_attempt(uow, campaign, row, now))
        else:
            report.suppressed.append((row.id, verdict))
            await suppress_contact(ctx, uow, campaign, row, verdict, now)


async def _due(uow: UnitOfWork, campaign_id: str, now: datetime, limit: int) -> list[Any]:
    t = tables.campaign_contacts
    if limit <= 0:
        return []
    return list((await uow.session.execute(
        select(t).where(t.c.campaign_id == campaign_id,
                        t.c.status == ContactStatus.PENDING.value, t.c.next_attempt_at <= now)
        .order_by(t.c.priority.desc(), t.c.next_attempt_at, t.c.id).limit(limit))).all())


async def check_contact(uow: UnitOfWork, campaign: CampaignRead, rules: Rules, row: Any,
                        now: datetime) -> Any:
    """None when the number may be dialed now; else the verdict (checked at dial time)."""
    listed = await dnc.listed_scope(uow, campaign.id, row.phone)
    callee = Callee(row.phone, row.region, tuple(row.zones or ()))
    verdict = check_dial(rules, callee, await _history(uow, row.phone, now), now=now,
                         do_not_call=listed)
    return None if verdict.allowed else verdict


async def _history(uow: UnitOfWork, phone: str, now: datetime) -> list[PastCall]:
    t = tables.attempts
    rows = (await uow.session.execute(select(t.c.started_at, t.c.outcome, t.c.refused).where(
        t.c.phone == phone, t.c.started_at >= now - timedelta(days=HISTORY_DAYS)))).all()
    return [PastCall(r.started_at, PastOutcome.REFUSED if r.refused else
                     PastOutcome.ABANDONED if r.outcome == Outcome.ABANDONED.value
                     else PastOutcome.CALLED) for r in rows]


async def suppress_contact(ctx: DialerContext, uow: UnitOfWork, campaign: CampaignRead,
                           row: Any, verdict: Any, now: datetime) -> None:
    """Record why the contact was not dialed; reschedule it, or retire it for good."""
    await dnc.record_suppression(uow, campaign_id=campaign.id, contact_id=row.id,
                                 phone=row.phone, reason=verdict.reason.value,
                                 detail=verdict.detail, ctx=ctx)
    permanent = verdict.reason in PERMANENT or verdict.not_before is None
    values = ({"status": ContactStatus.SUPPRESSED.value, "outcome": verdict.reason.value}
              if permanent else {"next_attempt_at": verdict.not_before})
    t = tables.campaign_contacts
    await uow.session.execute(update(t).where(t.c.id == row.id).values(**values))


async def start_attempt(uow: UnitOfWork, campaign: CampaignRead, row: Any,
                        now: datetime, attempt_id: str | None = None) -> Placed:
    """Record the attempt and its event; the contact is being dialed."""
    placed = Placed(attempt_id or str(ULID()), row.id, row.customer_id, row.phone)
    await uow.session.execute(insert(tables.attempts).values(
        id=placed.attempt_id, campaign_id=campaign.id, campaign_contact_id=row.id,
        customer_id=row.customer_id, phone=row.phone, mode=campaign.dialing_mode.value,
        started_at=now))
    t = tables.campaign_contacts
    await uow.session.execute(update(t).where(t.c.id == row.id).values(
        status=ContactStatus.DIALING.value, attempts=t.c.attempts + 1))
    uow.publish(AttemptStarted(campaign_id=campaign.id, attempt_id=placed.attempt_id,
                               campaign_contact_id=row.id, customer_id=row.customer_id,
                               mode=campaign.dialing_mode.value, started_at=now))
    return placed


async def record_call_result(ctx: DialerContext, campaign: CampaignRead, rules: Rules,
                             placed: Placed, result: CallResult) -> None:
    """Store what the network said; a live answer goes to routing, others end the attempt."""
    now = ctx.clock()
    answered_at = now if result.outcome in (CallOutcome.HUMAN, CallOutcome.MACHINE) else None
    async with ctx.uow() as uow:
        await uow.session.execute(update(tables.attempts).where(
            tables.attempts.c.id == placed.attempt_id).values(
            ring_ms=result.ring_ms, answered_at=answered_at))
        if campaign.dialing_mode is DialingMode.AGENTLESS and answered_at is not None:
            await finish_attempt(ctx, uow, placed.attempt_id, Outcome.MESSAGE_DELIVERED, now)
        elif result.outcome is CallOutcome.HUMAN and campaign.dialing_mode is DialingMode.PREVIEW:
            # The reserved agent is on the line already; routing's contact.completed closes it.
            await uow.session.execute(update(tables.attempts).where(
                tables.attempts.c.id == placed.attempt_id).values(outcome=Outcome.HUMAN.value))
        elif result.outcome is CallOutcome.HUMAN:
            await _hand_to_routing(uow, campaign, rules, placed, now)
        else:
            await finish_attempt(ctx, uow, placed.attempt_id, Outcome(result.outcome.value), now)


async def _hand_to_routing(uow: UnitOfWork, campaign: CampaignRead, rules: Rules,
                           placed: Placed, now: datetime) -> None:
    await uow.session.execute(update(tables.attempts).where(
        tables.attempts.c.id == placed.attempt_id).values(outcome=Outcome.HUMAN.value))
    uow.publish(OutboundCallAnswered(
        campaign_id=campaign.id, attempt_id=placed.attempt_id, queue_id=campaign.queue_id or "",
        customer_id=placed.customer_id, answered_at=now,
        connect_limit_ms=rules.connect_limit_ms))
