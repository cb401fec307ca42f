"""Batched ingestion: a poll's worth of events folded into the read models in one transaction.

Per event, a transaction with its inbox mark and a dozen statements caps ingestion at a few
hundred events/s. Here a batch claims every event id with one INSERT ... ON CONFLICT DO NOTHING
RETURNING (ids already in the inbox, or twice in the batch, are redeliveries and skipped), runs
the same handlers with their writes collected in memory (`store.write_behind`), and sends the
sums as one upsert per table, all in one transaction: the offsets are committed after it, so a
crash replays the batch and the inbox makes the replay change nothing.

Events of unknown type or version are counted and logged, never fatal: an unknown type is
skipped, an undecodable one makes the batch fall back to one-by-one handling, where the bus
dead-letters that record alone.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import text

from ringway.metrics import store, tables
from ringway.shared.bus.base import Delivery, PoisonRecord
from ringway.shared.consumers import EventHandler, EventRouter
from ringway.shared.contracts.agents import AgentStateChanged
from ringway.shared.contracts.contacts import (
    ContactAbandoned,
    ContactAccepted,
    ContactCompleted,
    ContactQueued,
    ContactTransferred,
)
from ringway.shared.db.uow import UnitOfWork, UnitOfWorkFactory
from ringway.shared.events.envelope import Envelope
from ringway.shared.events.registry import REGISTRY, UnknownEventType

log = logging.getLogger(__name__)

# Handlers whose reads go through `store.row` (which sees collected writes): they can share
# the batch's memory. Others (outbound totals, surveys) read tables with SQL, so the collected
# writes are sent before they run.
BUFFERED = frozenset({ContactQueued.event_type, ContactAccepted.event_type,
                      ContactAbandoned.event_type, ContactCompleted.event_type,
                      ContactTransferred.event_type, AgentStateChanged.event_type})


class UnreadableEvent(PoisonRecord):
    """An event of a known type that cannot be decoded (e.g. an unknown schema version)."""


class BatchEventRouter(EventRouter):
    """The metrics consumer: one event at a time (`__call__`) or a whole poll (`handle_batch`)."""

    def __init__(self, group: str, uow: UnitOfWorkFactory,
                 handlers: Mapping[str, EventHandler]) -> None:
        super().__init__(group, uow, handlers)
        self.unknown = 0
        self.batches = 0

    async def __call__(self, delivery: Delivery) -> None:
        """One event (in-process bus, or a batch that fell back to one by one)."""
        try:
            envelope = delivery.envelope()
        except ValidationError as error:
            self._count_unknown("malformed envelope", delivery=delivery.offset)
            raise PoisonRecord(f"malformed envelope: {error.error_count()} error(s)") from error
        if self._decode(envelope) is None:
            return
        await super().__call__(delivery)

    async def handle_batch(self, deliveries: Sequence[Delivery]) -> None:
        """Apply a poll of events in one transaction; duplicates change nothing."""
        events: list[tuple[Envelope, Any]] = []
        for delivery in deliveries:
            envelope = delivery.envelope()  # a malformed one fails the batch: one by one then
            event = self._decode(envelope, count_unreadable=False)  # counted one by one
            if event is not None:
                events.append((envelope, event))
        if not events:
            return
        async with self.uow() as uow:
            fresh = await claim_all(uow, self.group, [e.id for e, _ in events])
            todo = []
            for envelope, event in events:
                if envelope.id in fresh:  # claimed now, and only its first copy in the batch
                    fresh.discard(envelope.id)
                    todo.append((envelope, event))
            with store.write_behind() as memory:
                await _prefetch(uow, [ev for _, ev in todo])
                for envelope, event in todo:
                    await self._apply(uow, memory, envelope, event)
                await memory.flush(uow)
        self.handled += len(todo)
        self.duplicates += len(events) - len(todo)
        self.batches += 1

    async def _apply(self, uow: UnitOfWork, memory: store.WriteBehind, envelope: Envelope,
                     event: Any) -> None:
        handler = self.handlers[envelope.type]
        if envelope.type in BUFFERED:
            await handler(uow, event, envelope)
            return
        await memory.flush(uow)
        memory.known.clear()  # the handler may change rows behind the batch's memory
        with store.write_through():
            await handler(uow, event, envelope)

    def _decode(self, envelope: Envelope, *, count_unreadable: bool = True) -> Any | None:
        """The event, or None (counted, logged) for a type we have no handler for."""
        if envelope.type not in self.handlers:
            if not _known_type(envelope.type):
                self._count_unknown("unknown event type", type=envelope.type)
            return None
        try:
            return REGISTRY.decode(envelope)
        except (ValidationError, UnknownEventType) as error:
            if count_unreadable:
                self._count_unknown("undecodable event", type=envelope.type,
                                    version=envelope.schemaversion)
            raise UnreadableEvent(f"cannot decode {envelope.type}: {error}") from error

    def _count_unknown(self, what: str, **extra: Any) -> None:
        self.unknown += 1
        log.warning("metrics skipped an event: %s", what, extra={"group": self.group, **extra})


def _known_type(event_type: str) -> bool:
    try:
        REGISTRY.model(event_type)
    except UnknownEventType:
        return False
    return True


async def claim_all(uow: UnitOfWork, group: str, event_ids: Sequence[str]) -> set[str]:
    """Mark events processed; returns the ids that were not (each once, even if repeated)."""
    now = datetime.now(UTC)
    rows = [{"consumer_group": group, "event_id": i, "processed_at": now}
            for i in dict.fromkeys(event_ids)]
    if not rows:
        return set()
    if uow.db.is_postgres:  # every id as one array: no per-row parameter processing
        result = await uow.session.execute(text(
            "INSERT INTO inbox (consumer_group, event_id, processed_at) "
            "SELECT :group, id, :now FROM unnest(CAST(:ids AS VARCHAR(64)[])) AS id "
            "ON CONFLICT DO NOTHING RETURNING event_id"),
            {"group": group, "now": now, "ids": [row["event_id"] for row in rows]})
        return set(result.scalars())
    # One statement compiled once, sent as multi-row batches ("insertmanyvalues").
    statement = uow.db.insert(tables.inbox).on_conflict_do_nothing() \
        .returning(tables.inbox.c.event_id)
    return set((await uow.session.execute(statement, rows)).scalars())


async def _prefetch(uow: UnitOfWork, events: Sequence[Any]) -> None:
    """Read the rows the handlers will look up, all at once instead of one by one."""
    contacts = [e.contact_id for e in events
                if isinstance(e, ContactQueued | ContactTransferred)]
    agents = [e.agent_id for e in events if isinstance(e, AgentStateChanged)]
    await store.prefetch(uow, tables.contact_seen, "contact_id", contacts)
    await store.prefetch(uow, tables.agent_presence, "agent_id", agents)
