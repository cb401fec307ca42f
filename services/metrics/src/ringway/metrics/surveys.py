"""Post-contact surveys: take an answer once, publish survey.answered, fold it into CSAT / NPS."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ringway.metrics import domain, tables
from ringway.metrics.domain import KpiRules
from ringway.metrics.domain.surveys import experience, survey_counts
from ringway.metrics.schemas import SurveyGroupRead, SurveyIn, SurveyReport
from ringway.metrics.service import checked_range, fetch, in_range
from ringway.metrics.store import increment
from ringway.shared.contracts.common import Channel
from ringway.shared.contracts.surveys import SurveyAnswered
from ringway.shared.db.uow import UnitOfWork, UnitOfWorkFactory
from ringway.shared.events.envelope import new_event_id
from ringway.shared.web.problems import Conflict

GROUPS = ("queue_id", "channel", "agent_id", "reason")


async def answer(uow_factory: UnitOfWorkFactory, body: SurveyIn, now: datetime) -> SurveyAnswered:
    """Record the answer of a contact's survey (once) and publish `survey.answered`."""
    event = SurveyAnswered(survey_id=new_event_id(), answered_at=now,
                           **body.model_dump(exclude_none=True))
    try:
        async with uow_factory() as uow:
            seen = await _seen_contact(uow, body.contact_id)
            if seen is not None and body.queue_id is None:
                event = event.model_copy(update={"queue_id": seen["queue_id"],
                                                 "channel": Channel(seen["channel"])})
            await uow.session.execute(tables.survey_responses.insert().values(
                contact_id=body.contact_id, survey_id=event.survey_id, answered_at=now))
            uow.publish(event)
    except IntegrityError:
        raise Conflict(f"contact {body.contact_id!r} already has a survey answer",
                       code="survey-already-answered") from None
    return event


async def _seen_contact(uow: UnitOfWork, contact_id: str) -> dict[str, Any] | None:
    t = tables.contact_seen
    row = (await uow.session.execute(select(t).where(t.c.contact_id == contact_id))
           ).mappings().first()
    return dict(row) if row is not None else None


async def count_answer(uow: UnitOfWork, event: SurveyAnswered, rules: KpiRules) -> None:
    """Add one answer to the CSAT / NPS counts of its interval, queue, channel, agent, reason."""
    key = {"interval_start": domain.floor_interval(event.answered_at, rules.interval_minutes),
           "queue_id": event.queue_id or "", "agent_id": event.agent_id or "",
           "channel": event.channel.value if event.channel else "", "reason": event.reason or ""}
    await increment(uow, tables.survey_stats, key, survey_counts(event.csat, event.nps))


async def report(uow_factory: UnitOfWorkFactory, *, start: datetime, end: datetime,
                 group_by: str) -> SurveyReport:
    """CSAT and NPS per queue, channel, agent or reason over a range."""
    start, end = checked_range(start, end)
    sums: dict[str, dict[str, int]] = {}
    for row in await fetch(uow_factory, in_range(tables.survey_stats, start, end)):
        into = sums.setdefault(row[group_by], dict.fromkeys(_COUNTS, 0))
        for name in _COUNTS:
            into[name] += row[name]
    items = [SurveyGroupRead(group=group, **counts, **vars(experience(counts)))
             for group, counts in sorted(sums.items())]
    return SurveyReport(start=start, end=end, group_by=group_by, items=items)


_COUNTS = ("csat_responses", "csat_total", "csat_satisfied", "nps_responses", "promoters",
           "detractors")
