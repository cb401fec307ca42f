"""Drive a routing app in-process: a fake clock, an ASGI client, an observer of its topics."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from engine_helpers import FakeClock
from fastapi import FastAPI

from ringway.routing.router import Router
from ringway.shared.bus.base import Record
from ringway.shared.bus.inprocess import InProcessBus
from ringway.shared.events.envelope import Envelope, EventData
from ringway.shared.runtime import ServiceRuntime

ADMIN_KEY = "routing-tests-admin-key-0123456789"
SECRET = "routing-tests-signing-secret-0123456789"
PROBLEM_JSON = "application/problem+json"


async def eventually(predicate: Callable[[], Awaitable[bool] | bool], *, timeout_s: float = 5.0,
                     what: str = "condition") -> None:
    """Poll until the predicate holds; fail the test if it never does."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        result = predicate()
        if await result if isinstance(result, Awaitable) else result:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


@dataclass
class Routing:
    """The running app and what a test needs to drive and observe it."""

    app: FastAPI
    bus: InProcessBus
    client: httpx.AsyncClient
    clock: FakeClock
    observed: list[Envelope] = field(default_factory=list)
    _tokens: dict[tuple[str, ...], dict[str, str]] = field(default_factory=dict)

    @property
    def runtime(self) -> ServiceRuntime:
        """The app's runtime (database, relay, consumers)."""
        runtime: ServiceRuntime = self.app.state.runtime
        return runtime

    @property
    def router(self) -> Router:
        """The engine holder."""
        router: Router = self.app.state.runtime.router
        return router

    async def headers(self, *roles: str, subject: str = "tester") -> dict[str, str]:
        """A bearer token for `roles` (subject = the agent id for agents)."""
        key = (subject, *roles)
        if key not in self._tokens:
            response = await self.client.post(
                "/auth/tokens", json={"subject": subject, "roles": list(roles)},
                headers={"X-API-Key": ADMIN_KEY})
            assert response.status_code == 201, response.text
            self._tokens[key] = {"Authorization": f"Bearer {response.json()['token']}"}
        return self._tokens[key]

    async def call(self, method: str, path: str, *, role: str = "supervisor",
                   subject: str = "tester", expect: int | None = None,
                   json: Any = None) -> httpx.Response:
        """One request with a token of `role`; optionally assert the status."""
        response = await self.client.request(method, path, json=json,
                                             headers=await self.headers(role, subject=subject))
        if expect is not None:
            assert response.status_code == expect, response.text
        return response

    async def agent(self, name: str, *, queues: list[str], ready: bool = True,
                    **profile: Any) -> str:
        """Create an agent serving `queues` and log them in; return the id."""
        created = await self.call("POST", "/agents", expect=201, json={
            "display_name": name, "queues": queues, **profile})
        agent_id: str = created.json()["id"]
        state = "available" if ready else "not_ready"
        await self.call("PUT", f"/agents/{agent_id}/state", role="agent", subject=agent_id,
                        expect=200, json={"state": state, "reason": None if ready else "break"})
        return agent_id

    async def contact(self, queue: str | None = "support", channel: str = "voice",
                      **body: Any) -> dict[str, Any]:
        """Create a contact as an integration; return its JSON."""
        response = await self.call("POST", "/contacts", role="integration", expect=201,
                                   json={"channel": channel, "queue_id": queue, **body})
        created: dict[str, Any] = response.json()
        return created

    async def as_agent(self, actor: str, action: str, contact_id: str,
                       expect: int | None = 200, **body: Any) -> httpx.Response:
        """An agent acts on a contact with their own token."""
        return await self.call("POST", f"/contacts/{contact_id}/{action}", role="agent",
                               subject=actor, expect=expect, json=body)

    async def deliver(self, data: EventData, source: str = "tests") -> None:
        """Publish another service's event onto the bus."""
        await self.bus.send([Record.of(data.topic, Envelope.wrap(data, source=source))])

    async def tick(self, seconds: float) -> None:
        """Move the clock and let the timer loop act."""
        self.clock.advance(seconds)
        await self.router.tick()

    async def flushed(self) -> None:
        """Wait until the outbox has been relayed to the bus."""
        async def empty() -> bool:
            return await self.runtime.relay.pending() == 0
        await eventually(empty, what="outbox relayed")

    def events(self, event_type: str | None = None, *, subject: str | None = None,
               ) -> list[Envelope]:
        """Events routing put on its topics so far (optionally of one type / subject)."""
        return [e for e in self.observed if (event_type is None or e.type == event_type)
                and (subject is None or e.subject == subject)]

    async def wait_events(self, event_type: str, count: int, *,
                          subject: str | None = None) -> list[Envelope]:
        """Wait until `count` events of a type reached the bus; return them."""
        await eventually(lambda: len(self.events(event_type, subject=subject)) >= count,
                         what=f"{count} {event_type}")
        return self.events(event_type, subject=subject)


RoutingFactory = Callable[..., Awaitable[Routing]]
