"""Preview reservations through routing: routing picks the agent, the dialer holds the contact.

Routing is the only authority over agent assignment, so a preview is a routing contact. The
pacing tick holds the next callable contact and publishes preview.requested (one per ready
agent of the pool, less the requests still waiting for an agent); routing queues it at top
priority and offers it like any contact; the agent who accepts it is reserved (busy in
routing) for it. The dialer learns who from contact.accepted (the attempt id links both),
shows that agent the contact, and the agent starts or skips the call, then completes the
routing contact, whose contact.completed closes the attempt with the disposition. A request
no agent accepts within HOLD, or one routing gives up on, releases the contact.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from ulid import ULID

from ringway.dialer import tables
from ringway.dialer.domain.retries import ContactStatus
from ringway.dialer.schemas import CampaignRead
from ringway.shared.contracts.dialer import PreviewRequested
from ringway.shared.db.uow import UnitOfWork

PREVIEWING = "previewing"
REQUESTED, ACCEPTED, DIALED, SKIPPED, RELEASED = (
    "requested", "accepted", "dialed", "skipped", "released")
HOLD = timedelta(minutes=15)


async def outstanding(uow: UnitOfWork, campaign_id: str, now: datetime) -> int:
    """Preview requests still waiting for routing to reserve an agent."""
    p = tables.previews
    count = await uow.session.scalar(select(func.count()).select_from(p).where(
        p.c.campaign_id == campaign_id, p.c.status == REQUESTED, p.c.expires_at >= now))
    return int(count or 0)


async def request(uow: UnitOfWork, campaign: CampaignRead, row: Any, now: datetime) -> str:
    """Hold the contact and ask routing for an agent of the pool; the future attempt id."""
    attempt_id = str(ULID())
    c = tables.campaign_contacts
    await uow.session.execute(update(c).where(c.c.id == row.id).values(
        status=PREVIEWING, next_attempt_at=now + HOLD))
    await uow.session.execute(insert(tables.previews).values(
        attempt_id=attempt_id, campaign_id=campaign.id, campaign_contact_id=row.id,
        status=REQUESTED, requested_at=now, expires_at=now + HOLD))
    uow.publish(PreviewRequested(
        campaign_id=campaign.id, attempt_id=attempt_id, campaign_contact_id=row.id,
        queue_id=campaign.queue_id or "", customer_id=row.customer_id, requested_at=now))
    return attempt_id


async def accepted(uow: UnitOfWork, attempt_id: str, agent_id: str) -> None:
    """Routing reserved `agent_id` for the preview (its agent accepted the offer)."""
    p = tables.previews
    await uow.session.execute(update(p).where(
        p.c.attempt_id == attempt_id, p.c.status == REQUESTED).values(
        status=ACCEPTED, agent_id=agent_id))


async def withdrawn(uow: UnitOfWork, attempt_id: str, now: datetime) -> None:
    """Routing gave up on the preview before an agent took it: the contact is free again."""
    p = tables.previews
    row = (await uow.session.execute(select(p).where(
        p.c.attempt_id == attempt_id, p.c.status == REQUESTED))).first()
    if row is not None:
        await _release(uow, [row], now)


async def release_expired(uow: UnitOfWork, campaign_id: str, now: datetime) -> None:
    """Requests no agent accepted in time give their contacts back."""
    p = tables.previews
    rows = (await uow.session.execute(select(p).where(
        p.c.campaign_id == campaign_id, p.c.status == REQUESTED, p.c.expires_at < now))).all()
    await _release(uow, list(rows), now)


async def release_all(uow: UnitOfWork, campaign_id: str, now: datetime) -> None:
    """The campaign stops previewing (its mode changed): every held contact is free again."""
    p = tables.previews
    rows = (await uow.session.execute(select(p).where(
        p.c.campaign_id == campaign_id, p.c.status.in_([REQUESTED, ACCEPTED])))).all()
    await _release(uow, list(rows), now)


async def _release(uow: UnitOfWork, rows: list[Any], now: datetime) -> None:
    p, c = tables.previews, tables.campaign_contacts
    for row in rows:
        await uow.session.execute(update(p).where(p.c.attempt_id == row.attempt_id)
                                  .values(status=RELEASED))
        await uow.session.execute(update(c).where(
            c.c.id == row.campaign_contact_id, c.c.status == PREVIEWING).values(
            status=ContactStatus.PENDING.value, next_attempt_at=now))


async def held_for(uow: UnitOfWork, campaign_id: str, agent: str,
                   contact_id: str | None = None) -> Any:
    """The preview routing reserved `agent` for (the oldest, or the one of `contact_id`)."""
    p = tables.previews
    query = select(p).where(p.c.campaign_id == campaign_id, p.c.agent_id == agent,
                            p.c.status == ACCEPTED)
    if contact_id is not None:
        query = query.where(p.c.campaign_contact_id == contact_id)
    return (await uow.session.execute(query.order_by(p.c.requested_at).limit(1))).first()


async def finish(uow: UnitOfWork, attempt_id: str, status: str) -> None:
    """The agent started or skipped the call."""
    p = tables.previews
    await uow.session.execute(update(p).where(p.c.attempt_id == attempt_id)
                              .values(status=status))
