"""Ending attempts: outcome, disposition, retries, opt-outs, and the attempt.finished event."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from ringway.dialer import dnc, tables
from ringway.dialer.context import DialerContext
from ringway.dialer.domain.retries import Disposition, Outcome, after_attempt
from ringway.dialer.service import load_campaign
from ringway.shared.contracts.dialer import AttemptFinished
from ringway.shared.db.uow import UnitOfWork

REFUSALS = {Disposition.NOT_INTERESTED, Disposition.DO_NOT_CALL}


async def finish_attempt(ctx: DialerContext, uow: UnitOfWork, attempt_id: str, outcome: Outcome,
                         now: datetime, disposition: Disposition | None = None) -> bool:
    """Close an attempt and move its contact on; False if unknown or already closed."""
    a = tables.attempts
    attempt = (await uow.session.execute(select(a).where(a.c.id == attempt_id))).first()
    if attempt is None or attempt.ended_at is not None:
        return False
    await uow.session.execute(update(a).where(a.c.id == attempt_id).values(
        outcome=outcome.value, ended_at=now, refused=disposition in REFUSALS,
        disposition=disposition.value if disposition else None,
        answered_at=attempt.answered_at or (now if outcome is Outcome.ABANDONED else None)))
    if disposition is Disposition.DO_NOT_CALL and attempt.phone:
        await dnc.add(uow, dnc.GLOBAL, [attempt.phone], "opt_out", ctx)
    final = await _next_step(ctx, uow, attempt, outcome, disposition, now)
    uow.publish(AttemptFinished(
        campaign_id=attempt.campaign_id, attempt_id=attempt_id,
        campaign_contact_id=attempt.campaign_contact_id, outcome=outcome.value,
        ring_ms=attempt.ring_ms, answered_at=attempt.answered_at, finished_at=now,
        disposition=disposition.value if disposition else None, final=final))
    return True


async def _next_step(ctx: DialerContext, uow: UnitOfWork, attempt: object, outcome: Outcome,
                     disposition: Disposition | None, now: datetime) -> bool:
    contact_id = getattr(attempt, "campaign_contact_id", None)
    c = tables.campaign_contacts
    row = (await uow.session.execute(select(c).where(c.c.id == contact_id))).first()
    if row is None:
        return True  # erased meanwhile
    settings = (await load_campaign(uow, row.campaign_id)).settings
    step = after_attempt(outcome, attempts=row.attempts, max_attempts=settings.max_attempts,
                         delays_min=settings.retry_delays_min.model_dump(), now=now,
                         disposition=disposition)
    await uow.session.execute(update(c).where(c.c.id == row.id).values(
        status=step.status.value, next_attempt_at=step.next_attempt_at or row.next_attempt_at,
        outcome=(disposition.value if disposition else outcome.value)))
    return step.final


def disposition_of(text: str | None) -> Disposition:
    """Routing's free-text disposition as one the dialer acts on (unknown -> completed)."""
    try:
        return Disposition((text or "completed").strip().lower())
    except ValueError:
        return Disposition.COMPLETED
