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
from ringway.shared.leader import Callback, LeaderElector
from ringway.shared.settings import ServiceSettings
from ringway.shared.web.app import create_service_app
from ringway.shared.web.auth import Authenticator

log = logging.getLogger(__name__)


class ServiceRuntime:
    """Owns a service's engine, relay and consumer subscriptions; started by the lifespan."""

    def __init__(self, settings: ServiceSettings, bus: EventBus, *, outbox: Table, inbox: Table,
                 migrations: Path, owns_bus: bool = False,
                 retry: RetryPolicy | None = None, leader_election: bool | None = None) -> None:
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
        # Opt-in (argument, or <PREFIX>_LEADER_ELECTION): consumers run on the leader only.
        self.leader_election = (settings.leader_election if leader_election is None
                                else leader_election)
        self.elector: LeaderElector | None = None
        self._leader_hooks: list[tuple[Callback, Callback]] = []

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

    def on_leadership(self, start: Callback, stop: Callback) -> None:
        """Run `start` on becoming the active instance (rebuild in-memory state from the
        database there), `stop` on stepping down. Without leader election: at start and stop."""
        self._leader_hooks.append((start, stop))

    @property
    def is_leader(self) -> bool:
        """True on the active instance (always, without leader election)."""
        return self.elector is None or self.elector.is_leader

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
        if self.leader_election and self.db.is_postgres:
            self.elector = LeaderElector(
                self.settings.resolved_database_url, f"{self.name}:{self.db.schema}",
                on_elected=self._lead, on_demoted=self._stand_by,
                interval_s=self.settings.leader_election_interval_s)
            await self.elector.start()
        else:
            await self._lead()
        log.info("service started", extra={"service": self.name})

    async def _lead(self) -> None:
        """Become the active instance: leader hooks first, then join the consumer groups."""
        for start, _stop in self._leader_hooks:
            await start()
        for router in self.routers:
            self.subscriptions.append(
                await self.bus.subscribe(router.group, router.topics, router, retry=self.retry)
            )

    async def _stand_by(self) -> None:
        """Lost the lock: drop consumers at once (uncommitted records go to the new leader)."""
        subscriptions, self.subscriptions = self.subscriptions, []
        for subscription in subscriptions:
            await subscription.abort()
        for _start, stop in reversed(self._leader_hooks):
            await stop()

    async def stop(self) -> None:
        """Leave the groups, flush the outbox, close the bus (if owned) and the engine."""
        for subscription in self.subscriptions:
            await subscription.stop()
        self.subscriptions = []
        if self.elector is not None:
            await self.elector.stop()
            self.elector = None
        else:
            for _start, stop in reversed(self._leader_hooks):
                await stop()
        await self.relay.stop()
        if self.owns_bus:
            await self.bus.stop()
        await self.db.dispose()

    async def readiness(self) -> dict[str, bool]:
        """Database reachable, bus reachable, no stalled consumer."""
        status = await self.bus.status()
        checks = {
            "database": await self.db.ping(),
            "bus": status.reachable,
            "consumers": all(s.healthy() for s in self.subscriptions),
        }
        if self.elector is not None:
            # The key names the role ("leader" or "standby"); a standby is ready: it serves
            # HTTP from the database, and rolling updates need it ready.
            checks[self.elector.role] = self.elector.healthy()
        return checks


async def current_runtime(request: Request) -> ServiceRuntime:
    """Dependency: the runtime of the app serving the request (async: no worker-thread hop)."""
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
