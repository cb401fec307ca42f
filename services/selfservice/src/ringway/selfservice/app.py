"""Self-service app factory: nothing happens at import time."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from ringway.selfservice import tables
from ringway.selfservice.api import router
from ringway.selfservice.consumers import HANDLERS
from ringway.selfservice.settings import SelfServiceSettings
from ringway.shared.bus.base import EventBus
from ringway.shared.runtime import ServiceRuntime, create_runtime_app
from ringway.shared.web.auth import Authenticator

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: SelfServiceSettings, bus: EventBus, authenticator: Authenticator, *,
               owns_bus: bool = False) -> FastAPI:
    """Build the self-service app around a bus it may or may not own."""
    runtime = ServiceRuntime(settings, bus, outbox=tables.outbox, inbox=tables.inbox,
                             migrations=MIGRATIONS, owns_bus=owns_bus)
    runtime.add_consumer(HANDLERS)
    app = create_runtime_app(
        runtime,
        title="Ringway self-service",
        description="The secure customer-facing API: customers, their contact history and "
        "the knowledge base.",
        authenticator=authenticator,
        routers=[router],
        openapi_tags=[
            {"name": "customers", "description": "Customer accounts and their contact history."},
            {"name": "knowledge base",
             "description": "Articles customers read to help themselves."},
        ],
    )
    return app
