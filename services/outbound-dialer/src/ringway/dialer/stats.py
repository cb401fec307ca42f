"""Campaign statistics: attempts, connects, right-party contacts, abandon rates, conversions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, func, select

from ringway.dialer import tables
from ringway.dialer.context import DialerContext
from ringway.dialer.pacing_inputs import rules_for, window_rates
from ringway.dialer.service import load_campaign
from ringway.shared.db.uow import UnitOfWork


class WindowRead(BaseModel):
    """One compliance profile's abandon rate on its own window."""

    profile: str
    since: str
    live_answers: int
    abandoned: int
    amd_false_positive_estimate: float
    rate: float
    cap: float


class CampaignStats(BaseModel):
    """What a campaign has done so far."""

    attempts: int
    outcomes: dict[str, int] = Field(description="Finished attempts by outcome.")
    connects: int = Field(description="Calls an agent (or the message) handled.")
    right_party_contacts: int = Field(description="Connects not dispositioned wrong_number.")
    conversions: int = Field(description="Connects dispositioned sale.")
    contacts: dict[str, int] = Field(description="Contacts by status.")
    suppressions: int
    abandon_windows: list[WindowRead]


async def campaign_stats(ctx: DialerContext, *, campaign_id: str) -> CampaignStats:
    """Counts over the campaign's attempts and contacts, and its abandon rate per window."""
    a, c = tables.attempts, tables.campaign_contacts
    async with ctx.uow() as uow:
        campaign = await load_campaign(uow, campaign_id)
        outcomes = await _grouped(uow, a.c.outcome, a.c.campaign_id == campaign_id)
        dispositions = await _grouped(uow, a.c.disposition, a.c.campaign_id == campaign_id)
        contacts = await _grouped(uow, c.c.status, c.c.campaign_id == campaign_id)
        suppressed = await uow.session.scalar(select(func.count()).select_from(
            tables.suppressions).where(tables.suppressions.c.campaign_id == campaign_id))
        rates = await window_rates(uow, campaign, rules_for(ctx, campaign).profiles,
                                   ctx.clock())
    connects = outcomes.get("connected", 0) + outcomes.get("message_delivered", 0)
    return CampaignStats(
        attempts=sum(outcomes.values()), outcomes=outcomes, connects=connects,
        right_party_contacts=connects - dispositions.get("wrong_number", 0),
        conversions=dispositions.get("sale", 0), contacts=contacts,
        suppressions=int(suppressed or 0),
        abandon_windows=[WindowRead(
            profile=r.profile, since=r.since.isoformat(), live_answers=r.live,
            abandoned=r.abandoned, amd_false_positive_estimate=r.false_positives,
            rate=round(r.rate, 6), cap=r.cap) for r in rates])


async def _grouped(uow: UnitOfWork, column: ColumnElement[Any],
                   condition: ColumnElement[bool]) -> dict[str, int]:
    rows = await uow.session.execute(select(column, func.count()).where(condition)
                                     .group_by(column))
    return {str(key or "in_progress"): int(n) for key, n in rows.all()}


class PacingDecisionRead(BaseModel):
    """One recorded pacing decision: its inputs and its output."""

    id: str
    at: str
    mode: str
    dial: int
    reason: str
    inputs: dict[str, Any]


async def pacing_decisions(ctx: DialerContext, *, campaign_id: str, since: datetime | None,
                           limit: int) -> list[PacingDecisionRead]:
    """The campaign's pacing decisions from `since` on, oldest first (the audit trail)."""
    t = tables.pacing_decisions
    async with ctx.uow() as uow:
        await load_campaign(uow, campaign_id)
        query = select(t).where(t.c.campaign_id == campaign_id)
        if since is not None:
            query = query.where(t.c.at >= since)
        rows = (await uow.session.execute(query.order_by(t.c.at, t.c.id).limit(limit)))
        return [PacingDecisionRead.model_validate({**r, "at": r["at"].isoformat()})
                for r in rows.mappings()]
