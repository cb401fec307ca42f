"""Self-service app factory: nothing happens at import time."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from ringway.selfservice import contact_access, hotpaths, tables
from ringway.selfservice.access_api import router as access_router
from ringway.selfservice.api import router
from ringway.selfservice.consumers import HANDLERS
from ringway.selfservice.deps import SelfServiceState
from ringway.selfservice.domain.access import Clock
from ringway.selfservice.help_api import router as help_router
from ringway.selfservice.kb_api import router as kb_router
from ringway.selfservice.orders_api import router as orders_router
from ringway.selfservice.passwords import Passwords
from ringway.selfservice.payments_api import router as payments_router
from ringway.selfservice.provider import PaymentProvider, SimulatedProvider
from ringway.selfservice.reconciler import PaymentReconciler
from ringway.selfservice.settings import SelfServiceSettings
from ringway.selfservice.visits_api import router as visits_router
from ringway.selfservice.webhooks_api import router as webhooks_router
from ringway.shared.bus.base import EventBus
from ringway.shared.periodic import Periodic
from ringway.shared.runtime import ServiceRuntime, create_runtime_app
from ringway.shared.web.auth import Authenticator

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: SelfServiceSettings, bus: EventBus, authenticator: Authenticator, *,
               owns_bus: bool = False, clock: Clock | None = None,
               provider: PaymentProvider | None = None,
               reconcile_every_s: float = 30.0) -> FastAPI:
    """Build the self-service app around a bus it may or may not own."""
    runtime = ServiceRuntime(settings, bus, outbox=tables.outbox, inbox=tables.inbox,
                             migrations=MIGRATIONS, owns_bus=owns_bus)
    runtime.add_consumer(HANDLERS)
    app = create_runtime_app(
        runtime,
        title="Ringway self-service",
        description="The secure customer-facing API: customers, their accounts and payments, "
        "orders, purchases, service visits, help requests and the knowledge base. A customer "
        "reads only itself; an agent reads a customer only while handling one of the "
        "customer's contacts (and 15 minutes after); supervisors and admins read any "
        "customer. Every read and change of a customer's data is in the audit log (`/audit`).",
        authenticator=authenticator,
        routers=[access_router, router, payments_router, orders_router,
                 visits_router, kb_router, help_router, webhooks_router],
        openapi_tags=[
            {"name": "customers", "description": "Customer accounts and their contact history."},
            {"name": "knowledge base",
             "description": "Articles customers read to help themselves."},
        ],
    )
    app.state.clock = clock or _utc_now
    # The simulated provider until a real one is configured: it never moves money.
    provider = provider or SimulatedProvider()
    passwords = Passwords(memory_kib=settings.password_memory_kib,
                          time_cost=settings.password_time_cost)
    app.state.selfservice = SelfServiceState(settings, provider, passwords)
    app.state.reconciler = PaymentReconciler(runtime.uow, provider, app.state.clock,
                                             timeout_s=settings.payment_timeout_s)
    _run_in_background(runtime, app.state.clock, app.state.reconciler, reconcile_every_s)
    if runtime.db.is_postgres:
        hotpaths.install(app, runtime)
    _freeze_after_start(app)
    return app


def _freeze_after_start(app: FastAPI) -> None:
    """Exempt everything alive after start-up from the cyclic GC's full collections.

    The app, its models and its libraries are ~140,000 objects that live as long as the
    process; each full collection walked them all, a 150-200 ms pause in the middle of
    serving. Frozen, a full collection walks only what was made since.
    """
    started = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(target: FastAPI) -> AsyncIterator[Any]:
        async with started(target) as state:
            gc.freeze()
            try:
                yield state
            finally:
                gc.unfreeze()  # collectable again once the app stops (tests start many)

    app.router.lifespan_context = lifespan


def _run_in_background(runtime: ServiceRuntime, clock: Clock, reconciler: PaymentReconciler,
                       reconcile_every_s: float) -> None:
    async def prune() -> int:
        return await contact_access.prune(runtime.uow, now=clock())

    # With leader election, only the active instance runs them (any would be safe).
    for job in (Periodic("payment-reconciler", reconcile_every_s, reconciler.run_once),
                Periodic("contact-access-prune", 3600.0, prune)):
        runtime.on_leadership(job.start, job.stop)


def _utc_now() -> datetime:
    return datetime.now(UTC)
