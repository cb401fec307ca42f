"""Batched ingestion: a poll's worth of events folded into the read models in one transaction.

Per event, a transaction with its inbox mark and a dozen statements caps ingestion at a few
hundred events/s. Here a batch claims every event id with one INSERT ... ON CONFLICT DO NOTHING
RETURNING (ids already in the inbox, or twice in the batch, are redeliveries and skipped),
folds the contact and agent events the fast decoder reads (fastdecode.py) into plain-dict deltas
(fold.py), runs the handlers for the others with their writes collected in the same memory
(`store.write_behind`), and sends the sums as one upsert per table, all in one transaction: the
offsets are committed after it, so a crash replays the batch and the inbox makes the replay
change nothing. A batch the fast decoder reads whole is folded, and its upserts built, while
PostgreSQL runs its claim (the server's time and the fold's CPU overlap); if the claim finds a
repeat, that work is thrown away unsent and the fresh events are folded again.

Events of unknown type or version are counted and logged, never fatal: an unknown type is
skipped, an undecodable one makes the batch fall back to one-by-one handling, where the bus
dead-letters that record alone.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

from pydantic import ValidationError
from sqlalchemy import text

from ringway.metrics import fastdecode, store, tables
from ringway.metrics.domain import KpiRules
from ringway.metrics.fold import Fold
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


class _Read(NamedTuple):
    """An event of the batch: fast-decoded `fields`, or its envelope and pydantic model."""

    id: str
    type: str
    fields: tuple[Any, ...] | None
    envelope: Envelope | None = None
    event: Any = None


class UnreadableEvent(PoisonRecord):
    """An event of a known type that cannot be decoded (e.g. an unknown schema version)."""


class BatchEventRouter(EventRouter):
    """The metrics consumer: one event at a time (`__call__`) or a whole poll (`handle_batch`)."""

    def __init__(self, group: str, uow: UnitOfWorkFactory,
                 handlers: Mapping[str, EventHandler], rules: KpiRules) -> None:
        super().__init__(group, uow, handlers)
        self.rules = rules
        self.unknown = 0
        self.batches = 0
        self.overlapped = 0  # batches whose fold ran during their inbox claim

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
        # (The Kafka bus pauses cyclic garbage collection while a batch is handled.)
        await self._apply_batch(self._read_all(deliveries))

    async def prepare_batch(self, deliveries: Sequence[Delivery]) -> Callable[[], Awaitable[None]]:
        """Decode a poll while the previous one may still be in its transaction; returns what
        applies it (the Kafka bus then pipelines: see shared/bus/kafka.py).

        Decoding reads no row and changes nothing, so it cannot see a batch half-applied:
        every read and write of the batch happens in its apply, after the previous committed.
        """
        return functools.partial(self._apply_batch, self._read_all(deliveries))

    async def _apply_batch(self, events: Sequence[_Read]) -> None:
        if not events:
            return
        async with self.uow() as uow:
            if all(e.fields is not None for e in events):
                fresh, folded = await self._fold_while_claiming(uow, events)
            else:
                fresh, folded = await claim_all(uow, self.group, [e.id for e in events]), False
            todo = _first_fresh(events, fresh)
            if not folded:
                await self._fold_all(uow, todo)
        self.handled += len(todo)
        self.duplicates += len(events) - len(todo)
        self.batches += 1

    async def _fold_while_claiming(self, uow: UnitOfWork,
                                   events: Sequence[_Read]) -> tuple[set[str], bool]:
        """Claim the events and fold them all meanwhile; False (nothing kept) if any repeats.

        The claim's server time (~40% of a batch's database wait) then overlaps the fold's
        CPU. Only for fast-decoded batches: their fold reads nothing but the prefetched rows,
        so it never needs the connection the claim is using. A repeat (rare: redeliveries)
        throws the folded memory away unsent and the caller folds the fresh ones again.
        """
        with store.write_behind() as memory:
            await _prefetch(uow, events)
            claim = asyncio.create_task(claim_all(uow, self.group, [e.id for e in events]))
            await asyncio.sleep(0)  # the claim's statement goes out before the CPU work
            try:
                fold = Fold(self.rules, memory)
                dispatch = fold.dispatch()
                for event in events:
                    dispatch[event.type](*event.fields)  # type: ignore[misc]  # all fast
                fold.drain()
                upserts = memory.prepare(uow)  # built while the claim still runs too
            finally:
                fresh = await claim  # (also on failure: the connection must be free again)
            if len(fresh) != len(events):
                return fresh, False
            await store.execute(uow, upserts)
        self.overlapped += 1
        return fresh, True

    async def _fold_all(self, uow: UnitOfWork, todo: Sequence[_Read]) -> None:
        """Fold claimed events one after the other, the full path where it is needed."""
        with store.write_behind() as memory:
            fold = Fold(self.rules, memory)
            await _prefetch(uow, todo)
            dispatch = fold.dispatch()
            for event in todo:
                if event.fields is not None:
                    await fold.ensure_known(uow, event.type, event.fields)
                    dispatch[event.type](*event.fields)
                else:
                    await self._apply(uow, fold, event)
            fold.drain()
            await memory.flush(uow)

    def _read_all(self, deliveries: Sequence[Delivery]) -> list[_Read]:
        """Each record decoded once: the fast path where it can, else the pydantic models."""
        events = []
        for delivery in deliveries:
            head = fastdecode.head(delivery.value)
            if head is not None and head.type not in self.handlers:
                self._decode_type(head.type)
            elif head is not None and head.fields is not None:
                events.append(_Read(head.id, head.type, head.fields))
            else:
                envelope = delivery.envelope()  # a malformed one fails the batch: one by one
                event = self._decode(envelope, count_unreadable=False)  # counted one by one
                if event is not None:
                    events.append(_Read(envelope.id, envelope.type, None, envelope, event))
        return events

    async def _apply(self, uow: UnitOfWork, fold: Fold, read: _Read) -> None:
        assert read.envelope is not None
        handler = self.handlers[read.type]
        if read.type in BUFFERED:
            await handler(uow, read.event, read.envelope)
            return
        fold.drain()
        await fold.memory.flush(uow)
        fold.memory.known.clear()  # the handler may change rows behind the batch's memory
        with store.write_through():
            await handler(uow, read.event, read.envelope)

    def _decode_type(self, event_type: str) -> None:
        """Count (and log) a type that is not ours and not in the registry either."""
        if not _known_type(event_type):
            self._count_unknown("unknown event type", type=event_type)

    def _decode(self, envelope: Envelope, *, count_unreadable: bool = True) -> Any | None:
        """The event, or None (counted, logged) for a type we have no handler for."""
        if envelope.type not in self.handlers:
            self._decode_type(envelope.type)
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


def _first_fresh(events: Sequence[_Read], fresh: set[str]) -> list[_Read]:
    """The events claimed now, each only in its first copy of the batch."""
    todo = []
    for event in events:
        if event.id in fresh:
            fresh.discard(event.id)
            todo.append(event)
    return todo


async def claim_all(uow: UnitOfWork, group: str, event_ids: Sequence[str]) -> set[str]:
    """Mark events processed; returns the ids that were not (each once, even if repeated)."""
    now = datetime.now(UTC)
    ids = list(dict.fromkeys(event_ids))
    if not ids:
        return set()
    if uow.db.is_postgres:  # every id as one array: no per-row parameter processing
        literal = store.array_literal(ids)
        array = "CAST(:ids AS VARCHAR(64)[])" if literal is None else \
            "CAST(CAST(:ids AS TEXT) AS VARCHAR(64)[])"
        # When every id is claimed (the usual case) only the count comes back, not each id.
        count, claimed = (await uow.session.execute(text(
            "WITH claimed AS (INSERT INTO inbox (consumer_group, event_id, processed_at) "  # noqa: S608
            f"SELECT :group, id, :now FROM unnest({array}) AS id "
            "ON CONFLICT DO NOTHING RETURNING event_id) "
            "SELECT count(*), CASE WHEN count(*) = :n THEN NULL ELSE array_agg(event_id) END "
            "FROM claimed"),
            {"group": group, "now": now, "ids": ids if literal is None else literal,
             "n": len(ids)})).one()
        return set(ids) if count == len(ids) else set(claimed or ())
    rows = [{"consumer_group": group, "event_id": i, "processed_at": now} for i in ids]
    # One statement compiled once, sent as multi-row batches ("insertmanyvalues").
    statement = uow.db.insert(tables.inbox).on_conflict_do_nothing() \
        .returning(tables.inbox.c.event_id)
    return set((await uow.session.execute(statement, rows)).scalars())


async def _prefetch(uow: UnitOfWork, events: Sequence[_Read]) -> None:
    """Read the rows the handlers will look up, all at once instead of one by one."""
    contacts, agents = [], []
    for e in events:
        if e.type in _BY_CONTACT:
            contacts.append(e.fields[0] if e.fields is not None else e.event.contact_id)
        elif e.type == AgentStateChanged.event_type:
            agents.append(e.fields[0] if e.fields is not None else e.event.agent_id)
    await store.prefetch(uow, tables.contact_seen, "contact_id", contacts)
    await store.prefetch(uow, tables.agent_presence, "agent_id", agents)


_BY_CONTACT = frozenset({ContactQueued.event_type, ContactTransferred.event_type})
