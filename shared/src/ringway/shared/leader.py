"""Leader election on PostgreSQL: one active instance, the others on standby.

The leader holds a session-level advisory lock on a dedicated connection (autocommit, so no
transaction stays open). A watchdog re-checks the lock every interval; if the check fails or
times out, the instance steps down at once, because the server may already have released the
lock to a standby. A standby polls `pg_try_advisory_lock`. A crashed leader's connection closes
with its process, PostgreSQL releases the lock, and a standby takes over within one interval.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Literal

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

Role = Literal["leader", "standby", "stopped"]
Callback = Callable[[], Awaitable[None]]

_HOLDS_LOCK = text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
    "AND pid = pg_backend_pid() AND objsubid = 1 "
    "AND ((classid::bigint << 32) | objid::bigint) = :key"
)


class LockLost(Exception):
    """The watchdog found the lock no longer held by this session."""


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for an election name."""
    digest = hashlib.sha256(f"ringway-leader:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class LeaderElector:
    """Campaigns for leadership of `name`; calls back on election and on stepping down."""

    def __init__(self, database_url: str, name: str, *, on_elected: Callback,
                 on_demoted: Callback, interval_s: float = 2.0, timeout_s: float = 5.0) -> None:
        self.name = name
        self.key = lock_key(name)
        self.interval_s = interval_s
        self.timeout_s = timeout_s
        self.on_elected = on_elected
        self.on_demoted = on_demoted
        self.role: Role = "stopped"
        self.last_check = 0.0
        self._url = database_url
        self._engine: AsyncEngine | None = None
        self._conn: AsyncConnection | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    @property
    def is_leader(self) -> bool:
        """True while this instance holds the lock (as far as the last check knows)."""
        return self.role == "leader"

    def healthy(self) -> bool:
        """True when the lock connection answered within the last few intervals."""
        age = time.monotonic() - self.last_check
        return self.role != "stopped" and age < 3 * self.interval_s + self.timeout_s

    async def start(self) -> None:
        """Campaign in the background; the first attempt happens before this returns."""
        self.role = "standby"
        self._stopping = False
        await self._step()
        self._task = asyncio.create_task(self._run(), name=f"leader-election-{self.name}")

    async def stop(self) -> None:
        """Step down (callbacks first), release the lock and close the connection."""
        self._stopping = True
        if self._task is not None:
            # Python 3.11's wait_for can swallow a cancel that lands as its inner call returns
            # (the task then polls on); the flag ends the loop, and the cancel is repeated.
            while not self._task.done():
                self._task.cancel()
                await asyncio.wait({self._task}, timeout=self.interval_s)
            self._task = None
        if self.is_leader:
            await self._demote("stopping")
        await self._disconnect()
        self.role = "stopped"

    async def _run(self) -> None:
        while not self._stopping:
            await asyncio.sleep(self.interval_s)
            if not self._stopping:
                await self._step()

    async def _step(self) -> None:
        """One campaign or watchdog round; any database failure costs the leadership."""
        try:
            acquired = await asyncio.wait_for(self._check(), timeout=self.timeout_s)
            self.last_check = time.monotonic()
        except (OSError, SQLAlchemyError, TimeoutError, LockLost) as error:
            log.warning("leader election: database check failed",
                        extra={"election": self.name, "error": type(error).__name__})
            await self._disconnect()
            if self.is_leader:
                await self._demote("lost the lock connection")
            return
        if acquired:
            await self._elect()

    async def _check(self) -> bool:
        """Leader: confirm the lock is still held. Standby: try to take it."""
        conn = await self._connection()
        if self.is_leader:
            if not await conn.scalar(_HOLDS_LOCK, {"key": self.key}):
                raise LockLost(self.name)
            return False
        return bool(await conn.scalar(text("SELECT pg_try_advisory_lock(:key)"),
                                      {"key": self.key}))

    async def _elect(self) -> None:
        log.warning("leader election: this instance is now the leader",
                    extra={"election": self.name})
        self.role = "leader"
        try:
            await self.on_elected()
        except Exception as error:  # noqa: BLE001 - give the lock to a healthier instance
            log.error("leader election: start as leader failed; releasing the lock",
                      extra={"election": self.name, "error": repr(error)})
            await self._demote("start failed")
            await self._disconnect()

    async def _demote(self, why: str) -> None:
        log.warning("leader election: stepping down", extra={"election": self.name, "why": why})
        self.role = "standby"
        try:
            await self.on_demoted()
        except Exception as error:  # noqa: BLE001 - stepping down must complete
            log.error("leader election: step-down callback failed",
                      extra={"election": self.name, "error": repr(error)})

    async def _connection(self) -> AsyncConnection:
        if self._conn is None:
            self._engine = create_async_engine(self._url, poolclass=NullPool)
            conn = await self._engine.connect()
            # Autocommit: holding the lock must not hold a transaction (and its snapshot) open.
            self._conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        return self._conn

    async def _disconnect(self) -> None:
        """Close the lock connection; closing it releases the lock if the server has it."""
        conn, engine, self._conn, self._engine = self._conn, self._engine, None, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.close(), timeout=self.timeout_s)
        if engine is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(engine.dispose(), timeout=self.timeout_s)
