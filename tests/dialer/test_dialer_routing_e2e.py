"""End to end on real Kafka and PostgreSQL: a registration becomes a welcome call that an
agent of the campaign's pool takes through routing (the dialer never picks the agent)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from dialer_harness import (
    ADMIN_KEY,
    Dialer,
    DialerFactory,
    campaign,
    customer_registered,
    eventually,
)
from test_dialing import NOON_NY, Clock, ScriptedNetwork, rows

from ringway.dialer import tables
from ringway.dialer.dialing import tick
from ringway.routing.app import create_app as create_routing
from ringway.routing.settings import RoutingSettings
from ringway.shared.bus.base import Delivery
from ringway.shared.bus.kafka import KafkaBus
from ringway.shared.events.envelope import Envelope
from ringway.shared.testing.kafka import LocalKafka
from ringway.shared.web.auth import Authenticator

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

ROUTING_KEY = "routing-e2e-dialer-admin-key-0123456789"


class RoutingClock:
    """Routing's clock (epoch seconds), pinned to the dialer's so the 2 s limit is shared."""

    def __init__(self) -> None:
        self.now = NOON_NY.timestamp()

    def __call__(self) -> float:
        return self.now


@asynccontextmanager
async def routing_and_dialer(dialer_factory: DialerFactory, kafka: LocalKafka, pg_url: str,
                             tmp_path: Path) -> AsyncIterator[Stack]:
    """A dialer and a routing app on one Kafka namespace and PostgreSQL database."""
    namespace = f"e2e-{uuid.uuid4().hex[:8]}."

    def bus() -> KafkaBus:
        return KafkaBus(kafka.bootstrap_servers, stall_timeout_s=5.0, session_timeout_ms=6000,
                        namespace=namespace)

    dialer = await dialer_factory(clock=Clock(), bus=bus(), database_url=pg_url)
    routing_bus = bus()
    await routing_bus.start()
    seen: list[Envelope] = []

    async def observe(delivery: Delivery) -> None:
        seen.append(delivery.envelope())

    await routing_bus.subscribe("e2e-observer", ["contacts"], observe)
    routing = create_routing(
        RoutingSettings(data_dir=tmp_path, database_url=pg_url, outbox_poll_interval_s=0.05,
                        tick_s=3600),
        routing_bus, Authenticator("r" * 40, admin_api_key=ROUTING_KEY), clock=RoutingClock())
    try:
        async with routing.router.lifespan_context(routing), httpx.AsyncClient(
                transport=httpx.ASGITransport(app=routing), base_url="http://routing",
                headers={"X-API-Key": ROUTING_KEY}) as http:
            yield Stack(dialer, http, seen)
    finally:
        await routing_bus.stop()


@dataclass
class Stack:
    """What a test drives: the dialer, routing's API, and routing's contact events seen."""

    dialer: Dialer
    routing: httpx.AsyncClient
    seen: list[Envelope]


async def test_a_registered_customer_is_called_and_an_agent_of_the_pool_takes_the_call(
        dialer_factory: DialerFactory, kafka: LocalKafka, pg_url: str, tmp_path: Path) -> None:
    async with routing_and_dialer(dialer_factory, kafka, pg_url, tmp_path) as stack:
        dialer, http, seen = stack.dialer, stack.routing, stack.seen
        welcome = await campaign(dialer, start=True, queue_id="q-welcome",
                                 dialing_mode="progressive")
        agent_id = await _agent_ready(http)

        await _pool_known(dialer, agent_id)
        await dialer.deliver(customer_registered("cust-e2e", "+1 212 555 0100"))
        await _enrolled(dialer, welcome)

        network = ScriptedNetwork()
        report = await tick(dialer.app.state.dialer, network, campaign_id=welcome)
        assert network.placed == ["+12125550100"], report
        [attempt] = report.placed

        offered = await _wait_for(seen, "contact.offered", attempt.attempt_id)
        assert offered.data["agent_id"] == agent_id
        contact_id = offered.data["contact_id"]
        accepted = await http.post(f"/contacts/{contact_id}/accept",
                                   json={"agent_id": agent_id})
        assert accepted.status_code == 200, accepted.text
        for step, body in (("wrap-up", {"agent_id": agent_id}),
                           ("complete", {"agent_id": agent_id, "disposition": "sale"})):
            done = await http.post(f"/contacts/{contact_id}/{step}", json=body)
            assert done.status_code == 200, done.text

        async def finished() -> bool:
            [row] = await rows(dialer, tables.attempts, id=attempt.attempt_id)
            return row["outcome"] == "connected"
        await eventually(finished, timeout_s=60, what="attempt closed by routing's events")
        [row] = await rows(dialer, tables.attempts, id=attempt.attempt_id)
        assert row["disposition"] == "sale"


async def test_routing_reserves_an_agent_of_the_pool_for_a_preview_who_then_calls(
        dialer_factory: DialerFactory, kafka: LocalKafka, pg_url: str, tmp_path: Path) -> None:
    async with routing_and_dialer(dialer_factory, kafka, pg_url, tmp_path) as stack:
        dialer, http, seen = stack.dialer, stack.routing, stack.seen
        welcome = await campaign(dialer, start=True, queue_id="q-welcome",
                                 dialing_mode="preview")
        agent_id = await _agent_ready(http)
        await _pool_known(dialer, agent_id)
        await dialer.deliver(customer_registered("cust-preview", "+1 212 555 0100"))
        await _enrolled(dialer, welcome)
        report = await tick(dialer.app.state.dialer, ScriptedNetwork(), campaign_id=welcome)
        [attempt_id] = report.previews

        offered = await _wait_for(seen, "contact.offered", attempt_id)
        assert offered.data["agent_id"] == agent_id  # routing chose the agent, not the dialer
        contact_id = offered.data["contact_id"]
        accept = await http.post(f"/contacts/{contact_id}/accept", json={"agent_id": agent_id})
        assert accept.status_code == 200, accept.text

        token = await dialer.client.post("/auth/tokens", json={
            "subject": agent_id, "roles": ["agent"]}, headers={"X-API-Key": ADMIN_KEY})
        agent = {"Authorization": f"Bearer {token.json()['token']}"}

        async def shown() -> bool:
            response = await dialer.client.get(f"/campaigns/{welcome}/preview",
                                               headers=agent)
            return response.status_code == 200
        await eventually(shown, timeout_s=60, what="the reserved preview")
        preview = (await dialer.client.get(f"/campaigns/{welcome}/preview",
                                           headers=agent)).json()
        dialer.app.state.telephony = network = ScriptedNetwork()
        dialed = await dialer.client.post(
            f"/campaigns/{welcome}/preview/{preview['contact']['id']}/dial", headers=agent)
        assert dialed.json() == {"attempt_id": attempt_id, "outcome": "human"}
        assert network.placed == ["+12125550100"]


async def _pool_known(dialer: Dialer, agent_id: str) -> None:
    async def known() -> bool:
        state = await rows(dialer, tables.agent_states, agent_id=agent_id)
        queues = await rows(dialer, tables.agent_queues, agent_id=agent_id)
        return [r["state"] for r in state] == ["available"] and len(queues) == 1
    await eventually(known, timeout_s=60, what="agent pool from routing")


async def _enrolled(dialer: Dialer, campaign_id: str) -> None:
    async def enrolled() -> bool:
        return len(await rows(dialer, tables.campaign_contacts, campaign_id=campaign_id)) == 1
    await eventually(enrolled, timeout_s=60, what="welcome enrolment")


async def _agent_ready(http: httpx.AsyncClient) -> str:
    """A blended agent serving the campaign's queue, logged in and available in routing."""
    queue = await http.put("/queues/q-welcome", json={})
    assert queue.status_code in (200, 201), queue.text
    agent = await http.post("/agents", json={"display_name": "Dana", "queues": ["q-welcome"],
                                             "blended": True})
    assert agent.status_code == 201, agent.text
    agent_id: str = agent.json()["id"]
    ready = await http.put(f"/agents/{agent_id}/state", json={"state": "available"})
    assert ready.status_code == 200, ready.text
    return agent_id


async def _wait_for(seen: list[Envelope], event_type: str, attempt_id: str) -> Envelope:
    """The contact event of `event_type` for the routing contact made from `attempt_id`."""
    contact_ids: set[str] = set()

    async def arrived() -> bool:
        contact_ids.update(e.data["contact_id"] for e in seen
                           if e.type == "contact.queued" and e.data.get("attempt_id") == attempt_id)
        return any(e.type == event_type and e.data["contact_id"] in contact_ids for e in seen)
    await eventually(arrived, timeout_s=60, what=f"{event_type} for the welcome call")
    return next(e for e in seen if e.type == event_type and e.data["contact_id"] in contact_ids)
