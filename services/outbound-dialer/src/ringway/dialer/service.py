"""Dialer use cases: each owns its transaction and writes its events to the outbox."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from ulid import ULID

from ringway.dialer import domain, tables
from ringway.dialer.domain import Action, CampaignStatus
from ringway.dialer.schemas import (
    CampaignContactPage,
    CampaignContactRead,
    CampaignCreate,
    CampaignRead,
)
from ringway.shared.contracts.dialer import CampaignContactEnrolled, CampaignCreated
from ringway.shared.db.uow import UnitOfWork, UnitOfWorkFactory
from ringway.shared.web.problems import Conflict, NotFound, ProblemError

log = logging.getLogger(__name__)


async def create_campaign(uow_factory: UnitOfWorkFactory, *, body: CampaignCreate) -> CampaignRead:
    """Define a campaign (a draft until started)."""
    try:
        triggers = domain.validate_triggers(body.enrol_on)
    except domain.InvalidTriggers as error:
        raise ProblemError(422, "Invalid triggers", str(error), code="invalid-triggers",
                           invalid=error.invalid) from None
    campaign = CampaignRead(id=str(ULID()), name=body.name, purpose=body.purpose,
                            dialing_mode=body.dialing_mode, status=CampaignStatus.DRAFT,
                            enrol_on=triggers, created_at=datetime.now(UTC))
    async with uow_factory() as uow:
        await uow.session.execute(insert(tables.campaigns).values(**campaign.model_dump()))
        uow.publish(CampaignCreated(
            campaign_id=campaign.id, name=campaign.name, purpose=campaign.purpose.value,
            dialing_mode=campaign.dialing_mode.value, created_at=campaign.created_at))
    return campaign


async def get_campaign(uow_factory: UnitOfWorkFactory, *, campaign_id: str) -> CampaignRead:
    """One campaign, or 404."""
    async with uow_factory() as uow:
        return await _load_campaign(uow, campaign_id)


async def start_campaign(uow_factory: UnitOfWorkFactory, *, campaign_id: str) -> CampaignRead:
    """Start (or resume) a campaign; 409 from a status it cannot start from."""
    async with uow_factory() as uow:
        campaign = await _load_campaign(uow, campaign_id)
        try:
            status = domain.transition(campaign.status, Action.START)
        except domain.InvalidTransition as error:
            raise _transition_conflict(campaign_id, error) from None
        # Guarded by the status we read: a concurrent transition makes this update miss.
        result = await uow.session.execute(
            update(tables.campaigns)
            .where(tables.campaigns.c.id == campaign_id,
                   tables.campaigns.c.status == campaign.status)
            .values(status=status))
        if _rowcount(result) != 1:
            raise Conflict(f"campaign {campaign_id!r} changed meanwhile; retry",
                           code="concurrent-change")
    return campaign.model_copy(update={"status": status})


async def list_contacts(uow_factory: UnitOfWorkFactory, *, campaign_id: str, limit: int,
                        offset: int) -> CampaignContactPage:
    """A page of the campaign's contacts, oldest enrolment first; 404 for an unknown campaign."""
    t = tables.campaign_contacts
    async with uow_factory() as uow:
        await _load_campaign(uow, campaign_id)
        total = await uow.session.scalar(
            select(func.count()).select_from(t).where(t.c.campaign_id == campaign_id))
        rows = (await uow.session.execute(
            select(t).where(t.c.campaign_id == campaign_id)
            .order_by(t.c.enrolled_at, t.c.id).limit(limit).offset(offset))).mappings().all()
    items = [CampaignContactRead.model_validate(dict(row)) for row in rows]
    return CampaignContactPage(items=items, total=int(total or 0), limit=limit, offset=offset)


async def enrol_customer(uow: UnitOfWork, *, customer_id: str, phone: str | None,
                         trigger: str) -> list[str]:
    """Enrol a customer into every running campaign `trigger` feeds; the new contact ids."""
    number = domain.callable_phone(phone)
    if number is None:
        log.info("customer not enrolled: no callable phone",
                 extra={"customer_id": customer_id, "trigger": trigger})
        return []
    rows = (await uow.session.execute(
        select(tables.campaigns.c.id, tables.campaigns.c.status, tables.campaigns.c.enrol_on)
        .where(tables.campaigns.c.status == CampaignStatus.RUNNING))).all()
    running = [domain.Campaign(r.id, CampaignStatus(r.status), tuple(r.enrol_on)) for r in rows]
    enrolled = []
    for campaign_id in domain.campaigns_to_enrol(running, trigger=trigger):
        contact_id = await _enrol(uow, campaign_id, customer_id, number, trigger)
        if contact_id is not None:
            enrolled.append(contact_id)
    return enrolled


async def _enrol(uow: UnitOfWork, campaign_id: str, customer_id: str, phone: str,
                 trigger: str) -> str | None:
    """Add one contact and its event; None if the customer already is in the campaign."""
    contact = CampaignContactRead(
        id=str(ULID()), campaign_id=campaign_id, customer_id=customer_id, phone=phone,
        trigger=trigger, status=domain.CONTACT_PENDING, enrolled_at=datetime.now(UTC))
    dialect = postgresql if uow.db.is_postgres else sqlite
    # The unique (campaign, customer) constraint decides; a second enrolment is a no-op.
    result = await uow.session.execute(
        dialect.insert(tables.campaign_contacts).values(**contact.model_dump())
        .on_conflict_do_nothing())
    if _rowcount(result) != 1:
        return None
    uow.publish(CampaignContactEnrolled(
        campaign_id=campaign_id, campaign_contact_id=contact.id, customer_id=customer_id,
        trigger=trigger, enrolled_at=contact.enrolled_at))
    return contact.id


async def _load_campaign(uow: UnitOfWork, campaign_id: str) -> CampaignRead:
    row = (await uow.session.execute(
        select(tables.campaigns).where(tables.campaigns.c.id == campaign_id))).mappings().first()
    if row is None:
        raise NotFound("campaign", campaign_id)
    return CampaignRead.model_validate(dict(row))


def _transition_conflict(campaign_id: str, error: domain.InvalidTransition) -> Conflict:
    return Conflict(f"campaign {campaign_id!r}: {error}", code="invalid-campaign-transition",
                    current_status=error.current.value, action=error.action.value,
                    allowed_from=[s.value for s in error.allowed_from])


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0))
