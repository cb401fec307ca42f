"""Unit of work: one transaction for a use case's state change, its events and its inbox mark."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from sqlalchemy import Executable, Row, Table, insert
from sqlalchemy.ext.asyncio import AsyncSession

from ringway.shared.bus.base import Record
from ringway.shared.db.engine import Database
from ringway.shared.db.outbox import outbox_row
from ringway.shared.events.envelope import Envelope, EventData


class UnitOfWork:
    """`async with uow:` commits on success and rolls back on error; events go to the outbox."""

    def __init__(self, db: Database, *, source: str, outbox: Table, inbox: Table,
                 on_commit: Callable[[], None] | None = None) -> None:
        self.db = db
        self.source = source
        self.outbox = outbox
        self.inbox = inbox
        self.on_commit = on_commit
        self._session: AsyncSession | None = None
        self._rows: list[dict[str, object]] = []
        self._wrote_outbox = False
        self._after_commit: list[Callable[[], None]] = []

    @property
    def session(self) -> AsyncSession:
        """The session of the open transaction."""
        if self._session is None:
            raise RuntimeError("unit of work is not open")
        return self._session

    async def __aenter__(self) -> UnitOfWork:
        self._session = self.db.session()
        await self._session.begin()
        self._rows = []
        self._wrote_outbox = False
        self._after_commit = []
        return self

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once this transaction has committed (never after a rollback), e.g. to
        wake a reader that must see the rows just written."""
        self._after_commit.append(callback)

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        session = self.session
        published = bool(self._rows) or self._wrote_outbox
        try:
            if exc_type is None:
                if self._rows:
                    await session.execute(insert(self.outbox), self._rows)
                await session.commit()
            else:
                await session.rollback()
        finally:
            self._rows = []
            await session.close()
            self._session = None
            callbacks, self._after_commit = self._after_commit, []
        if exc_type is None and published and self.on_commit is not None:
            self.on_commit()
        if exc_type is None:
            for callback in callbacks:
                callback()

    @contextlib.asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """A nested transaction: on error, its writes and the events it published are undone.

        Lets several use cases share one transaction (group commit) without one failure
        leaving half of its work behind or undoing the others'.
        """
        mark = len(self._rows)
        try:
            async with self.session.begin_nested():
                yield
        except BaseException:
            del self._rows[mark:]
            raise

    def publish(self, data: EventData, *, subject: str | None = None) -> Envelope:
        """Record an event to be published if, and only if, this transaction commits."""
        envelope = Envelope.wrap(data, source=self.source, subject=subject)
        record = Record.of(data.topic, envelope, key=data.key())
        self._rows.append(outbox_row(record, envelope.id))
        return envelope

    def outbox_row(self, data: EventData, *, subject: str | None = None) -> dict[str, object]:
        """The outbox row of an event the caller inserts itself, inside this transaction.

        For hot paths that fold the outbox insert into a statement they run anyway (one round
        trip less than `publish`); the relay is still nudged after the commit.
        """
        envelope = Envelope.wrap(data, source=self.source, subject=subject)
        self._wrote_outbox = True
        return outbox_row(Record.of(data.topic, envelope, key=data.key()), envelope.id)

    async def execute_alone(self, statement: Executable,
                            params: dict[str, Any]) -> Sequence[Row[Any]]:
        """Run one statement as its own transaction, outside this unit's; return its rows.

        A single statement is atomic by itself: in autocommit it is one round trip instead of
        BEGIN, statement, COMMIT. Use it without entering the unit; outbox rows it wrote
        (see `outbox_row`) nudge the relay as a commit would.
        """
        async with self.db.engine.connect() as conn:
            alone = await conn.execution_options(isolation_level="AUTOCOMMIT")
            rows = (await alone.execute(statement, params)).all()
        if self._wrote_outbox and self.on_commit is not None:
            self._wrote_outbox = False
            self.on_commit()
        return rows

    async def claim(self, group: str, event_id: str) -> bool:
        """Mark an event processed by a consumer group; False if it already was (a redelivery)."""
        statement = (
            self.db.insert(self.inbox)
            .values(consumer_group=group, event_id=event_id, processed_at=datetime.now(UTC))
            .on_conflict_do_nothing()
        )
        result = await self.session.execute(statement)
        return bool(getattr(result, "rowcount", 0) == 1)


UnitOfWorkFactory = Callable[[], UnitOfWork]
