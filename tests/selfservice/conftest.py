"""A self-service app run in-process: lifespan, ASGI client, in-process bus, a topic observer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from selfservice_harness import SelfService, running_selfservice


@pytest.fixture
async def selfservice(tmp_path: Path) -> AsyncIterator[SelfService]:
    """Self-service on its own SQLite file."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'selfservice.db'}"
    async with running_selfservice(tmp_path, url) as harness:
        yield harness


@pytest.fixture
async def pg_selfservice(tmp_path: Path, pg_url: str) -> AsyncIterator[SelfService]:
    """Self-service on a fresh PostgreSQL database (its own schema)."""
    async with running_selfservice(tmp_path, pg_url) as harness:
        yield harness
