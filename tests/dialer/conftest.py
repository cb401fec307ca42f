"""A dialer app run in-process: lifespan, ASGI client, in-process bus, an observer of its topic."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from dialer_harness import ADMIN_KEY, SECRET, Dialer, DialerFactory

from ringway.dialer.app import create_app
from ringway.dialer.settings import DialerSettings
from ringway.shared.bus.base import Delivery, EventBus
from ringway.shared.bus.inprocess import InProcessBus
from ringway.shared.contracts.dialer import TOPIC as DIALER_TOPIC
from ringway.shared.contracts.topics import TOPICS
from ringway.shared.web.auth import Authenticator


@pytest.fixture
async def dialer_factory(tmp_path: Path) -> AsyncIterator[DialerFactory]:
    """Start dialers on fresh buses (SQLite in tmp_path unless given a database_url)."""
    async with AsyncExitStack() as stack:

        async def start(clock: Any = None, bus: EventBus | None = None,
                        **overrides: Any) -> Dialer:
            values: dict[str, Any] = {
                "data_dir": tmp_path,
                "database_url": f"sqlite+aiosqlite:///{tmp_path / 'dialer.db'}",
                "outbox_poll_interval_s": 0.05, "dialing_enabled": False, **overrides}
            return await stack.enter_async_context(
                _running(DialerSettings(**values), clock, bus or InProcessBus()))

        yield start


@pytest.fixture
async def dialer(dialer_factory: DialerFactory) -> Dialer:
    """A fresh dialer on its own SQLite file and bus."""
    return await dialer_factory()


@asynccontextmanager
async def _running(settings: DialerSettings, clock: Any,
                   bus: EventBus) -> AsyncIterator[Dialer]:
    await bus.start()
    ensure = getattr(bus, "ensure_topics", None)
    if ensure is not None:
        await ensure(list(TOPICS.values()))
    extra = {"clock": clock} if clock is not None else {}
    app = create_app(settings, bus, Authenticator(SECRET, admin_api_key=ADMIN_KEY), **extra)
    harness = Dialer(app, bus, httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                                 base_url="http://dialer"))

    async def observe(delivery: Delivery) -> None:
        harness.observed.append(delivery.envelope())

    await bus.subscribe(f"dialer-tests-observer-{uuid.uuid4().hex[:8]}", [DIALER_TOPIC],
                        observe)
    try:
        async with app.router.lifespan_context(app), harness.client:
            yield harness
            watchdog = asyncio.create_task(_dump_tasks_after(20.0))
    finally:
        await bus.stop()
        if "watchdog" in locals():
            watchdog.cancel()


async def _dump_tasks_after(seconds: float) -> None:
    """A shutdown that hangs prints every task's stack, so the cause can be found."""
    await asyncio.sleep(seconds)
    for task in asyncio.all_tasks():
        print(f"--- {task.get_name()} {task.get_coro()}", file=sys.stderr)
        task.print_stack(file=sys.stderr)
