"""Drive a metrics app in-process: SQLite in tmp_path, an InProcessBus, tokens, deliveries."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from ringway.shared import contracts  # noqa: F401 - registers the event types
from ringway.shared.bus.base import Record
from ringway.shared.bus.inprocess import InProcessBus
from ringway.shared.consumers import EventRouter
from ringway.shared.contracts.common import Channel
from ringway.shared.contracts.contacts import (
    ContactAbandoned,
    ContactAccepted,
    ContactCompleted,
    ContactQueued,
)
from ringway.shared.contracts.selfservice import SelfServiceActionCompleted
from ringway.shared.events.envelope import Envelope, EventData
from ringway.shared.events.registry import REGISTRY
from ringway.shared.web.auth import Authenticator, Role

ADMIN_KEY = "metrics-admin-key-0123456789"


@dataclass
class Metrics:
    """The running app, its bus and a client with supervisor credentials at hand."""

    app: FastAPI
    bus: InProcessBus
    client: httpx.AsyncClient
    authenticator: Authenticator

    @property
    def router(self) -> EventRouter:
        """The one consumer of the metrics service."""
        routers: list[EventRouter] = self.app.state.runtime.routers
        return routers[0]

    def token(self, *roles: Role) -> dict[str, str]:
        """Authorization header for a caller holding `roles`."""
        return {"Authorization": f"Bearer {self.authenticator.mint('tester', set(roles))}"}

    async def deliver(self, *envelopes: Envelope) -> None:
        """Publish envelopes on their topics and wait until the consumer has seen them all."""
        expected = self.router.handled + self.router.duplicates + len(envelopes)
        await self.bus.send([Record.of(_topic(e), e) for e in envelopes])
        await _until(lambda: self.router.handled + self.router.duplicates >= expected)

    async def get(self, path: str, **params: Any) -> httpx.Response:
        """GET as a supervisor."""
        return await self.client.get(path, params=params, headers=self.token(Role.SUPERVISOR))


def _topic(envelope: Envelope) -> str:
    return REGISTRY.model(envelope.type, envelope.schemaversion).topic


async def _until(done: Callable[[], bool], timeout_s: float = 5.0) -> None:
    async with asyncio.timeout(timeout_s):
        while not done():  # noqa: ASYNC110 - the router exposes counters, not events
            await asyncio.sleep(0.01)


MetricsFactory = Callable[..., Awaitable[Metrics]]

NINE = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DAY = {"start": "2026-11-23T00:00:00Z", "end": "2026-11-24T00:00:00Z"}


def wrap(data: EventData) -> Envelope:
    """The envelope the producing service would publish."""
    return Envelope.wrap(data, source="routing" if data.topic == "contacts" else "selfservice")


def queued(contact: str, at: datetime, queue: str = "q1",
           channel: Channel = Channel.VOICE) -> Envelope:
    """A contact entered a queue at `at`."""
    return wrap(ContactQueued(contact_id=contact, queue_id=queue, channel=channel, arrived_at=at))


def accepted(contact: str, at: datetime, waited_ms: int, queue: str = "q1") -> Envelope:
    """An agent answered the contact at `at` after `waited_ms`."""
    return wrap(ContactAccepted(contact_id=contact, queue_id=queue, channel=Channel.VOICE,
                                agent_id="a1", accepted_at=at, waited_ms=waited_ms))


def abandoned(contact: str, at: datetime, queue: str = "q1") -> Envelope:
    """The customer left the queue at `at`."""
    return wrap(ContactAbandoned(contact_id=contact, queue_id=queue, channel=Channel.VOICE,
                                 abandoned_at=at, waited_ms=40_000))


def completed(contact: str, at: datetime, talk: int, hold: int, wrap_up: int) -> Envelope:
    """Handling of the contact ended at `at`."""
    return wrap(ContactCompleted(contact_id=contact, queue_id="q1", channel=Channel.VOICE,
                                 agent_id="a1", completed_at=at, talk_ms=talk, hold_ms=hold,
                                 wrap_up_ms=wrap_up))


def action(name: str, outcome: str, at: datetime) -> Envelope:
    """A self-service action ended with `outcome` at `at`."""
    return wrap(SelfServiceActionCompleted(customer_id="cu1", session_id="s1", action=name,
                                           outcome=outcome, occurred_at=at))


async def intervals(metrics: Metrics, **params: Any) -> list[dict[str, Any]]:
    """The interval rows a supervisor reads (default range: the whole test day)."""
    response = await metrics.get("/kpis/intervals", **{**DAY, **params})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def at(minutes: float) -> datetime:
    """`minutes` after 09:00 UTC on the test day."""
    return NINE + timedelta(minutes=minutes)
