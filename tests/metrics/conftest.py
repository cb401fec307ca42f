"""Fixtures: metrics apps started with chosen settings and stopped at teardown."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from metrics_harness import ADMIN_KEY, Metrics, MetricsFactory

from ringway.metrics.app import create_app
from ringway.metrics.settings import MetricsSettings
from ringway.shared.bus.inprocess import InProcessBus
from ringway.shared.web.auth import Authenticator


@pytest.fixture
async def metrics_factory(tmp_path: Path) -> AsyncIterator[MetricsFactory]:
    """Start metrics apps with chosen settings (SQLite unless given a database_url)."""
    stack: list[tuple[InProcessBus, FastAPI, httpx.AsyncClient, Any]] = []

    async def start(**overrides: Any) -> Metrics:
        bus = InProcessBus()
        await bus.start()
        data = tmp_path / f"app{len(stack)}"
        values = {"data_dir": data, "database_url": f"sqlite+aiosqlite:///{data / 'metrics.db'}",
                  **overrides}
        settings = MetricsSettings(**values)
        authenticator = Authenticator("m" * 32, admin_api_key=ADMIN_KEY)
        app = create_app(settings, bus, authenticator)
        lifespan = app.router.lifespan_context(app)
        await lifespan.__aenter__()
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
        stack.append((bus, app, client, lifespan))
        return Metrics(app, bus, client, authenticator)

    yield start
    for bus, _, client, lifespan in reversed(stack):
        await client.aclose()
        await lifespan.__aexit__(None, None, None)
        await bus.stop()


@pytest.fixture
async def metrics(metrics_factory: MetricsFactory) -> Metrics:
    """A metrics app with default settings (15-minute intervals, SL threshold 20 s)."""
    return await metrics_factory()
