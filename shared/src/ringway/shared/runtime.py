"""What a service runs beside its HTTP routes: database, outbox relay and consumers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from sqlalchemy import Table

from ringway.shared.bus.base import EventBus, RetryPolicy, Subscription
from ringway.shared.consumers import EventHandler, EventRouter
from ringway.shared.contracts.topics import TOPICS
from ringway.shared.db.engine import Database
from ringway.shared.db.migrations import upgrade
from ringway.shared.db.outbox import OutboxRelay
from ringway.shared.db.uow import UnitOfWork
from ringway.shared.settings import ServiceSettings
from ringway.shared.web.app import create_service_app
from ringway.shared.web.auth import Authenticator

log = logging.getLogger(__name__)


class ServiceRuntime:
    """Owns a service's engine, relay and consumer subscriptions; started by the lifespan."""

    def __init__(self, settings: ServiceSettings, bus: EventBus, *, outbox: Table, inbox: Table,
                 migrations: Path, owns_bus: bool = False,
                 retry: RetryPolicy | None = None) -> None:
        self.settings = settings
        self.bus = bus
        self.owns_bus = owns_bus
        self.outbox = outbox
        self.inbox = inbox
        self.migrations = migrations
        self.retry = retry
        self.db = Database(settings.resolved_database_url, schema=settings.resolved_schema)
        self.relay = OutboxRelay(self.db, bus, outbox, inbox=inbox,
                                 poll_interval_s=settings.outbox_poll_interval_s)
        self.routers: list[EventRouter] = []
        self.subscriptions: list[Subscription] = []

    @property
    def name(self) -> str:
        """The service name (also the event source and consumer group)."""
        return self.settings.service_name

    def uow(self) -> UnitOfWork:
        """A new unit of work whose events nudge the relay on commit."""
        return UnitOfWork(self.db, source=self.name, outbox=self.outbox, inbox=self.inbox,
                          on_commit=self.relay.notify)

    def add_consumer(self, handlers: Mapping[str, EventHandler], group: str | None = None) -> None:
        """Declare an event-type -> handler table consumed under a group (default: the name)."""
        self.routers.append(EventRouter(group or self.name, self.uow, handlers))

    async def start(self, *, migrate: bool = True) -> None:
        """Migrate, start the relay and join the consumer groups."""
        if self.db.is_sqlite:
            self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        if migrate:
            await upgrade(self.db, str(self.migrations))
        if self.owns_bus:
            await self.bus.start()
            ensure = getattr(self.bus, "ensure_topics", None)
            if ensure is not None:
                await ensure(list(TOPICS.values()))
        self.relay.start()
        for router in self.routers:
            self.subscriptions.append(
                await self.bus.subscribe(router.group, router.topics, router, retry=self.retry)
            )
        log.info("service started", extra={"service": self.name})

    async def stop(self) -> None:
        """Leave the groups, flush the outbox, close the bus (if owned) and the engine."""
        for subscription in self.subscriptions:
            await subscription.stop()
        self.subscriptions = []
        await self.relay.stop()
        if self.owns_bus:
            await self.bus.stop()
        await self.db.dispose()

    async def readiness(self) -> dict[str, bool]:
        """Database reachable, bus reachable, no stalled consumer."""
        status = await self.bus.status()
        return {
            "database": await self.db.ping(),
            "bus": status.reachable,
            "consumers": all(s.healthy() for s in self.subscriptions),
        }


def current_runtime(request: Request) -> ServiceRuntime:
    """Dependency: the runtime of the app serving the request."""
    value: ServiceRuntime = request.app.state.runtime
    return value


Runtime = Annotated[ServiceRuntime, Depends(current_runtime)]


def create_runtime_app(runtime: ServiceRuntime, *, title: str, description: str,
                       authenticator: Authenticator, routers: Sequence[APIRouter],
                       openapi_tags: list[dict[str, Any]] | None = None) -> FastAPI:
    """A service app whose lifespan starts and stops the runtime."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = create_service_app(service=runtime.name, title=title, description=description,
                             authenticator=authenticator, routers=routers, lifespan=lifespan,
                             readiness=runtime.readiness, openapi_tags=openapi_tags)
    app.state.runtime = runtime
    return app
