"""Campaign use cases: each owns its transaction and writes its events to the outbox."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, insert, select, update
from ulid import ULID

from ringway.dialer import domain, reservations, tables
from ringway.dialer.context import DialerContext
from ringway.dialer.domain import Action, CampaignStatus, DialingMode
from ringway.dialer.schemas import (
    CampaignContactPage,
    CampaignContactRead,
    CampaignCreate,
    CampaignRead,
    CampaignSettings,
    CampaignUpdate,
)
from ringway.shared.contracts.dialer import CampaignCreated, CampaignStateChanged
from ringway.shared.db.uow import UnitOfWork
from ringway.shared.web.problems import Conflict, NotFound, ProblemError

log = logging.getLogger(__name__)


async def create_campaign(ctx: DialerContext, *, body: CampaignCreate) -> CampaignRead:
    """Define a campaign (a draft until started)."""
    triggers = _triggers(body.enrol_on)
    _check_profiles(ctx, body.settings)
    now = ctx.clock()
    campaign = CampaignRead(id=str(ULID()), status=CampaignStatus.DRAFT, enrol_on=triggers,
                            created_at=now, updated_at=now,
                            **body.model_dump(exclude={"enrol_on"}))
    async with ctx.uow() as uow:
        await uow.session.execute(insert(tables.campaigns).values(**_row(campaign)))
        uow.publish(CampaignCreated(
            campaign_id=campaign.id, name=campaign.name, purpose=campaign.purpose.value,
            dialing_mode=campaign.dialing_mode.value, created_at=campaign.created_at))
    return campaign


async def get_campaign(ctx: DialerContext, *, campaign_id: str) -> CampaignRead:
    """One campaign, or 404."""
    async with ctx.uow() as uow:
        return await load_campaign(uow, campaign_id)


async def update_campaign(ctx: DialerContext, *, campaign_id: str,
                          body: CampaignUpdate) -> CampaignRead:
    """Change a campaign; 409 when mode, pool or profiles change while it runs."""
    changes = body.model_dump(exclude_unset=True)
    if "enrol_on" in changes:
        changes["enrol_on"] = _triggers(changes["enrol_on"])
    if body.settings is not None:
        _check_profiles(ctx, body.settings)
    async with ctx.uow() as uow:
        campaign = await load_campaign(uow, campaign_id)
        _check_changeable(campaign, body, changes)
        updated = CampaignRead.model_validate(
            {**campaign.model_dump(), **changes, "updated_at": ctx.clock()})
        await _store_guarded(uow, campaign, _row(updated))
        if (campaign.dialing_mode is DialingMode.PREVIEW
                and updated.dialing_mode is not DialingMode.PREVIEW):
            # Contacts held for previews go back to the list the new mode dials.
            await reservations.release_all(uow, campaign_id, ctx.clock())
    return updated


async def change_status(ctx: DialerContext, *, campaign_id: str, action: Action) -> CampaignRead:
    """Start, pause, resume or stop a campaign; 409 when the action does not apply."""
    async with ctx.uow() as uow:
        campaign = await load_campaign(uow, campaign_id)
        try:
            status = domain.transition(campaign.status, action)
        except domain.InvalidTransition as error:
            raise _transition_conflict(campaign_id, error) from None
        if campaign.status is CampaignStatus.DRAFT and status is CampaignStatus.RUNNING:
            await _check_startable(uow, campaign)
        now = ctx.clock()
        await _store_guarded(uow, campaign, {"status": status, "updated_at": now})
        uow.publish(CampaignStateChanged(
            campaign_id=campaign_id, previous=campaign.status.value, status=status.value,
            action=action.value, changed_at=now))
    return campaign.model_copy(update={"status": status, "updated_at": now})


async def list_contacts(ctx: DialerContext, *, campaign_id: str, limit: int,
                        offset: int) -> CampaignContactPage:
    """A page of the campaign's contacts, oldest enrolment first; 404 for an unknown campaign."""
    t = tables.campaign_contacts
    async with ctx.uow() as uow:
        await load_campaign(uow, campaign_id)
        total = await uow.session.scalar(
            select(func.count()).select_from(t).where(t.c.campaign_id == campaign_id))
        rows = (await uow.session.execute(
            select(t).where(t.c.campaign_id == campaign_id)
            .order_by(t.c.enrolled_at, t.c.id).limit(limit).offset(offset))).mappings().all()
    items = [CampaignContactRead.model_validate(dict(row)) for row in rows]
    return CampaignContactPage(items=items, total=int(total or 0), limit=limit, offset=offset)


async def load_campaign(uow: UnitOfWork, campaign_id: str) -> CampaignRead:
    """The campaign, or NotFound."""
    row = (await uow.session.execute(
        select(tables.campaigns).where(tables.campaigns.c.id == campaign_id))).mappings().first()
    if row is None:
        raise NotFound("campaign", campaign_id)
    return campaign_from_row(row)


def campaign_from_row(row: Any) -> CampaignRead:
    """A stored campaign row as a CampaignRead (rows before 0002 have no settings)."""
    values = {k: v for k, v in dict(row).items() if v is not None or k != "settings"}
    return CampaignRead.model_validate(values)


def _row(campaign: CampaignRead) -> dict[str, Any]:
    return campaign.model_dump(mode="python") | {"settings": campaign.settings.model_dump(
        mode="json")}


def _triggers(enrol_on: list[str]) -> list[str]:
    try:
        return domain.validate_triggers(enrol_on)
    except domain.InvalidTriggers as error:
        raise ProblemError(422, "Invalid triggers", str(error), code="invalid-triggers",
                           invalid=error.invalid) from None


def _check_profiles(ctx: DialerContext, settings: CampaignSettings) -> None:
    unknown = [c for c in settings.compliance_profiles if c not in ctx.profiles]
    if unknown:
        known = ", ".join(sorted(ctx.profiles))
        raise ProblemError(422, "Unknown compliance profiles",
                           f"unknown: {', '.join(unknown)}; known: {known}",
                           code="unknown-compliance-profile", unknown=unknown)


def _check_changeable(campaign: CampaignRead, body: CampaignUpdate,
                      changes: dict[str, Any]) -> None:
    if campaign.status is CampaignStatus.COMPLETED:
        raise Conflict(f"campaign {campaign.id!r} is completed", code="campaign-completed")
    changed = {k for k, v in changes.items() if getattr(campaign, k) != getattr(body, k)}
    if body.settings is not None and (body.settings.compliance_profiles
                                      != campaign.settings.compliance_profiles):
        changed.add("compliance_profiles")
    frozen = domain.frozen_changes(campaign.status, changed)
    if frozen:
        raise Conflict(f"cannot change {', '.join(frozen)} while the campaign runs; pause it",
                       code="campaign-running", fields=frozen)


async def _check_startable(uow: UnitOfWork, campaign: CampaignRead) -> None:
    t = tables.campaign_contacts
    count = await uow.session.scalar(
        select(func.count()).select_from(t).where(t.c.campaign_id == campaign.id))
    try:
        domain.check_startable(mode=campaign.dialing_mode, queue_id=campaign.queue_id,
                               contacts=int(count or 0), enrol_on=campaign.enrol_on)
    except domain.NotStartable as error:
        raise Conflict(f"campaign {campaign.id!r} cannot start: {error}",
                       code="campaign-not-startable", reasons=error.reasons) from None


async def _store_guarded(uow: UnitOfWork, campaign: CampaignRead, values: dict[str, Any]) -> None:
    # Guarded by the status we read: a concurrent transition makes this update miss.
    t = tables.campaigns
    result = await uow.session.execute(
        update(t).where(t.c.id == campaign.id, t.c.status == campaign.status).values(**values))
    if int(getattr(result, "rowcount", 0)) != 1:
        raise Conflict(f"campaign {campaign.id!r} changed meanwhile; retry",
                       code="concurrent-change")


def _transition_conflict(campaign_id: str, error: domain.InvalidTransition) -> Conflict:
    return Conflict(f"campaign {campaign_id!r}: {error}", code="invalid-campaign-transition",
                    current_status=error.current.value, action=error.action.value,
                    allowed_from=[s.value for s in error.allowed_from])
