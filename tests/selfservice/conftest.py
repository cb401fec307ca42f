"""A self-service app run in-process: lifespan, ASGI client, in-process bus, a topic observer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from selfservice_harness import SECRET, FakeClock, SelfService

from ringway.selfservice.app import create_app
from ringway.selfservice.settings import SelfServiceSettings
from ringway.shared.bus.base import Delivery
from ringway.shared.bus.inprocess import InProcessBus
from ringway.shared.contracts.callbacks import TOPIC as CALLBACKS_TOPIC
from ringway.shared.contracts.selfservice import TOPIC as SELFSERVICE_TOPIC
from ringway.shared.web.auth import Authenticator


@asynccontextmanager
async def running_selfservice(tmp_path: Path, database_url: str) -> AsyncIterator[SelfService]:
    """A fresh self-service app on this database and its own bus."""
    bus = InProcessBus()
    await bus.start()
    settings = SelfServiceSettings(data_dir=tmp_path, database_url=database_url,
                                   outbox_poll_interval_s=0.05, password_memory_kib=1024,
                                   password_time_cost=1)
    authenticator = Authenticator(SECRET)
    clock = FakeClock()
    app = create_app(settings, bus, authenticator, clock=clock)
    harness = SelfService(app, bus, httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://selfservice"), authenticator,
        clock)

    async def observe(delivery: Delivery) -> None:
        harness.observed.append(delivery.envelope())

    await bus.subscribe("selfservice-tests-observer", [SELFSERVICE_TOPIC, CALLBACKS_TOPIC], observe)
    async with app.router.lifespan_context(app), harness.client:
        yield harness
    await bus.stop()


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
