"""Helpers to drive a dialer app in-process and observe what it puts on the bus."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from ringway.dialer import tables
from ringway.shared.bus.base import Record
from ringway.shared.consumers import EventRouter
from ringway.shared.contracts.selfservice import CustomerRegistered
from ringway.shared.events.envelope import Envelope, EventData
from ringway.shared.events.registry import REGISTRY
from ringway.shared.runtime import ServiceRuntime

ADMIN_KEY = "dialer-tests-admin-key-0123456789"
SECRET = "dialer-tests-signing-secret-0123456789"
ENROLLED = "campaign.contact_enrolled"


async def eventually(predicate: Callable[[], Awaitable[bool]], *, timeout_s: float = 5.0,
                     what: str = "condition") -> None:
    """Poll until the predicate holds; fail the test if it never does."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not await predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def customer_registered(customer_id: str, phone: str | None) -> Envelope:
    """The envelope self-service would emit for a new customer."""
    data = CustomerRegistered(customer_id=customer_id, phone=phone, country="US",
                              registered_at=datetime.now(UTC))
    return Envelope.wrap(data, source="selfservice")


def envelope(data: EventData, source: str = "selfservice") -> Envelope:
    """Any other service's event, as it arrives on the bus."""
    return Envelope.wrap(data, source=source)


@dataclass
class Dialer:
    """The running app and what a test needs to drive and observe it."""

    app: FastAPI
    bus: Any
    client: httpx.AsyncClient
    observed: list[Envelope] = field(default_factory=list)

    @property
    def runtime(self) -> ServiceRuntime:
        """The app's runtime (database, relay, consumers)."""
        runtime: ServiceRuntime = self.app.state.runtime
        return runtime

    @property
    def consumer(self) -> EventRouter:
        """The dialer's event router."""
        return self.runtime.routers[0]

    async def headers(self, *roles: str) -> dict[str, str]:
        """A bearer token for `roles`, minted through POST /auth/tokens with the admin key."""
        response = await self.client.post(
            "/auth/tokens", json={"subject": "tester", "roles": list(roles)},
            headers={"X-API-Key": ADMIN_KEY})
        assert response.status_code == 201, response.text
        return {"Authorization": f"Bearer {response.json()['token']}"}

    async def deliver(self, envelope: Envelope) -> None:
        """Publish an event from another service onto the bus."""
        topic = REGISTRY.model(envelope.type, envelope.schemaversion).topic
        await self.bus.send([Record.of(topic, envelope)])

    async def wait_consumed(self, count: int) -> None:
        """Wait until the consumer has seen `count` events (handled or duplicate)."""
        async def seen() -> bool:
            return self.consumer.handled + self.consumer.duplicates >= count
        await eventually(seen, what=f"{count} consumed event(s)")
        await eventually(self._outbox_empty, what="outbox relayed")

    async def _outbox_empty(self) -> bool:
        return await self.runtime.relay.pending() == 0

    def events(self, event_type: str) -> list[Envelope]:
        """Events of one type the dialer put on its topic so far."""
        return [e for e in self.observed if e.type == event_type]

    async def wait_events(self, event_type: str, count: int) -> list[Envelope]:
        """Wait until `count` events of a type reached the bus; return them."""
        async def arrived() -> bool:
            return len(self.events(event_type)) >= count
        await eventually(arrived, what=f"{count} {event_type} event(s)")
        return self.events(event_type)

    async def outbox_count(self, event_type: str) -> int:
        """Outbox rows written for an event type (sent or not)."""
        async with self.runtime.db.session() as session:
            count = await session.scalar(select(func.count()).select_from(tables.outbox)
                                         .where(tables.outbox.c.event_type == event_type))
        return int(count or 0)


DialerFactory = Callable[..., Awaitable[Dialer]]


async def campaign(dialer: Dialer, *, start: bool, enrol_on: list[str] | None = None,
                   purpose: str = "welcome", **extra: Any) -> str:
    """Create (and maybe start) a campaign; return its id."""
    headers = await dialer.headers("supervisor")
    body = {"name": f"{purpose} campaign", "purpose": purpose, "dialing_mode": "preview",
            "enrol_on": ["customer.registered"] if enrol_on is None else enrol_on,
            "queue_id": "q-outbound", **extra}
    created = await dialer.client.post("/campaigns", json=body, headers=headers)
    assert created.status_code == 201, created.text
    campaign_id: str = created.json()["id"]
    if start:
        started = await dialer.client.post(f"/campaigns/{campaign_id}/start", headers=headers)
        assert started.status_code == 200
    return campaign_id


async def contacts(dialer: Dialer, campaign_id: str, **params: int) -> dict[str, Any]:
    """The campaign's contact page, read as a supervisor."""
    response = await dialer.client.get(f"/campaigns/{campaign_id}/contacts", params=params,
                                       headers=await dialer.headers("supervisor"))
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page
