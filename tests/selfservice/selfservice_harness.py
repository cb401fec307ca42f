"""Helpers to drive a self-service app in-process and observe what it puts on the bus."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from ringway.selfservice.app import create_app
from ringway.selfservice.provider import PaymentProvider, SimulatedProvider
from ringway.selfservice.reconciler import PaymentReconciler
from ringway.selfservice.settings import SelfServiceSettings
from ringway.shared.bus.base import Delivery, EventBus, Record
from ringway.shared.bus.inprocess import InProcessBus
from ringway.shared.consumers import EventRouter
from ringway.shared.contracts.callbacks import TOPIC as CALLBACKS_TOPIC
from ringway.shared.contracts.common import Channel
from ringway.shared.contracts.contacts import ContactAccepted, ContactQueued
from ringway.shared.contracts.selfservice import TOPIC as SELFSERVICE_TOPIC
from ringway.shared.contracts.topics import TOPICS
from ringway.shared.events.envelope import Envelope, EventData
from ringway.shared.runtime import ServiceRuntime
from ringway.shared.web.auth import Authenticator, Role

SECRET = "selfservice-tests-signing-secret-0123456789"
PROBLEM_JSON = "application/problem+json"
PASSWORD = "correct horse battery staple"
WEBHOOK_SECRET = "whsec-selfservice-tests"


async def eventually(predicate: Callable[[], Awaitable[bool]], *, timeout_s: float = 5.0,
                     what: str = "condition") -> None:
    """Poll until the predicate holds; fail the test if it never does."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not await predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def registration(email: str = "ana@example.com", **overrides: Any) -> dict[str, Any]:
    """A valid registration body, with some fields replaced."""
    body = {"email": email, "password": PASSWORD, "display_name": "Ana Souza",
            "phone": "(415) 555-0100", "country": "US", "language": "en"}
    return {**body, **overrides}


def contact_queued(contact_id: str, customer_id: str | None, *,
                   queue_id: str = "support-en") -> Envelope:
    """The envelope routing would emit for a queued contact."""
    data = ContactQueued(contact_id=contact_id, queue_id=queue_id, channel=Channel.CHAT,
                         reason="billing", customer_id=customer_id,
                         arrived_at=datetime(2026, 11, 23, 9, 30, tzinfo=UTC))
    return Envelope.wrap(data, source="routing")


def from_routing(data: EventData) -> Envelope:
    """The envelope routing would emit for any contact event."""
    return Envelope.wrap(data, source="routing")


def contact_accepted(contact_id: str, agent_id: str, *, at: datetime,
                     customer_id: str | None = None) -> Envelope:
    """An agent accepted the contact (routing's event)."""
    return from_routing(ContactAccepted(
        contact_id=contact_id, queue_id="support-en", channel=Channel.CHAT, agent_id=agent_id,
        accepted_at=at, waited_ms=1000, customer_id=customer_id))


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status and type."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"] == f"https://ringway.dev/problems/{code}"
    return body


@dataclass
class FakeClock:
    """A clock the test moves by hand."""

    now: datetime = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move time forward by a timedelta's keyword arguments."""
        self.now += timedelta(**delta)


@dataclass
class SelfService:
    """The running app and what a test needs to drive and observe it."""

    app: FastAPI
    bus: EventBus
    client: httpx.AsyncClient
    authenticator: Authenticator
    clock: FakeClock
    observed: list[Envelope] = field(default_factory=list)

    @property
    def runtime(self) -> ServiceRuntime:
        """The app's runtime (database, relay, consumers)."""
        runtime: ServiceRuntime = self.app.state.runtime
        return runtime

    @property
    def consumer(self) -> EventRouter:
        """Self-service's event router."""
        return self.runtime.routers[0]

    def headers(self, *roles: Role, customer_id: str | None = None) -> dict[str, str]:
        """A bearer token for `roles` (and a customer id, for customer tokens)."""
        token = self.authenticator.mint("tester", set(roles), customer_id=customer_id)
        return {"Authorization": f"Bearer {token}"}

    def agent(self, agent_id: str) -> dict[str, str]:
        """The bearer token of an agent (the token's subject is the agent id, as in routing)."""
        token = self.authenticator.mint(agent_id, {Role.AGENT})
        return {"Authorization": f"Bearer {token}"}

    async def handled_by(self, agent_id: str, customer_id: str, contact_id: str) -> None:
        """Routing queues a contact of the customer and the agent accepts it."""
        before = self.consumer.handled + self.consumer.duplicates
        await self.deliver(contact_queued(contact_id, customer_id))
        await self.deliver(contact_accepted(contact_id, agent_id, at=self.clock.now))
        await self.wait_consumed(before + 2)

    def admin(self) -> dict[str, str]:
        """An admin's bearer token."""
        return self.headers(Role.ADMIN)

    def scoped(self, *scopes: str) -> dict[str, str]:
        """An integration token carrying `scopes`."""
        token = self.authenticator.mint("back-office", {Role.INTEGRATION}, scopes=set(scopes))
        return {"Authorization": f"Bearer {token}"}

    @property
    def provider(self) -> SimulatedProvider:
        """The app's simulated payment provider."""
        provider: SimulatedProvider = self.app.state.selfservice.provider
        return provider

    @property
    def reconciler(self) -> PaymentReconciler:
        """The app's payment reconciler."""
        reconciler: PaymentReconciler = self.app.state.reconciler
        return reconciler

    async def invoice(self, customer_id: str, amount_cents: int) -> dict[str, Any]:
        """Bill a customer as the billing integration; the invoice."""
        response = await self.client.post(
            f"/customers/{customer_id}/invoices", headers=self.scoped("billing:write"),
            json={"amount_cents": amount_cents, "description": "service"})
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    async def product(self, sku: str, *, stock: int, price_cents: int = 1999,
                      name: str = "Boiler X200", **extra: Any) -> dict[str, Any]:
        """Load a product as the catalogue integration."""
        response = await self.client.put(
            f"/catalogue/products/{sku}", headers=self.scoped("catalogue:write"),
            json={"name": name, "price_cents": price_cents, "stock": stock, **extra})
        assert response.status_code == 200, response.text
        loaded: dict[str, Any] = response.json()
        return loaded

    async def order(self, customer_id: str, *lines: tuple[str, int]) -> httpx.Response:
        """Place an order as the customer."""
        return await self.client.post(
            f"/customers/{customer_id}/orders", headers=self.customer(customer_id),
            json={"lines": [{"sku": sku, "quantity": quantity} for sku, quantity in lines]})

    async def slot(self, *, capacity: int = 1, hours_ahead: int = 24,
                   job_type: str = "boiler-repair", area: str = "madrid-north") -> str:
        """Offer a two-hour slot as the field-service integration; its id."""
        starts = self.clock.now + timedelta(hours=hours_ahead)
        response = await self.client.post("/visit-slots", headers=self.scoped("slots:write"), json={
            "area": area, "job_type": job_type, "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=2)).isoformat(), "capacity": capacity})
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    async def book(self, customer_id: str, slot_id: str) -> httpx.Response:
        """Book a visit in a slot as the customer."""
        return await self.client.post(f"/customers/{customer_id}/visits",
                                       json={"slot_id": slot_id},
                                       headers=self.customer(customer_id))

    async def pay(self, customer_id: str, key: str, **body: Any) -> httpx.Response:
        """POST a payment as the customer with an Idempotency-Key."""
        payload = {"payment_method_token": "pm_visa_4242", **body}
        return await self.client.post(
            f"/customers/{customer_id}/payments", json=payload,
            headers={**self.customer(customer_id), "Idempotency-Key": key})

    def customer(self, customer_id: str) -> dict[str, str]:
        """The bearer token of a signed-in customer."""
        return self.headers(Role.CUSTOMER, customer_id=customer_id)

    async def register(self, email: str = "ana@example.com", **overrides: Any) -> dict[str, Any]:
        """Register a customer through the API as the web front end; return its JSON."""
        response = await self.client.post("/customers", json=registration(email, **overrides),
                                          headers=self.headers(Role.INTEGRATION))
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    async def deliver(self, envelope: Envelope) -> None:
        """Publish an event from another service onto the bus."""
        await self.bus.send([Record.of(ContactQueued.topic, envelope)])

    async def wait_consumed(self, count: int) -> None:
        """Wait until the consumer has seen `count` events (handled or duplicate)."""
        async def seen() -> bool:
            return self.consumer.handled + self.consumer.duplicates >= count
        await eventually(seen, what=f"{count} consumed event(s)")

    def events(self, event_type: str) -> list[Envelope]:
        """Events of one type self-service put on its topic so far."""
        return [e for e in self.observed if e.type == event_type]

    async def wait_events(self, event_type: str, count: int) -> list[Envelope]:
        """Wait until `count` events of a type reached the bus; return them."""
        async def arrived() -> bool:
            return len(self.events(event_type)) >= count
        await eventually(arrived, what=f"{count} {event_type} event(s)")
        return self.events(event_type)

    async def outbox_empty(self) -> bool:
        """True when every outbox row was relayed."""
        return await self.runtime.relay.pending() == 0


@asynccontextmanager
async def running_selfservice(tmp_path: Path, database_url: str, bus: EventBus | None = None, *,
                              provider: PaymentProvider | None = None,
                              reconcile_every_s: float = 30.0) -> AsyncIterator[SelfService]:
    """A self-service app on this database and a bus (default: its own in-process one)."""
    bus = bus or InProcessBus()
    await bus.start()
    ensure = getattr(bus, "ensure_topics", None)
    if ensure is not None:
        await ensure(list(TOPICS.values()))
    settings = SelfServiceSettings(data_dir=tmp_path, database_url=database_url,
                                   outbox_poll_interval_s=0.05, password_memory_kib=1024,
                                   password_time_cost=1, payment_webhook_secret=WEBHOOK_SECRET)
    authenticator = Authenticator(SECRET)
    clock = FakeClock()
    app = create_app(settings, bus, authenticator, clock=clock, provider=provider,
                     reconcile_every_s=reconcile_every_s)
    harness = SelfService(app, bus, httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://selfservice"), authenticator,
        clock)

    async def observe(delivery: Delivery) -> None:
        harness.observed.append(delivery.envelope())

    await bus.subscribe(f"selfservice-tests-observer-{uuid.uuid4().hex[:8]}",
                        [SELFSERVICE_TOPIC, CALLBACKS_TOPIC], observe)
    async with app.router.lifespan_context(app), harness.client:
        yield harness
    await bus.stop()
