"""Group commit: requests that arrive while a batch is being written share the next batch."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

from ringway.shared.db.engine import Database

Item = TypeVar("Item")
Result = TypeVar("Result")


class GroupCommit(Generic[Item, Result]):
    """Runs `write` on every request waiting, in batches, each batch in arrival order.

    An idle queue writes the first request at once (no added latency); under load each
    round trip and commit serves every request that came in while the previous one ran.
    With `writers` > 1, that many batches may be in flight at once, so a request arriving
    during a long batch need not wait for it to end. Each caller gets its own result only
    after its batch committed; if the batch fails, every caller in it gets the error (and
    may rerun its request alone).
    """

    def __init__(self, write: Callable[[Sequence[Item]], Awaitable[Sequence[Result]]], *,
                 max_batch: int = 256, writers: int = 1) -> None:
        self._write = write
        self._max_batch = max_batch
        self._max_writers = writers
        self._waiting: list[tuple[Item, asyncio.Future[Result]]] = []
        self._writers: set[asyncio.Task[None]] = set()

    async def submit(self, item: Item) -> Result:
        """Queue `item` for the next batch; its result once that batch committed."""
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if len(self._writers) < self._max_writers:
            self._writers.add(asyncio.create_task(self._drain()))
        return await future

    async def _drain(self) -> None:
        try:
            while self._waiting:
                batch = self._waiting[:self._max_batch]
                del self._waiting[:self._max_batch]
                await self._run(batch)
        finally:
            # No await since the queue was seen empty: a request queued from now on finds
            # a free writer slot.
            self._writers.discard(asyncio.current_task())

    async def _run(self, batch: list[tuple[Item, asyncio.Future[Result]]]) -> None:
        try:
            results = await self._write([item for item, _ in batch])
        except Exception as error:  # noqa: BLE001 - handed to every caller in the batch
            for _, future in batch:
                if not future.done():
                    future.set_exception(error)
            return
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)


class Coalesced:
    """Calls `wake` at most once per `delay_s`, however often it is asked to.

    The outbox relay publishes in one transaction whatever is pending when it wakes; woken
    after every batch it spent a transaction on every one or two events.
    """

    def __init__(self, wake: Callable[[], None], delay_s: float = 0.025) -> None:
        self._wake = wake
        self._delay_s = delay_s
        self._timer: asyncio.TimerHandle | None = None

    def __call__(self) -> None:
        """Ask for a wake-up (within `delay_s`)."""
        if self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self._delay_s, self._fire)

    def _fire(self) -> None:
        self._timer = None
        self._wake()


@contextlib.asynccontextmanager
async def driver_connection(db: Database) -> AsyncIterator[Any]:
    """A pooled connection's asyncpg connection (autocommit unless the caller begins).

    The hot statements run on it directly: asyncpg prepares each once per connection, and a
    batch skips SQLAlchemy's per-statement compile and result machinery.
    """
    async with db.engine.connect() as conn:
        raw = await conn.get_raw_connection()
        yield raw.driver_connection
