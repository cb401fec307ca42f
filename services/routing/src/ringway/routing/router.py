"""The one in-memory engine of this routing instance, kept in step with the database.

Commands run one at a time against the engine, in arrival order, and the engine's decisions
are stored with their events before any caller hears of them. Commands that arrive while a
transaction is being written share the next one (group commit, see `commits`). If writing
fails, the engine is rebuilt from the database, which is always the truth, and the commands
of that transaction run again one by one; a standby instance rebuilds at start-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update

from ringway.routing import store, tables
from ringway.routing.commits import (
    MAX_BATCH,
    Command,
    Pending,
    Prepare,
    domain_error,
    run_batch,
    store_changes,
)
from ringway.routing.domain import ContactSpec, RoutingEngine
from ringway.routing.domain import effects as fx
from ringway.routing.domain.model import Clock
from ringway.routing.domain.records import ContactRecord
from ringway.routing.events import Context, Facts, to_event
from ringway.routing.push import OfferHub
from ringway.routing.schemas import QueueConfig
from ringway.shared.contracts.common import Channel, Direction
from ringway.shared.db.uow import UnitOfWork, UnitOfWorkFactory
from ringway.shared.web.problems import ProblemError

log = logging.getLogger(__name__)
FREEZE_FROM = 10_000
"""Agents and unfinished contacts loaded from which the loaded state is frozen (`settle_heap`):
below, full collections are cheap and the full pass before freezing is not worth its time."""

__all__ = ["Command", "Prepare", "Router", "facts_of"]


def facts_of(row: Any) -> Facts:
    """A contact's unchanging facts from its row."""
    return Facts(channel=Channel(row["channel"]), customer_id=row["customer_id"],
                 reason=row["reason"], language=row["language"], priority=row["priority"],
                 arrived_at=row["arrived_at"],
                 direction=Direction(row["direction"] or Direction.INBOUND.value),
                 campaign_id=row["campaign_id"], attempt_id=row["attempt_id"],
                 category=row.get("category"), repeat=bool(row.get("repeat")),
                 rule_id=row.get("rule_id"))


class Router:
    """Owns the engine, its lock, its timer loop and the intake of contacts from events."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, *, max_missed_offers: int = 2,
                 tick_s: float = 0.1, max_batch: int = MAX_BATCH) -> None:
        self.uow = uow
        self.clock = clock
        self.max_missed_offers = max_missed_offers
        self.tick_s = tick_s
        self.lock = asyncio.Lock()
        self.engine = RoutingEngine(clock, max_missed_offers=max_missed_offers)
        self.facts: dict[str, Facts] = {}
        self.configs: dict[str, QueueConfig] = {}
        self.hub = OfferHub()
        self.intake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.active = False
        # SQLite's driver lets a savepoint commit early, so there commands go one per
        # transaction; PostgreSQL batches up to `max_batch` (set at start).
        self.max_batch = max_batch
        self._batch_limit = 1
        self._pending: list[Pending] = []
        self._wake = asyncio.Event()
        self._committer: asyncio.Task[None] | None = None
        self.freeze_from = FREEZE_FROM
        self.frozen = False
        self.transactions = 0
        self.largest_batch = 0
        """Commands written together at most so far (figures for operators and tests)."""

    # ---- start, stop, rebuild ------------------------------------------------------------

    async def start(self) -> None:
        """Rebuild from the database, admit pending intake, start the timer loop."""
        self._batch_limit = self.max_batch if self.uow().db.is_postgres else 1
        async with self.lock:
            await self.rebuild()
            self.active = True
        self._committer = asyncio.create_task(self._commit_loop(), name="routing-commits")
        await self.admit_new()
        self._task = asyncio.create_task(self._loop(), name="routing-timers")

    async def stop(self) -> None:
        """Stop the timer loop and the committer; the database already holds everything."""
        self.active = False
        for task in (self._task, self._committer):
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        self._task = self._committer = None
        waiting, self._pending = self._pending, []
        for item in waiting:
            item.settle(_standby())
        self.hub.close()

    async def rebuild(self) -> None:
        """Replace the engine with one loaded from the database (the lock must be held)."""
        if self.frozen:  # the engine this replaces was frozen: thawed, it can be collected
            gc.unfreeze()
            self.frozen = False
        async with self.uow() as uow:
            queues, agents, contacts = await store.load_rows(uow.session)
        engine = RoutingEngine(self.clock, max_missed_offers=self.max_missed_offers)
        configs = {row["id"]: QueueConfig.model_validate(row["config"]) for row in queues}
        for queue_id, config in configs.items():
            engine.put_queue(store.queue_spec(queue_id, config))
        now = self.clock()
        for row in agents:
            engine.restore_agent(store.agent_spec(row), **store.restore_kwargs(row, now))
        for row in contacts:
            engine.restore_contact(store.contact_record(row))
        self.engine, self.configs = engine, configs
        self.facts = {row["id"]: facts_of(row) for row in contacts}
        found = engine.resume()
        async with self.uow() as uow:
            await self.commit(uow, found)
        if len(agents) + len(contacts) >= self.freeze_from:
            settle_heap()
            self.frozen = True
        log.info("routing engine rebuilt", extra={"agents": len(agents),
                                                   "contacts": len(contacts)})

    # ---- commands ------------------------------------------------------------------------

    async def run(self, command: Command, prepare: Prepare | None = None,
                  undo: Prepare | None = None) -> list[fx.Effect]:
        """Decide and store (sharing a transaction with concurrent commands); its effects.

        A command that fails gets its own error and leaves nothing behind; on a storage
        failure the engine is rebuilt from the database first. `undo`, for a `prepare` that
        publishes no events, takes its writes back on a refusal in place of a savepoint.
        """
        if not self.active:
            raise _standby()
        item = Pending(command, prepare, undo)
        self._pending.append(item)
        self._wake.set()
        return await item.done

    async def _commit_loop(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._pending:
                batch: list[Pending] = []
                try:
                    async with self.lock:
                        # Taken under the lock: what arrived while it was held joins in.
                        batch = self._pending[:self._batch_limit]
                        del self._pending[:len(batch)]
                        self.transactions += 1
                        self.largest_batch = max(self.largest_batch, len(batch))
                        await self._execute(batch)
                except BaseException as error:
                    # Stopped mid-batch (or a bug): no caller may wait forever.
                    for item in batch:
                        item.settle(error if isinstance(error, Exception) else _standby())
                    if not isinstance(error, Exception):
                        raise
                    log.exception("routing commit failed")

    @property
    def waiting_commands(self) -> int:
        """Commands queued for the next transaction."""
        return len(self._pending)

    async def _execute(self, batch: Sequence[Pending]) -> None:
        if not self.active:
            for item in batch:
                item.settle(_standby())
            return
        if len(batch) == 1:
            await self._execute_alone(batch[0])
            return
        try:
            async with self.uow() as uow:
                outcomes, written = await run_batch(self.engine, uow, batch, self._context())
        except Exception as error:  # noqa: BLE001 - each command gets its own answer below
            log.warning("routing group commit failed; rebuilding, then one by one",
                        extra={"error": repr(error), "commands": len(batch)})
            await self._rebuild_quietly()
            for item in batch:
                await self._execute_alone(item)
            return
        self._forget_finished(written)
        for index, outcome in enumerate(outcomes):
            if not isinstance(outcome, BaseException):
                self.hub.publish(outcome)
            if index < len(batch):
                batch[index].settle(outcome)

    async def _execute_alone(self, item: Pending) -> None:
        """One command in its own transaction (the path of SQLite and of a failed batch)."""
        ran = False
        try:
            async with self.uow() as uow:
                if item.prepare is not None:
                    await item.prepare(uow)
                ran = True
                found = item.command(self.engine)
                await self.commit(uow, found)
        except Exception as error:  # noqa: BLE001 - handed to the caller
            if ran and not domain_error(error):
                # The engine moved but its rows were not written: the database is the truth.
                log.warning("routing command failed; rebuilding the engine",
                            extra={"error": repr(error)})
                await self._rebuild_quietly()
            item.settle(error)
            return
        self.hub.publish(found)
        item.settle(found)

    async def _rebuild_quietly(self) -> None:
        try:
            await self.rebuild()
        except Exception as error:  # noqa: BLE001 - the callers get the original error
            log.warning("routing rebuild failed", extra={"error": repr(error)})

    async def commit(self, uow: UnitOfWork, found: list[fx.Effect]) -> None:
        """Store the engine's changed rows and publish the effects' events."""
        context = self._context()
        self._forget_finished(await store_changes(
            uow, self.engine, found, [to_event(e, context) for e in found]))

    def _context(self) -> Context:
        return Context(self._facts, self._queue_of)

    def _forget_finished(self, written: list[ContactRecord]) -> None:
        for contact in written:
            if contact.id not in self.engine.contacts:
                self.facts.pop(contact.id, None)

    def _facts(self, contact_id: str) -> Facts:
        return self.facts[contact_id]

    def _queue_of(self, contact_id: str) -> str:
        contact = self.engine.contacts.get(contact_id) or self.engine.finished.get(contact_id)
        assert contact is not None
        return contact.queue_id

    # ---- timers and intake ---------------------------------------------------------------

    async def _loop(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.intake.wait(), timeout=self.tick_s)
            try:
                if self.intake.is_set():
                    self.intake.clear()
                    await self.admit_new()
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - keep routing; the next tick retries
                log.warning("routing tick failed", extra={"error": repr(error)})

    async def tick(self) -> None:
        """Fire due timers (offer expiry, overflow, wrap-up end, connect limits)."""
        due = self.engine.next_due()
        if due is not None and due <= self.clock():
            await self.run(lambda engine: engine.tick())

    async def admit_new(self) -> None:
        """Queue contacts that consumers stored but the engine has not seen yet."""
        async with self.uow() as uow:
            rows = (await uow.session.execute(
                select(tables.contacts).where(tables.contacts.c.status == store.NEW)
                .order_by(tables.contacts.c.arrived_at))).mappings().all()
        for row in rows:
            await self.admit(row)

    async def admit(self, row: Any) -> None:
        """Hand one stored contact to the engine; one it can never take is closed."""
        await self.ensure_queue(row["queue_id"])
        self.facts[row["id"]] = facts_of(row)
        limit = None
        if row["deadline"] is not None:
            limit = max(0.0, row["deadline"].timestamp() - row["arrived_at"].timestamp())
        spec = ContactSpec(row["id"], row["queue_id"], Channel(row["channel"]),
                           priority=row["priority"], arrived_at=row["arrived_at"].timestamp(),
                           connect_limit_s=limit)
        try:
            closed = self.closed_reason(spec.queue_id)
            await self.run(lambda engine: engine.add_contact(spec, closed=closed))
        except Exception as error:
            if not domain_error(error):
                raise
            self.facts.pop(row["id"], None)
            async with self.uow() as uow:
                await uow.session.execute(
                    update(tables.contacts).where(tables.contacts.c.id == row["id"])
                    .values(status="closed", end_reason="rejected", ended_at=datetime.now(UTC)))

    # ---- queues --------------------------------------------------------------------------

    async def put_queue(self, queue_id: str, config: QueueConfig) -> bool:
        """Create or replace a queue in the database and the engine; True when created."""
        spec = store.queue_spec(queue_id, config)
        created: list[bool] = []

        async def prepare(uow: UnitOfWork) -> None:
            created.append(await _upsert_queue(uow, queue_id, config))

        await self.run(lambda engine: engine.put_queue(spec), prepare)
        self.configs[queue_id] = config
        return created[0]

    def closed_reason(self, queue_id: str) -> str | None:
        """`closed_hours` when the queue is outside its business hours now."""
        config = self.configs.get(queue_id)
        hours = store.business_hours(config) if config is not None else None
        return "closed_hours" if hours is not None and not hours.is_open(self.clock()) else None

    async def ensure_queue(self, queue_id: str) -> None:
        """A contact for a queue nobody configured creates it open to every agent serving it."""
        if queue_id not in self.configs:
            await self.put_queue(queue_id, QueueConfig())


async def _upsert_queue(uow: UnitOfWork, queue_id: str, config: QueueConfig) -> bool:
    now, values = datetime.now(UTC), config.model_dump(mode="json")
    created = await uow.session.scalar(
        select(tables.queues.c.id).where(tables.queues.c.id == queue_id)) is None
    if created:
        await uow.session.execute(insert(tables.queues).values(
            id=queue_id, config=values, created_at=now, updated_at=now))
    else:
        await uow.session.execute(update(tables.queues).where(tables.queues.c.id == queue_id)
                                  .values(config=values, updated_at=now))
    return created


def settle_heap() -> None:
    """Freeze everything loaded so far out of the cyclic collector's way.

    A loaded engine is mostly long-lived objects (agents, queues, heaps, waiting contacts);
    left in the oldest generation, every full collection walks all of them again, a pause of
    45-255 ms with 15,000 agents and a large backlog. Frozen, only what changed since is walked.
    """
    gc.collect()
    gc.freeze()


def _standby() -> ProblemError:
    return ProblemError(503, "Service Unavailable", "this routing instance is on standby; "
                        "send commands to the active one", code="standby",
                        headers={"Retry-After": "1"})
