"""Session-wide real infrastructure: Apache Kafka (KRaft) and PostgreSQL on loopback.

Both start on first use and stop at the end of the session, so `pytest tests/unit`
stays fast while the full run exercises the real path.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Iterator

import pytest

from ringway.shared import contracts  # noqa: F401 - registers every event type
from ringway.shared.testing.kafka import LocalKafka
from ringway.shared.testing.postgres import LocalPostgres


@pytest.fixture(scope="session")
def kafka() -> Iterator[LocalKafka]:
    """A real single-node Kafka broker for the whole session."""
    broker = LocalKafka()
    broker.start()
    try:
        yield broker
    finally:
        broker.close()


@pytest.fixture(scope="session")
def postgres() -> Iterator[LocalPostgres]:
    """A real throwaway PostgreSQL cluster for the whole session."""
    server = LocalPostgres()
    server.start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def pg_url(postgres: LocalPostgres) -> str:
    """A fresh, empty database for one test."""
    return postgres.create_database(f"t_{uuid.uuid4().hex[:12]}")


def unique(prefix: str) -> str:
    """A name no other test uses (topics, groups)."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


async def eventually(check: Callable[[], bool], *, timeout: float = 30.0,
                     interval: float = 0.05, what: str = "condition") -> None:
    """Wait until `check()` is true, or fail naming what was awaited."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(interval)
