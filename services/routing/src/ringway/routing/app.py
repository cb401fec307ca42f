"""Routing app factory: nothing happens at import time."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from ringway.routing import tables
from ringway.routing.api import router
from ringway.routing.consumers import HANDLERS
from ringway.routing.settings import RoutingSettings
from ringway.shared.bus.base import EventBus
from ringway.shared.runtime import ServiceRuntime, create_runtime_app
from ringway.shared.web.auth import Authenticator

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: RoutingSettings, bus: EventBus, authenticator: Authenticator, *,
               owns_bus: bool = False) -> FastAPI:
    """Build the routing service app around a bus it may or may not own."""
    runtime = ServiceRuntime(settings, bus, outbox=tables.outbox, inbox=tables.inbox,
                             migrations=MIGRATIONS, owns_bus=owns_bus)
    runtime.add_consumer(HANDLERS)
    app = create_runtime_app(
        runtime,
        title="Ringway routing",
        description="Skills-based ACD: agents, queues and contacts of every channel.",
        authenticator=authenticator,
        routers=[router],
        openapi_tags=[
            {"name": "agents", "description": "Agent profiles, skills and states."},
            {"name": "contacts", "description": "Contacts of every channel, queued for agents."},
        ],
    )
    return app
