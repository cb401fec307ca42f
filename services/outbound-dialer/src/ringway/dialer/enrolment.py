"""Event-triggered enrolment, the customer directory, and erasure of a customer's data."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from ulid import ULID

from ringway.dialer import domain, tables
from ringway.dialer.context import DialerContext
from ringway.dialer.domain import CampaignStatus
from ringway.dialer.domain.phones import InvalidNumber, normalize, zones_for
from ringway.dialer.schemas import CampaignRead
from ringway.dialer.service import campaign_from_row
from ringway.shared.contracts.dialer import CampaignContactEnrolled
from ringway.shared.db.uow import UnitOfWork

log = logging.getLogger(__name__)

TOP_PRIORITY = 100


@dataclass(frozen=True)
class Enrolment:
    """Who to enrol, why, and from when they may be called."""

    customer_id: str | None
    phone: str
    region: str | None
    trigger: str
    not_before: datetime | None = None
    priority: int = 0
    country: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)


async def remember_customer(ctx: DialerContext, uow: UnitOfWork, *, customer_id: str,
                            phone: str | None,
                            country: str | None) -> tuple[str, str | None] | None:
    """Keep the customer's callable number for later triggers; (E.164, region) or None."""
    try:
        number, region = normalize(phone, country)
    except InvalidNumber:
        log.info("customer has no callable phone", extra={"customer_id": customer_id})
        return None
    values = {"customer_id": customer_id, "phone": number, "region": region,
              "country": country, "updated_at": ctx.clock()}
    statement = uow.db.insert(tables.customer_directory).values(**values)
    await uow.session.execute(statement.on_conflict_do_update(
        index_elements=["customer_id"], set_={k: v for k, v in values.items()
                                              if k != "customer_id"}))
    return number, region


async def known_customer(uow: UnitOfWork, customer_id: str) -> tuple[str, str | None,
                                                                         str | None] | None:
    """(phone, region, country) of a customer seen before, or None."""
    t = tables.customer_directory
    row = (await uow.session.execute(
        select(t.c.phone, t.c.region, t.c.country).where(t.c.customer_id == customer_id))).first()
    return (row.phone, row.region, row.country) if row else None


async def enrol_by_trigger(ctx: DialerContext, uow: UnitOfWork, who: Enrolment) -> list[str]:
    """Enrol into every running campaign `who.trigger` feeds; the new contact ids."""
    rows = (await uow.session.execute(select(tables.campaigns).where(
        tables.campaigns.c.status == CampaignStatus.RUNNING))).mappings().all()
    campaigns = {r["id"]: campaign_from_row(r) for r in rows}
    running = [domain.Campaign(c.id, c.status, tuple(c.enrol_on)) for c in campaigns.values()]
    enrolled = []
    for campaign_id in domain.campaigns_to_enrol(running, trigger=who.trigger):
        contact_id = await enrol(ctx, uow, campaigns[campaign_id], who)
        if contact_id is not None:
            enrolled.append(contact_id)
    return enrolled


async def enrol(ctx: DialerContext, uow: UnitOfWork, campaign: CampaignRead,
                who: Enrolment) -> str | None:
    """Add one contact and its event; None if the person or number already is in it."""
    now = ctx.clock()
    delay = timedelta(minutes=campaign.settings.enrol_delay_min)
    values = {
        "id": str(ULID()), "campaign_id": campaign.id, "customer_id": who.customer_id,
        "phone": who.phone, "trigger": who.trigger, "status": domain.CONTACT_PENDING,
        "enrolled_at": now, "region": who.region, "priority": who.priority,
        "zones": list(zones_for(who.phone, region=who.region, address_country=who.country)),
        "attributes": who.attributes or None,
        "next_attempt_at": who.not_before if who.not_before is not None else now + delay,
    }
    # The unique (campaign, customer) and (campaign, phone) indexes decide: a repeat is a no-op.
    result = await uow.session.execute(
        uow.db.insert(tables.campaign_contacts).values(**values).on_conflict_do_nothing())
    if int(getattr(result, "rowcount", 0)) != 1:
        return None
    uow.publish(CampaignContactEnrolled(
        campaign_id=campaign.id, campaign_contact_id=values["id"], customer_id=who.customer_id,
        trigger=who.trigger, enrolled_at=now))
    return str(values["id"])


async def erase_customer(uow: UnitOfWork, customer_id: str) -> int:
    """Remove the customer's number and attributes from every dialer table; rows removed."""
    contacts = tables.campaign_contacts
    ids = list((await uow.session.execute(
        select(contacts.c.id).where(contacts.c.customer_id == customer_id))).scalars())
    await uow.session.execute(
        update(tables.attempts).where(tables.attempts.c.customer_id == customer_id)
        .values(phone=None, customer_id=None))
    if ids:
        await uow.session.execute(
            update(tables.suppressions).where(tables.suppressions.c.campaign_contact_id.in_(ids))
            .values(phone=None))
    await uow.session.execute(delete(contacts).where(contacts.c.customer_id == customer_id))
    await uow.session.execute(delete(tables.customer_directory).where(
        tables.customer_directory.c.customer_id == customer_id))
    return len(ids)
