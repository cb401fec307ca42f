"""Async engine and session factory for PostgreSQL (one schema per service) and SQLite."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Table, event, exc, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


class Database:
    """One service's database: its own schema on PostgreSQL, its own file on SQLite."""

    def __init__(self, url: str, *, schema: str | None = None, pool_size: int = 10,
                 idle_ping_s: float = 2.0, recycle_s: int = 1800) -> None:
        self.url = make_url(url)
        self.schema = schema if self.is_postgres else None
        # hide_parameters: a failing statement logged must not carry e-mails, hashes or tokens.
        # No pool_pre_ping: on asyncpg it is three round trips (BEGIN, ping, ROLLBACK) on every
        # checkout, more than a whole account read. Only a connection idle for idle_ping_s is
        # pinged (a restart or idle cut happens while we wait, not between two busy requests);
        # recycle_s replaces old connections before proxies' idle timeouts cut them.
        kwargs: dict[str, Any] = {"hide_parameters": True, "pool_recycle": recycle_s}
        if self.is_postgres:
            kwargs["pool_size"] = pool_size
            if self.schema:
                # search_path keeps table definitions schema-free and raw SQL correct.
                kwargs["connect_args"] = {"server_settings": {"search_path": self.schema}}
        elif self.is_sqlite:
            kwargs["connect_args"] = {"timeout": 30}
        self.engine: AsyncEngine = create_async_engine(self.url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        else:
            _ping_when_idle(self.engine, idle_ping_s)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_postgres(self) -> bool:
        """True for PostgreSQL."""
        return self.url.get_backend_name() == "postgresql"

    @property
    def is_sqlite(self) -> bool:
        """True for SQLite."""
        return self.url.get_backend_name() == "sqlite"

    def insert(self, table: Table) -> postgresql.Insert | sqlite.Insert:
        """The dialect's INSERT, which has ON CONFLICT DO NOTHING / DO UPDATE on both databases."""
        return postgresql.insert(table) if self.is_postgres else sqlite.insert(table)

    def session(self) -> AsyncSession:
        """A new session; the caller owns its transaction."""
        return self.sessions()

    async def ping(self) -> bool:
        """True when a trivial query succeeds."""
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - readiness reports any failure as not ready
            return False

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()


def _ping_when_idle(engine: AsyncEngine, idle_s: float) -> None:
    """Ping a pooled connection on checkout only if it sat idle; a dead one is replaced."""
    pool = engine.sync_engine.pool

    def checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < idle_s:
            return
        try:
            dbapi_connection.ping()
        except Exception as error:  # any failure means: use another connection
            # The pool discards this connection and checks out (or opens) another.
            raise exc.DisconnectionError(repr(error)) from error

    event.listen(pool, "checkin", checkin)
    event.listen(pool, "checkout", checkout)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run beside the writer; busy_timeout waits instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
