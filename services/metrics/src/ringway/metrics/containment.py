"""Self-service containment: a session is contained unless the customer reaches an agent within
24 h after it started; knowledge-base deflection is the same for sessions that used the KB.
Found whichever event is processed first: the session or the assisted contact."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from ringway.metrics import domain, tables
from ringway.metrics.domain.kpis import ratio
from ringway.metrics.schemas import ContainmentRead
from ringway.metrics.service import checked_range, fetch
from ringway.shared.contracts.selfservice import SelfServiceActionCompleted
from ringway.shared.db.uow import UnitOfWork, UnitOfWorkFactory

WINDOW = timedelta(hours=24)
KB_ACTIONS = frozenset({"kb_search", "kb_view", "kb_article", "faq"})
s, a = tables.selfservice_sessions, tables.customer_arrivals


async def session_action(uow: UnitOfWork, event: SelfServiceActionCompleted) -> None:
    """Open (or extend) the session; escalated if the customer already reached an agent."""
    started = domain.as_utc(event.occurred_at)
    kb = int(event.action in KB_ACTIONS)
    statement = uow.db.insert(s).values(session_id=event.session_id, customer_id=event.customer_id,
                                      started_at=started, knowledge_base=kb, escalated=0)
    await uow.session.execute(statement.on_conflict_do_update(
        index_elements=["session_id"],
        set_={"knowledge_base": func.max(s.c.knowledge_base, kb) if not uow.db.is_postgres
              else func.greatest(s.c.knowledge_base, kb)}))
    if event.customer_id:
        later = select(a.c.contact_id).where(
            a.c.customer_id == event.customer_id, a.c.arrived_at > started,
            a.c.arrived_at <= started + WINDOW)
        if (await uow.session.execute(later.limit(1))).first() is not None:
            await _escalate(uow, s.c.session_id == event.session_id)


async def assisted_contact(uow: UnitOfWork, customer_id: str, contact_id: str,
                           arrived: datetime) -> None:
    """A customer reached the queue: their sessions of the 24 h before were not contained."""
    arrived = domain.as_utc(arrived)
    statement = uow.db.insert(a).values(contact_id=contact_id, customer_id=customer_id,
                                      arrived_at=arrived)
    await uow.session.execute(statement.on_conflict_do_nothing())
    await _escalate(uow, (s.c.customer_id == customer_id) & (s.c.started_at < arrived)
                    & (s.c.started_at >= arrived - WINDOW))


async def _escalate(uow: UnitOfWork, which: object) -> None:
    await uow.session.execute(update(s).where(which).values(escalated=1))  # type: ignore[arg-type]


async def erase(uow: UnitOfWork, customer_id: str) -> None:
    """Unlink a customer from sessions and contacts (the counts stay, anonymous)."""
    await uow.session.execute(update(s).where(s.c.customer_id == customer_id)
                              .values(customer_id=None))
    await uow.session.execute(a.delete().where(a.c.customer_id == customer_id))


async def report(uow_factory: UnitOfWorkFactory, *, start: datetime,
                 end: datetime) -> ContainmentRead:
    """Containment and KB deflection of sessions started in [start, end)."""
    start, end = checked_range(start, end)
    query = select(s).where(s.c.started_at >= start, s.c.started_at < end)
    rows = await fetch(uow_factory, query)
    sessions, escalated = len(rows), sum(r["escalated"] for r in rows)
    kb = [r for r in rows if r["knowledge_base"]]
    kb_escalated = sum(r["escalated"] for r in kb)
    contained = ratio(sessions - escalated, sessions)
    deflected = ratio(len(kb) - kb_escalated, len(kb))
    return ContainmentRead(start=start, end=end, sessions=sessions, escalated=escalated,
                           containment_rate=contained, kb_sessions=len(kb),
                           kb_escalated=kb_escalated, kb_deflection_rate=deflected)
