"""A routing app run in-process: lifespan, ASGI client, in-process bus, fake clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from engine_helpers import FakeClock
from routing_harness import ADMIN_KEY, SECRET, Routing, RoutingFactory

from ringway.routing.app import create_app
from ringway.routing.settings import RoutingSettings
from ringway.shared.bus.base import Delivery
from ringway.shared.bus.inprocess import InProcessBus
from ringway.shared.web.auth import Authenticator

OBSERVED_TOPICS = ["contacts", "agents", "callbacks", "routing"]


@pytest.fixture
async def routing_factory(tmp_path: Path) -> AsyncIterator[RoutingFactory]:
    """Start routing apps (SQLite in tmp_path unless given a database_url); reuse = restart."""
    async with AsyncExitStack() as stack:

        async def start(*, clock: FakeClock | None = None, **overrides: Any) -> Routing:
            values: dict[str, Any] = {
                "data_dir": tmp_path,
                "database_url": f"sqlite+aiosqlite:///{tmp_path / 'routing.db'}",
                "outbox_poll_interval_s": 0.05, "tick_s": 3600, **overrides}
            return await stack.enter_async_context(
                running(RoutingSettings(**values), clock or real_now_clock()))

        yield start


def real_now_clock() -> FakeClock:
    """A hand-moved clock starting at the real time (row timestamps stay plausible)."""
    import time

    return FakeClock(now=time.time())


@pytest.fixture
async def routing(routing_factory: RoutingFactory) -> Routing:
    """A fresh routing app on its own SQLite file and bus."""
    return await routing_factory()


@asynccontextmanager
async def running(settings: RoutingSettings, clock: FakeClock) -> AsyncIterator[Routing]:
    """One routing app from start to stop."""
    bus = InProcessBus()
    await bus.start()
    app = create_app(settings, bus, Authenticator(SECRET, admin_api_key=ADMIN_KEY), clock=clock)
    harness = Routing(app, bus, httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                                  base_url="http://routing"), clock)

    async def observe(delivery: Delivery) -> None:
        harness.observed.append(delivery.envelope())

    await bus.subscribe("routing-tests-observer", OBSERVED_TOPICS, observe)
    try:
        async with app.router.lifespan_context(app), harness.client:
            yield harness
    finally:
        await bus.stop()
