"""Routing app factory: nothing happens at import time."""

from __future__ import annotations

import time
from pathlib import Path

from fastapi import FastAPI

from ringway.routing import tables
from ringway.routing.api import agents_router, contacts_router, queues_router
from ringway.routing.api_reasons import reasons_router, rules_router, settings_router
from ringway.routing.api_supervisor import supervisor_router
from ringway.routing.consumers import handlers
from ringway.routing.domain.model import Clock
from ringway.routing.domain.reasons import RepeatPolicy
from ringway.routing.router import Router
from ringway.routing.settings import RoutingSettings
from ringway.shared.bus.base import EventBus
from ringway.shared.runtime import ServiceRuntime, create_runtime_app
from ringway.shared.web.auth import Authenticator

MIGRATIONS = Path(__file__).parent / "migrations"


class RoutingRuntime(ServiceRuntime):
    """The shared runtime, plus the engine of the active instance."""

    def __init__(self, settings: RoutingSettings, bus: EventBus, *, clock: Clock,
                 owns_bus: bool) -> None:
        super().__init__(settings, bus, outbox=tables.outbox, inbox=tables.inbox,
                         migrations=MIGRATIONS, owns_bus=owns_bus)
        self.router = Router(self.uow, clock, max_missed_offers=settings.max_missed_offers,
                             tick_s=settings.tick_s)
        self.repeat_policy = RepeatPolicy(settings.repeat_window_s, settings.repeat_boost)
        # The engine is rebuilt from the database whenever this instance becomes the active
        # one (at start, or on taking over from a failed leader), before consumers start.
        self.on_leadership(self.router.start, self.router.stop)


def create_app(settings: RoutingSettings, bus: EventBus, authenticator: Authenticator, *,
               owns_bus: bool = False, clock: Clock = time.time) -> FastAPI:
    """Build the routing service app around a bus it may or may not own."""
    runtime = RoutingRuntime(settings, bus, clock=clock, owns_bus=owns_bus)
    runtime.add_consumer(handlers(runtime.router, settings))
    app = create_runtime_app(
        runtime,
        title="Ringway routing",
        description="Skills-based ACD: agents, queues and contacts of every channel.",
        authenticator=authenticator,
        routers=[queues_router, agents_router, contacts_router, reasons_router, rules_router,
                 settings_router, supervisor_router],
        openapi_tags=[
            {"name": "queues", "description": "Queues: requirements, strategy, overflow."},
            {"name": "agents", "description": "Agent profiles, skills, sessions and states."},
            {"name": "contacts", "description": "Contacts of every channel, queued for agents."},
            {"name": "reasons", "description": "Contact-reason taxonomy and routing rules."},
            {"name": "supervisor", "description": "Live view of queues and agents."},
        ],
    )
    return app
