"""Routing app factory: nothing happens at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from ringway.routing import tables
from ringway.routing.api import router
from ringway.routing.consumers import HANDLERS
from ringway.routing.settings import RoutingSettings
from ringway.shared.bus.base import EventBus
from ringway.shared.runtime import ServiceRuntime
from ringway.shared.web.app import create_service_app
from ringway.shared.web.auth import Authenticator

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: RoutingSettings, bus: EventBus, authenticator: Authenticator, *,
               owns_bus: bool = False) -> FastAPI:
    """Build the routing service app around a bus it may or may not own."""
    runtime = ServiceRuntime(settings, bus, outbox=tables.outbox, inbox=tables.inbox,
                             migrations=MIGRATIONS, owns_bus=owns_bus)
    runtime.add_consumer(HANDLERS)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = create_service_app(
        service="routing",
        title="Ringway routing",
        description="Skills-based ACD: agents, queues and contacts of every channel.",
        authenticator=authenticator,
        routers=[router],
        lifespan=lifespan,
        readiness=runtime.readiness,
        openapi_tags=[
            {"name": "agents", "description": "Agent profiles, skills and states."},
            {"name": "contacts", "description": "Contacts of every channel, queued for agents."},
        ],
    )
    app.state.runtime = runtime
    return app
