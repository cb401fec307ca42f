"""Preview dialing: an agent takes the next contact, reads it, then starts or skips the call."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select, update

from ringway.dialer import tables
from ringway.dialer.context import DialerContext
from ringway.dialer.dialing import (
    Placed,
    check_contact,
    record_call_result,
    ring_timeout_s,
    start_attempt,
    suppress_contact,
)
from ringway.dialer.domain import CampaignStatus, DialingMode
from ringway.dialer.domain.retries import ContactStatus
from ringway.dialer.pacing_inputs import rules_for
from ringway.dialer.schemas import CampaignContactRead, CampaignRead, UtcDateTime
from ringway.dialer.service import load_campaign
from ringway.dialer.telephony import CallOutcome, CallResult, Telephony
from ringway.shared.db.uow import UnitOfWork
from ringway.shared.web.problems import Conflict, NotFound

PREVIEWING = "previewing"
HOLD = timedelta(minutes=5)
SKIP_DELAY = timedelta(minutes=30)


class PreviewRead(BaseModel):
    """The contact an agent reviews before calling, held for them until `expires_at`."""

    contact: CampaignContactRead
    expires_at: UtcDateTime


class PreviewResult(BaseModel):
    """What happened when the agent started the call."""

    attempt_id: str
    outcome: str


async def next_preview(ctx: DialerContext, *, campaign_id: str, agent: str) -> PreviewRead | None:
    """Hold the next callable contact for `agent`; None when nobody is due."""
    async with ctx.uow() as uow:
        campaign = await _preview_campaign(uow, campaign_id)
        now = ctx.clock()
        await _release_expired(uow, campaign_id, now)
        rules = rules_for(ctx, campaign)
        for row in await _due(uow, campaign_id, now):
            verdict = await check_contact(uow, campaign, rules, row, now)
            if verdict is not None:
                await suppress_contact(ctx, uow, campaign, row, verdict, now)
                continue
            return await _hold(ctx, uow, row, agent, now + HOLD)
    return None


async def _preview_campaign(uow: UnitOfWork, campaign_id: str) -> CampaignRead:
    campaign = await load_campaign(uow, campaign_id)
    if campaign.dialing_mode is not DialingMode.PREVIEW:
        raise Conflict(f"campaign {campaign_id!r} is not a preview campaign", code="not-preview")
    if campaign.status is not CampaignStatus.RUNNING:
        raise Conflict(f"campaign {campaign_id!r} is {campaign.status.value}",
                       code="campaign-not-running")
    return campaign


async def _release_expired(uow: UnitOfWork, campaign_id: str, now: Any) -> None:
    t = tables.campaign_contacts
    await uow.session.execute(update(t).where(
        t.c.campaign_id == campaign_id, t.c.status == PREVIEWING, t.c.next_attempt_at < now)
        .values(status=ContactStatus.PENDING.value))


async def _due(uow: UnitOfWork, campaign_id: str, now: Any) -> list[Any]:
    t = tables.campaign_contacts
    return list((await uow.session.execute(select(t).where(
        t.c.campaign_id == campaign_id, t.c.status == ContactStatus.PENDING.value,
        t.c.next_attempt_at <= now).order_by(t.c.priority.desc(), t.c.next_attempt_at, t.c.id)
        .limit(20))).all())


async def _hold(ctx: DialerContext, uow: UnitOfWork, row: Any, agent: str,
                expires: Any) -> PreviewRead:
    t = tables.campaign_contacts
    await uow.session.execute(update(t).where(t.c.id == row.id).values(
        status=PREVIEWING, next_attempt_at=expires))
    ctx.extras[f"preview:{row.id}"] = agent
    contact = CampaignContactRead.model_validate(
        {**row._asdict(), "status": PREVIEWING, "next_attempt_at": expires})
    return PreviewRead(contact=contact, expires_at=expires)


async def start_call(ctx: DialerContext, telephony: Telephony, *, campaign_id: str,
                     contact_id: str, agent: str) -> PreviewResult:
    """Dial the held contact (compliance checked again now); 409 if not held by `agent`."""
    async with ctx.uow() as uow:
        campaign = await _preview_campaign(uow, campaign_id)
        row = await _held(ctx, uow, campaign_id, contact_id, agent)
        rules, now = rules_for(ctx, campaign), ctx.clock()
        verdict = await check_contact(uow, campaign, rules, row, now)
        if verdict is None:
            placed = await start_attempt(uow, campaign, row, now)
        else:
            await suppress_contact(ctx, uow, campaign, row, verdict, now)
    ctx.extras.pop(f"preview:{contact_id}", None)
    if verdict is not None:
        raise Conflict(f"not dialed: {verdict.detail}", code="dial-suppressed",
                       reason=verdict.reason.value)
    return await _dial(ctx, telephony, campaign, rules, placed)


async def _dial(ctx: DialerContext, telephony: Telephony, campaign: CampaignRead, rules: Any,
                placed: Placed) -> PreviewResult:
    try:
        result = await telephony.dial(placed.phone, campaign.caller_id,
                                      ring_timeout_s(campaign, rules))
    except Exception:  # noqa: BLE001 - a refused call is a failed attempt, not a 500
        result = CallResult(CallOutcome.FAILED, 0)
    await record_call_result(ctx, campaign, rules, placed, result)
    return PreviewResult(attempt_id=placed.attempt_id, outcome=result.outcome.value)


async def skip(ctx: DialerContext, *, campaign_id: str, contact_id: str, agent: str) -> None:
    """Give the held contact back; it comes round again later."""
    async with ctx.uow() as uow:
        await _held(ctx, uow, campaign_id, contact_id, agent)
        t = tables.campaign_contacts
        await uow.session.execute(update(t).where(t.c.id == contact_id).values(
            status=ContactStatus.PENDING.value, next_attempt_at=ctx.clock() + SKIP_DELAY))
    ctx.extras.pop(f"preview:{contact_id}", None)


async def _held(ctx: DialerContext, uow: UnitOfWork, campaign_id: str, contact_id: str,
                agent: str) -> Any:
    t = tables.campaign_contacts
    row = (await uow.session.execute(select(t).where(
        t.c.id == contact_id, t.c.campaign_id == campaign_id))).first()
    if row is None:
        raise NotFound("contact", contact_id)
    held = row.status == PREVIEWING and row.next_attempt_at >= ctx.clock()
    if not held or ctx.extras.get(f"preview:{contact_id}") != agent:
        raise Conflict(f"contact {contact_id!r} is not held for you", code="not-held")
    return row
