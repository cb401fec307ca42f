"""End to end on real Kafka and PostgreSQL: a registration becomes a welcome call that an
agent of the campaign's pool takes through routing (the dialer never picks the agent)."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
from dialer_harness import DialerFactory, campaign, customer_registered, eventually
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


async def test_a_registered_customer_is_called_and_an_agent_of_the_pool_takes_the_call(
        dialer_factory: DialerFactory, kafka: LocalKafka, pg_url: str, tmp_path: Path) -> None:
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
            welcome = await campaign(dialer, start=True, queue_id="q-welcome",
                                     dialing_mode="progressive")
            agent_id = await _agent_ready(http)

            async def pool_known() -> bool:
                state = await rows(dialer, tables.agent_states, agent_id=agent_id)
                queues = await rows(dialer, tables.agent_queues, agent_id=agent_id)
                return [r["state"] for r in state] == ["available"] and len(queues) == 1
            await eventually(pool_known, timeout_s=60, what="agent pool from routing")
            await dialer.deliver(customer_registered("cust-e2e", "+1 212 555 0100"))

            async def enrolled() -> bool:
                return len(await rows(dialer, tables.campaign_contacts,
                                      campaign_id=welcome)) == 1
            await eventually(enrolled, timeout_s=60, what="welcome enrolment")

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
    finally:
        await routing_bus.stop()


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
