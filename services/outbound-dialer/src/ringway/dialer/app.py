"""Dialer app factory: nothing happens at import time."""

from __future__ import annotations

import asyncio
from pathlib import Path

from fastapi import FastAPI

from ringway.dialer import loop, tables
from ringway.dialer.api import router
from ringway.dialer.api_lists import router as lists_router
from ringway.dialer.api_preview import router as preview_router
from ringway.dialer.consumers import handlers
from ringway.dialer.context import Clock, DialerContext, system_clock
from ringway.dialer.loop import with_loop
from ringway.dialer.profiles import load_profiles
from ringway.dialer.settings import DialerSettings
from ringway.dialer.telephony import SimulatedCarrier
from ringway.shared.bus.base import EventBus
from ringway.shared.runtime import ServiceRuntime, create_runtime_app
from ringway.shared.web.auth import Authenticator

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: DialerSettings, bus: EventBus, authenticator: Authenticator, *,
               owns_bus: bool = False, clock: Clock = system_clock) -> FastAPI:
    """Build the dialer service app around a bus it may or may not own."""
    runtime = ServiceRuntime(settings, bus, outbox=tables.outbox, inbox=tables.inbox,
                             migrations=MIGRATIONS, owns_bus=owns_bus)
    context = DialerContext(runtime.uow, load_profiles(settings.compliance_profiles_file),
                            clock, settings.upload_batch_rows)
    # The telephony adapter is read at use: tests and the demo swap it on app.state.
    runtime.add_consumer(handlers(context, lambda: app.state.telephony))
    app = create_runtime_app(
        runtime,
        title="Ringway outbound dialer",
        description="Outbound campaigns: definitions, life cycle, contact lists, compliance, "
        "pacing and the people they call.",
        authenticator=authenticator,
        routers=[router, lists_router, preview_router],
        openapi_tags=[
            {"name": "campaigns",
             "description": "Outbound campaigns, their status and enrolled contacts."},
            {"name": "lists",
             "description": "Contact-list uploads, do-not-call lists and suppressions."},
            {"name": "preview", "description": "Preview dialing: agents start or skip calls."},
        ],
    )
    app.state.dialer = context
    # The simulated carrier is the only adapter so far; a PBX/CPaaS one plugs in here.
    telephony = SimulatedCarrier(seed=settings.simulated_carrier_seed)
    app.state.telephony = telephony
    if settings.dialing_enabled:
        app.router.lifespan_context = with_loop(
            app.router.lifespan_context,
            lambda stop: asyncio.create_task(
                loop.run(context, telephony, settings.dialing_interval_s, stop)))
    return app
