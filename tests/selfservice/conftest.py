"""A self-service app run in-process: lifespan, ASGI client, in-process bus, a topic observer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from selfservice_harness import SECRET, SelfService

from ringway.selfservice.app import create_app
from ringway.selfservice.settings import SelfServiceSettings
from ringway.shared.bus.base import Delivery
from ringway.shared.bus.inprocess import InProcessBus
from ringway.shared.contracts.selfservice import TOPIC as SELFSERVICE_TOPIC
from ringway.shared.web.auth import Authenticator


@pytest.fixture
async def selfservice(tmp_path: Path) -> AsyncIterator[SelfService]:
    """A fresh self-service app on its own SQLite file and bus."""
    bus = InProcessBus()
    await bus.start()
    settings = SelfServiceSettings(
        data_dir=tmp_path, database_url=f"sqlite+aiosqlite:///{tmp_path / 'selfservice.db'}",
        outbox_poll_interval_s=0.05)
    authenticator = Authenticator(SECRET)
    app = create_app(settings, bus, authenticator)
    harness = SelfService(app, bus, httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://selfservice"), authenticator)

    async def observe(delivery: Delivery) -> None:
        harness.observed.append(delivery.envelope())

    await bus.subscribe("selfservice-tests-observer", [SELFSERVICE_TOPIC], observe)
    async with app.router.lifespan_context(app), harness.client:
        yield harness
    await bus.stop()
