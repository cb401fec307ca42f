"""End to end on real Kafka and PostgreSQL: what customers do reaches other consumers, in order."""

from __future__ import annotations

from pathlib import Path

import pytest
from selfservice_harness import (
    SelfService,
    contact_accepted,
    contact_queued,
    eventually,
    running_selfservice,
)

from ringway.shared.bus.kafka import KafkaBus
from ringway.shared.testing.kafka import LocalKafka
from tests.conftest import unique

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]


async def test_registration_visit_and_erasure_reach_a_kafka_consumer_in_order(
        kafka: LocalKafka, pg_url: str, tmp_path: Path) -> None:
    # Own topics and groups: other tests on the session broker neither see nor feed these.
    bus = KafkaBus(kafka.bootstrap_servers, stall_timeout_s=5.0, session_timeout_ms=6000,
                   namespace=unique("selfservice") + ".")
    async with running_selfservice(tmp_path, pg_url, bus) as selfservice:
        customer = (await selfservice.register())["id"]
        visit = (await selfservice.book(customer, await selfservice.slot())).json()
        await selfservice.client.post(f"/visits/{visit['id']}/complete",
                                      headers=selfservice.scoped("visits:complete"))
        await selfservice.client.delete(f"/customers/{customer}",
                                        headers=selfservice.customer(customer))

        await eventually(lambda: _arrived(selfservice, customer), timeout_s=60,
                         what="events over Kafka")

        mine = [e for e in selfservice.observed if e.subject == customer
                and e.type != "selfservice.action_completed"]
        assert [e.type for e in mine] == ["customer.registered", "visit.completed",
                                          "customer.erased"]
        assert mine[0].data["phone"] == "+14155550100"
        assert mine[1].data["visit_id"] == visit["id"]


async def _arrived(selfservice: SelfService, customer: str) -> bool:
    return any(e.type == "customer.erased" and e.subject == customer
               for e in selfservice.observed)


async def test_an_agent_reads_the_customer_once_routings_accept_arrives_over_kafka(
        kafka: LocalKafka, pg_url: str, tmp_path: Path) -> None:
    # Own topics and groups: other tests on the session broker neither see nor feed these.
    bus = KafkaBus(kafka.bootstrap_servers, stall_timeout_s=5.0, session_timeout_ms=6000,
                   namespace=unique("selfservice") + ".")
    async with running_selfservice(tmp_path, pg_url, bus) as selfservice:
        customer = (await selfservice.register())["id"]
        before = await selfservice.client.get(f"/customers/{customer}/account",
                                              headers=selfservice.agent("agent-7"))

        await selfservice.deliver(contact_queued("01CONTACTKAFKA000000000001", customer))
        await selfservice.deliver(contact_accepted("01CONTACTKAFKA000000000001", "agent-7",
                                                   at=selfservice.clock.now))

        async def readable() -> bool:
            response = await selfservice.client.get(f"/customers/{customer}/account",
                                                    headers=selfservice.agent("agent-7"))
            return response.status_code == 200
        await eventually(readable, timeout_s=60, what="the accept consumed from Kafka")
        assert before.status_code == 404
