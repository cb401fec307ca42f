"""Group commit on real PostgreSQL: concurrent commands share a transaction, not their fate."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from engine_helpers import FakeClock
from routing_harness import Routing, RoutingFactory, eventually
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from ringway.routing import commits, service, tables
from ringway.routing.domain import ContactSpec, InvalidRequest
from ringway.routing.domain.reasons import RepeatPolicy
from ringway.routing.router import facts_of
from ringway.routing.schemas import ContactCreate
from ringway.shared.contracts.common import Channel
from ringway.shared.web.problems import ProblemError

pytestmark = pytest.mark.postgres

POLICY = RepeatPolicy(0.0, 0)


async def started(routing_factory: RoutingFactory, pg_url: str) -> Routing:
    routing = await routing_factory(clock=FakeClock(now=1_800_000_000.0), database_url=pg_url)
    await routing.call("PUT", "/queues/mail", expect=201, json={"channels": ["email"]})
    return routing


def create(routing: Routing, channel: str = "email", **body: Any) -> Any:
    return service.create_contact(routing.router, policy=POLICY, body=ContactCreate(
        channel=Channel(channel), queue_id="mail", **body))


async def rows(routing: Routing) -> dict[str, str]:
    async with routing.router.uow() as uow:
        found = (await uow.session.execute(
            select(tables.contacts.c.id, tables.contacts.c.status))).all()
    return {row.id: row.status for row in found}


async def together(routing: Routing, *calls: Any) -> list[Any]:
    """Run calls so that their commands reach the committer together (one transaction)."""
    router = routing.router
    before = router.transactions
    async with router.lock:
        tasks = [asyncio.create_task(call) for call in calls]
        await eventually(lambda: router.waiting_commands == len(calls),
                         what="commands queued")
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert router.transactions - before == 1
    return results


async def test_concurrent_creates_share_one_transaction_and_each_gets_its_own_contact(
        routing_factory: RoutingFactory, pg_url: str) -> None:
    routing = await started(routing_factory, pg_url)
    agent = await routing.agent("Ann", queues=["mail"], capacity={"email": 10})

    created = await together(routing, *(create(routing) for _ in range(12)))

    assert routing.router.largest_batch == 12
    ids = [read.id for read, fresh in created]
    assert all(fresh for _, fresh in created)
    assert len(set(ids)) == 12
    assert [read.status for read, _ in created] == ["offered"] * 10 + ["queued"] * 2
    assert {read.agent_id for read, _ in created[:10]} == {agent}
    assert await rows(routing) == {read.id: read.status for read, _ in created}
    await routing.flushed()
    for contact_id in ids[:10]:
        kinds = [e.type for e in await routing.wait_events("contact.offered", 1,
                                                            subject=contact_id)]
        assert kinds == ["contact.offered"]
        order = [e.type for e in routing.events(subject=contact_id)]
        assert order.index("contact.queued") < order.index("contact.offered")


async def test_a_command_refused_after_its_writes_leaves_nothing_and_the_others_commit(
        routing_factory: RoutingFactory, pg_url: str) -> None:
    routing = await started(routing_factory, pg_url)
    await routing.agent("Ann", queues=["mail"], capacity={"email": 5})

    first, refused, third = await together(routing, create(routing), create(routing, "voice"),
                                           create(routing))

    assert isinstance(refused, ProblemError | InvalidRequest), refused
    assert not isinstance(first, BaseException)
    assert not isinstance(third, BaseException)
    # The refused contact's row (written before the engine said no) was taken back.
    assert await rows(routing) == {first[0].id: "offered", third[0].id: "offered"}
    await routing.flushed()
    assert {e.subject for e in routing.events("contact.queued")} == {first[0].id, third[0].id}


async def test_duplicate_keys_in_one_transaction_yield_one_contact(
        routing_factory: RoutingFactory, pg_url: str) -> None:
    routing = await started(routing_factory, pg_url)

    results = await together(routing, *(create(routing, idempotency_key="k-1")
                                        for _ in range(3)), create(routing, idempotency_key="k-2"))

    assert not any(isinstance(result, BaseException) for result in results), results
    assert len({read.id for read, _ in results[:3]}) == 1
    assert [fresh for _, fresh in results[:3]].count(True) == 1
    assert len(await rows(routing)) == 2


async def test_commands_of_one_transaction_see_each_other_in_arrival_order(
        routing_factory: RoutingFactory, pg_url: str) -> None:
    routing = await started(routing_factory, pg_url)
    agent = await routing.agent("Ann", queues=["mail"], ready=False, capacity={"email": 1})
    router = routing.router
    first = ContactSpec("c-first", "mail", Channel.EMAIL)
    second = ContactSpec("c-second", "mail", Channel.EMAIL)
    for spec in (first, second):
        router.facts[spec.id] = await _stored(routing, spec.id)

    found = await together(routing, router.run(lambda engine: engine.add_contact(first)),
                           router.run(lambda engine: engine.set_presence(agent, ready=True)),
                           router.run(lambda engine: engine.add_contact(second)))

    assert [type(e).__name__ for e in found[1] if type(e).__name__ == "Offered"] == ["Offered"]
    assert router.engine.contacts["c-first"].agent_id == agent
    assert router.engine.contacts["c-second"].status.value == "queued"
    assert (await rows(routing))["c-first"] == "offered"


async def test_a_storage_failure_rebuilds_and_runs_each_command_alone(
        routing_factory: RoutingFactory, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    routing = await started(routing_factory, pg_url)
    agent = await routing.agent("Ann", queues=["mail"], capacity={"email": 10})
    real_save, failures = commits.save, []

    async def failing_once(*args: Any) -> None:
        if not failures:
            failures.append(1)
            raise OperationalError("UPDATE", {}, Exception("connection reset"))
        await real_save(*args)

    monkeypatch.setattr(commits, "save", failing_once)

    created = await together(routing, *(create(routing) for _ in range(4)))

    assert failures == [1]
    assert {read.status for read, _ in created} == {"offered"}
    assert await rows(routing) == {read.id: "offered" for read, _ in created}
    assert set(routing.router.engine.agents[agent].contacts) == {read.id for read, _ in created}
    async with routing.router.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(tables.contacts)) == 4


async def test_a_failed_write_of_a_contact_without_a_key_reruns_the_commands_alone(
        routing_factory: RoutingFactory, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Such a write has no savepoint, so its failure may have aborted the whole transaction.
    routing = await started(routing_factory, pg_url)
    await routing.agent("Ann", queues=["mail"], capacity={"email": 10})
    real_insert, failures = service._insert_contact, []

    async def failing_once(*args: Any) -> dict[str, Any]:
        if not failures:
            failures.append(1)
            raise OperationalError("INSERT", {}, Exception("connection reset"))
        return await real_insert(*args)

    monkeypatch.setattr(service, "_insert_contact", failing_once)

    created = await together(routing, *(create(routing) for _ in range(3)))

    assert failures == [1]
    assert not any(isinstance(result, BaseException) for result in created), created
    assert await rows(routing) == {read.id: "offered" for read, _ in created}


async def _stored(routing: Routing, contact_id: str) -> Any:
    """Insert a bare contact row (as a consumer would) and return its facts."""
    row = {"id": contact_id, "channel": "email", "queue_id": "mail", "reason": None,
           "priority": 0, "customer_id": None, "language": None, "status": "queued",
           "arrived_at": datetime.now(UTC),
           "direction": "inbound", "campaign_id": None, "attempt_id": None}
    async with routing.router.uow() as uow:
        await uow.session.execute(tables.contacts.insert().values(**row))
    return facts_of(row)
