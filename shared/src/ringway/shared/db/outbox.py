"""Transactional outbox (rows written with the state change) and its relay; the inbox table."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    Text,
    Update,
    any_,
    bindparam,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.dialects import postgresql

from ringway.shared.bus.base import EventBus, Record
from ringway.shared.db.engine import Database
from ringway.shared.db.types import UtcDateTime

log = logging.getLogger(__name__)

# A stable advisory-lock id: one relay at a time per schema keeps per-key order.
_RELAY_LOCK_ID = 0x52494E47  # "RING"


def add_outbox_tables(metadata: MetaData) -> tuple[Table, Table]:
    """Add the `outbox` and `inbox` tables to a service's metadata."""
    outbox = Table(
        "outbox",
        metadata,
        Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
               autoincrement=True),
        Column("event_id", String(26), nullable=False, unique=True),
        Column("topic", String(200), nullable=False),
        Column("key", String(200), nullable=False),
        Column("event_type", String(200), nullable=False),
        Column("headers", Text, nullable=False),
        Column("payload", Text, nullable=False),
        Column("created_at", UtcDateTime(), nullable=False),
        Column("sent_at", UtcDateTime(), nullable=True),
        Index("ix_outbox_pending", "sent_at", "seq"),
    )
    inbox = Table(
        "inbox",
        metadata,
        Column("consumer_group", String(200), primary_key=True),
        Column("event_id", String(64), primary_key=True),
        Column("processed_at", UtcDateTime(), nullable=False),
    )
    return outbox, inbox


def outbox_row(record: Record, event_id: str) -> dict[str, object]:
    """The outbox row for a record."""
    return {
        "event_id": event_id,
        "topic": record.topic,
        "key": record.key,
        "event_type": dict(record.headers).get("ce_type", b"").decode(),
        "headers": json.dumps([[k, v.decode()] for k, v in record.headers]),
        "payload": record.value.decode(),
        "created_at": datetime.now(UTC),
    }


class OutboxRelay:
    """Publishes pending outbox rows in order, marks them sent; retries while the bus is down."""

    def __init__(self, db: Database, bus: EventBus, table: Table, *, batch_size: int = 1000,
                 poll_interval_s: float = 1.0, max_backoff_s: float = 30.0,
                 retention: timedelta = timedelta(days=1), inbox: Table | None = None,
                 inbox_retention: timedelta = timedelta(days=7)) -> None:
        self.db = db
        self.bus = bus
        self.table = table
        self.inbox = inbox
        self.batch_size = batch_size
        self.poll_interval_s = poll_interval_s
        self.max_backoff_s = max_backoff_s
        self.retention = retention
        self.inbox_retention = inbox_retention
        self.published = 0
        self.failures = 0
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._last_purge = 0.0
        self._pending = self._pending_rows()
        self._mark_sent = self._mark_sent_rows()

    def _pending_rows(self) -> Select[Any]:
        """The next batch of unsent rows in order (on PostgreSQL: only for the lock holder).

        One statement (one round trip) takes the lock and reads the batch. FOR UPDATE closes
        the gap between the statement's snapshot and the lock: a row another relay marked sent
        meanwhile is re-checked and skipped instead of being published twice.
        """
        t = self.table
        batch = select(t.c.seq, t.c.topic, t.c.key, t.c.headers, t.c.payload)
        if self.db.is_postgres:
            # A CTE with a volatile call is evaluated once, not folded in per row.
            lock = select(
                func.pg_try_advisory_xact_lock(_RELAY_LOCK_ID).label("held")).cte("relay_lock")
            batch = batch.select_from(t.join(lock, lock.c.held)).with_for_update(of=t)
        return batch.where(t.c.sent_at.is_(None)).order_by(t.c.seq).limit(self.batch_size)

    def notify(self) -> None:
        """Called after a commit that wrote outbox rows: publish without waiting for the poll."""
        self._wake.set()

    def start(self) -> None:
        """Run the relay in the background."""
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self, flush_timeout_s: float = 5.0) -> None:
        """Try to publish what is pending, then stop; unsent rows stay for the next start."""
        if self._task is None:
            return
        # A stop flag, not cancel(): on Python 3.11 `wait_for` can swallow a cancel that races
        # with the wake-up, leaving stop() waiting forever. Cancel only a batch stuck on I/O.
        self._stopping = True
        self._wake.set()
        done, _ = await asyncio.wait({self._task}, timeout=flush_timeout_s)
        if not done:
            self._task.cancel()
            await asyncio.wait({self._task}, timeout=flush_timeout_s)
        self._task = None
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.drain(), timeout=flush_timeout_s)

    async def _run(self) -> None:
        backoff = 0.5
        while not self._stopping:
            await self._pause(self.poll_interval_s)
            if self._stopping:
                return
            try:
                await self.drain()
                await self._maybe_purge()
                backoff = 0.5
            except Exception as error:  # noqa: BLE001 - keep the rows, retry later
                self.failures += 1
                log.warning("outbox relay failed; retrying", extra={"error": repr(error),
                                                                    "backoff_s": backoff})
                await asyncio.sleep(backoff)
                backoff = min(self.max_backoff_s, backoff * 2)
                self._wake.set()

    async def _pause(self, seconds: float) -> None:
        """Wait for a nudge (commit or stop) or the poll interval, whichever comes first."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._wake.wait()
        self._wake.clear()

    def _mark_sent_rows(self) -> Update:
        """Mark the rows of a batch sent; their seqs bound as `seqs`."""
        seq = self.table.c.seq
        # PostgreSQL: one array parameter, so one statement text (and server-side plan) for
        # every batch size; an expanding IN is re-rendered per call.
        which = (seq == any_(bindparam("seqs", type_=postgresql.ARRAY(BigInteger)))
                 if self.db.is_postgres else seq.in_(bindparam("seqs", expanding=True)))
        return update(self.table).where(which).values(sent_at=func.now())

    async def drain(self) -> int:
        """Publish batches until nothing is pending; returns how many rows were sent."""
        total = 0
        while True:
            sent = await self.publish_batch()
            total += sent
            if sent < self.batch_size:
                return total

    async def publish_batch(self) -> int:
        """Publish one batch of pending rows and mark them sent, in one transaction."""
        async with self.db.session() as session, session.begin():
            rows = (await session.execute(self._pending)).all()
            if not rows:
                return 0
            records = [
                Record(
                    row.topic,
                    row.key,
                    row.payload.encode(),
                    tuple((k, v.encode()) for k, v in json.loads(row.headers)),
                )
                for row in rows
            ]
            await self.bus.send(records)
            await session.execute(self._mark_sent, {"seqs": [row.seq for row in rows]})
        self.published += len(rows)
        return len(rows)

    async def pending(self) -> int:
        """Rows not yet published."""
        async with self.db.session() as session:
            count = await session.scalar(
                select(func.count()).select_from(self.table).where(self.table.c.sent_at.is_(None))
            )
        return int(count or 0)

    async def _maybe_purge(self) -> None:
        if time.monotonic() - self._last_purge < 60:
            return
        self._last_purge = time.monotonic()
        now = datetime.now(UTC)
        async with self.db.session() as session, session.begin():
            await session.execute(
                delete(self.table).where(self.table.c.sent_at < now - self.retention)
            )
            if self.inbox is not None:
                await session.execute(
                    delete(self.inbox).where(self.inbox.c.processed_at < now - self.inbox_retention)
                )
