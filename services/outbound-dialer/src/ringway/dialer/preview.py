"""Preview dialing use cases: the agent routing reserved sees the contact, starts or skips.

How the agent is reserved (through routing) is told in reservations.py.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select, update

from ringway.dialer import reservations, tables
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
from ringway.shared.web.problems import Conflict

SKIP_DELAY = timedelta(minutes=30)


class PreviewRead(BaseModel):
    """The contact routing reserved the agent for, to review before calling."""

    contact: CampaignContactRead
    attempt_id: str
    requested_at: UtcDateTime


class PreviewResult(BaseModel):
    """What happened when the agent started the call."""

    attempt_id: str
    outcome: str


async def reserved_preview(ctx: DialerContext, *, campaign_id: str,
                           agent: str) -> PreviewRead | None:
    """The preview routing reserved `agent` for; None while routing has given them none."""
    async with ctx.uow() as uow:
        campaign = await load_campaign(uow, campaign_id)
        _check_preview(campaign)
        held = await reservations.held_for(uow, campaign_id, agent)
        if held is None:
            return None
        row = await _contact(uow, held.campaign_contact_id)
    return PreviewRead(contact=CampaignContactRead.model_validate(row._asdict()),
                       attempt_id=held.attempt_id, requested_at=held.requested_at)


def _check_preview(campaign: CampaignRead) -> None:
    if campaign.dialing_mode is not DialingMode.PREVIEW:
        raise Conflict(f"campaign {campaign.id!r} is not a preview campaign", code="not-preview")


async def start_call(ctx: DialerContext, telephony: Telephony, *, campaign_id: str,
                     contact_id: str, agent: str) -> PreviewResult:
    """Dial the reserved contact (compliance checked again now); 409 if not reserved for you."""
    async with ctx.uow() as uow:
        campaign = await load_campaign(uow, campaign_id)
        _check_preview(campaign)
        if campaign.status is not CampaignStatus.RUNNING:
            raise Conflict(f"campaign {campaign_id!r} is {campaign.status.value}",
                           code="campaign-not-running")
        held = await _held(uow, campaign_id, contact_id, agent)
        row = await _contact(uow, contact_id)
        rules, now = rules_for(ctx, campaign), ctx.clock()
        verdict = await check_contact(uow, campaign, rules, row, now)
        if verdict is None:
            placed = await start_attempt(uow, campaign, row, now, attempt_id=held.attempt_id)
            await reservations.finish(uow, held.attempt_id, reservations.DIALED)
        else:
            await suppress_contact(ctx, uow, campaign, row, verdict, now)
            await reservations.finish(uow, held.attempt_id, reservations.SKIPPED)
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
    """Give the reserved contact back; it comes round again later."""
    async with ctx.uow() as uow:
        held = await _held(uow, campaign_id, contact_id, agent)
        t = tables.campaign_contacts
        await uow.session.execute(update(t).where(t.c.id == contact_id).values(
            status=ContactStatus.PENDING.value, next_attempt_at=ctx.clock() + SKIP_DELAY))
        await reservations.finish(uow, held.attempt_id, reservations.SKIPPED)


async def _held(uow: UnitOfWork, campaign_id: str, contact_id: str, agent: str) -> Any:
    held = await reservations.held_for(uow, campaign_id, agent, contact_id)
    if held is None:
        raise Conflict(f"contact {contact_id!r} is not reserved for you", code="not-held")
    return held


async def _contact(uow: UnitOfWork, contact_id: str) -> Any:
    t = tables.campaign_contacts
    return (await uow.session.execute(select(t).where(t.c.id == contact_id))).one()
