"""End to end on real Kafka and PostgreSQL: a registration becomes a welcome call for routing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dialer_harness import DialerFactory, campaign, customer_registered, envelope, eventually
from test_dialing import NOON_NY, Clock, ScriptedNetwork

from ringway.dialer.dialing import tick
from ringway.shared.bus.kafka import KafkaBus
from ringway.shared.contracts.agents import AgentState, AgentStateChanged
from ringway.shared.contracts.common import Channel, Direction
from ringway.shared.contracts.contacts import ContactCompleted
from ringway.shared.testing.kafka import LocalKafka

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]


async def test_a_registered_customer_gets_a_welcome_call_handed_to_routing_over_kafka(
        dialer_factory: DialerFactory, kafka: LocalKafka, pg_url: str) -> None:
    bus = KafkaBus(kafka.bootstrap_servers, stall_timeout_s=5.0, session_timeout_ms=6000)
    dialer = await dialer_factory(clock=Clock(), bus=bus, database_url=pg_url)
    welcome = await campaign(dialer, start=True, queue_id="q-welcome",
                             dialing_mode="progressive")
    await dialer.deliver(envelope(AgentStateChanged(
        agent_id="agent-kafka", previous=AgentState.OFFLINE, state=AgentState.AVAILABLE,
        changed_at=NOON_NY, queue_ids=["q-welcome"], blended=True), "routing"))
    await dialer.deliver(customer_registered("cust-kafka", "+1 212 555 0100"))
    await dialer.wait_consumed(2)

    network = ScriptedNetwork()
    report = await tick(dialer.app.state.dialer, network, campaign_id=welcome)
    assert network.placed == ["+12125550100"], (report, dialer.consumer.handled)
    [attempt] = report.placed

    async def answered() -> bool:
        return any(e.subject == welcome for e in dialer.events("outbound_call.answered"))
    await eventually(answered, timeout_s=60, what="outbound_call.answered over Kafka")
    [handoff] = [e for e in dialer.events("outbound_call.answered") if e.subject == welcome]
    assert handoff.data["queue_id"] == "q-welcome"
    assert handoff.data["customer_id"] == "cust-kafka"
    assert handoff.data["attempt_id"] == attempt.attempt_id

    # Routing reports the call it connected to an agent: the dialer closes the attempt.
    await dialer.deliver(envelope(ContactCompleted(
        contact_id="k-kafka", queue_id="q-welcome", channel=Channel.VOICE,
        agent_id="agent-kafka", completed_at=NOON_NY + timedelta(minutes=3),
        disposition="sale", customer_id="cust-kafka", direction=Direction.OUTBOUND,
        attempt_id=attempt.attempt_id), "routing"))

    async def finished() -> bool:
        return any(e.data.get("attempt_id") == attempt.attempt_id
                   for e in dialer.events("attempt.finished"))
    await eventually(finished, timeout_s=60, what="attempt.finished over Kafka")
    [result] = [e for e in dialer.events("attempt.finished")
                if e.data["attempt_id"] == attempt.attempt_id]
    assert (result.data["outcome"], result.data["disposition"]) == ("connected", "sale")
    assert result.data["final"] is True
