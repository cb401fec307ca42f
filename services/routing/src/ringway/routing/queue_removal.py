"""Deleting a queue: refused with a 409 naming what still uses it, else gone everywhere."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, select

from ringway.routing import domain, tables
from ringway.routing.domain import RoutingEngine, UnknownEntity
from ringway.routing.domain import effects as fx
from ringway.routing.domain.outcome_checks import OutcomeRefused, overflow_sources
from ringway.routing.errors import mapped
from ringway.routing.router import Router
from ringway.routing.staffing import outcome_problem
from ringway.shared.contracts.routing import QueueRemoved
from ringway.shared.db.uow import UnitOfWork


def _in_use(detail: str, reason: str, users: list[str]) -> OutcomeRefused:
    return OutcomeRefused(detail, status=409, reason=reason, queues=users)


def _users(engine: RoutingEngine, queue_id: str) -> None:
    """Refuse while another queue overflows here, an agent serves it or a contact is in it."""
    backing = sorted(engine.backing.get(queue_id, set()) - {queue_id})
    sources = sorted(set(overflow_sources(engine.queues, queue_id)) | set(backing))
    if sources:
        raise _in_use(f"queues {', '.join(sources)} overflow to this queue; change them first",
                      "overflow_target", sources)
    if engine.serving.get(queue_id):
        raise _in_use("agents still serve this queue; remove it from their queues first",
                      "served", sorted(engine.serving[queue_id]))
    if any(c.queue_id == queue_id for c in engine.contacts.values()):
        raise _in_use("contacts are still in this queue", "contacts", [queue_id])


def _forget(engine: RoutingEngine, queue_id: str) -> list[fx.Effect]:
    # Saving it bare first takes its overflow steps out of the backup agents' pools.
    found = engine.put_queue(domain.QueueSpec(queue_id))
    for index in (engine.queues, engine.serving, engine.backing, engine.waiting,
                  engine.handle_times):
        index.pop(queue_id, None)
    for users in engine.backing.values():
        users.discard(queue_id)
    return found


async def delete_queue(router: Router, *, queue_id: str, changed_by: str | None) -> None:
    """Delete an unused queue (`queue.removed`); 404 if unknown, 409 naming what uses it."""
    async def prepare(uow: UnitOfWork) -> None:
        rule = await uow.session.scalar(select(tables.routing_rules.c.id).where(
            tables.routing_rules.c.config["queue_id"].as_string() == queue_id).limit(1))
        if rule is not None:
            raise _in_use(f"routing rule {rule} sends contacts here", "in_use", [queue_id])
        await uow.session.execute(delete(tables.queues).where(tables.queues.c.id == queue_id))
        uow.publish(QueueRemoved(item=f"queue:{queue_id}", queue_id=queue_id,
                                 changed_by=changed_by, changed_at=datetime.now(UTC)))

    def command(engine: RoutingEngine) -> list[fx.Effect]:
        if queue_id not in engine.queues:
            raise UnknownEntity("queue", queue_id)
        _users(engine, queue_id)
        return _forget(engine, queue_id)

    async def run() -> None:
        try:
            await router.run(command, prepare)
        except OutcomeRefused as refused:
            raise outcome_problem(refused) from None

    await mapped(run)
    router.configs.pop(queue_id, None)
