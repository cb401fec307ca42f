"""Routing as its own process on real Kafka and PostgreSQL, crashed and restarted mid-stream.

Contacts are created over HTTP, agents accept and complete them; an outside consumer reads
the `contacts` topic. Routing is killed (SIGKILL) in the middle and started again on the same
database: every contact still completes, and each contact's events arrive in lifecycle order.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from routing_harness import eventually

from ringway.shared.bus.base import Delivery
from ringway.shared.bus.kafka import KafkaBus
from ringway.shared.testing.kafka import LocalKafka
from tests.conftest import unique

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

ADMIN_KEY = "routing-e2e-admin-key-" + "x" * 20
LIFECYCLE = ["contact.queued", "contact.offered", "contact.accepted", "contact.completed"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Service:
    """The routing process: start, wait until ready, crash, start again."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.url = f"http://127.0.0.1:{env['PORT']}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "ringway.routing"],
                                         env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()[-3000:]
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise AssertionError("routing not ready:\n" + self.log.read_text()[-3000:])

    def crash(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            assert self.proc.wait(timeout=30) in (0, -15)


@pytest.fixture
def routing_process(kafka: LocalKafka, pg_url: str, tmp_path: Path) -> Iterator[Service]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RINGWAY_", "ROUTING_"))}
    # Own topics and groups: other tests on the session broker must not leak in.
    env.update(KAFKA_BOOTSTRAP_SERVERS=kafka.bootstrap_servers, DATABASE_URL=pg_url,
               KAFKA_NAMESPACE=unique("ns") + ".",
               RINGWAY_AUTH_SECRET="s" * 48, RINGWAY_ADMIN_API_KEY=ADMIN_KEY,
               RINGWAY_LOG_LEVEL="WARNING", HOST="127.0.0.1", PORT=str(free_port()))
    service = Service(env, tmp_path / "routing.log")
    service.start()
    try:
        yield service
    finally:
        service.stop()
        assert "Traceback" not in service.log.read_text(), service.log.read_text()[-3000:]


def token(client: httpx.Client, subject: str, role: str) -> dict[str, str]:
    response = client.post("/auth/tokens", json={"subject": subject, "roles": [role]},
                           headers={"X-API-Key": ADMIN_KEY})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def handle_offers(client: httpx.Client, agents: dict[str, dict[str, str]],
                  contacts: list[str]) -> int:
    """Each agent accepts and completes whatever is offered to them; returns completions."""
    done = 0
    for contact_id in contacts:
        contact = client.get(f"/contacts/{contact_id}", headers=agents["supervisor"]).json()
        if contact["status"] == "offered":
            headers = agents[contact["agent_id"]]
            assert client.post(f"/contacts/{contact_id}/accept", json={},
                               headers=headers).status_code == 200
            assert client.post(f"/contacts/{contact_id}/complete", json={"resolved": True},
                               headers=headers).status_code == 200
            done += 1
    return done


async def test_contacts_survive_a_crash_and_their_events_arrive_in_order(
        routing_process: Service, kafka: LocalKafka) -> None:
    seen: list[Any] = []

    async def observe(delivery: Delivery) -> None:
        seen.append(delivery.envelope())

    observer = KafkaBus(kafka.bootstrap_servers, client_id="routing-e2e-observer",
                        namespace=routing_process.env["KAFKA_NAMESPACE"])
    await observer.start()
    await observer.subscribe(f"observer-{time.time_ns()}", ["contacts"], observe)
    try:
        contact_ids = await asyncio.to_thread(_run_traffic, routing_process)
        await eventually(lambda: _completed(seen) == len(contact_ids), timeout_s=60,
                         what="every contact.completed on the topic")
    finally:
        await observer.stop()
    by_contact: dict[str, list[str]] = {c: [] for c in contact_ids}
    for envelope in {e.id: e for e in seen}.values():
        by_contact[envelope.subject].append(envelope.type)
    for contact_id, kinds in by_contact.items():
        assert kinds == LIFECYCLE, (contact_id, kinds)


def _run_traffic(service: Service) -> list[str]:
    with httpx.Client(base_url=service.url, timeout=10) as client:
        admin = {"X-API-Key": ADMIN_KEY}
        assert client.put("/queues/sales", json={"accept_timeout_s": 300},
                          headers=admin).status_code == 201
        agents: dict[str, dict[str, str]] = {"supervisor": admin}
        for name in ("Ana", "Ben"):
            agent_id = client.post("/agents", json={"display_name": name, "queues": ["sales"]},
                                   headers=admin).json()["id"]
            agents[agent_id] = token(client, agent_id, "agent")
            assert client.put(f"/agents/{agent_id}/state", json={"state": "available"},
                              headers=agents[agent_id]).status_code == 200
        integration = token(client, "pbx", "integration")
        contacts = [client.post("/contacts", json={"channel": "voice", "queue_id": "sales"},
                                headers=integration).json()["id"] for _ in range(6)]
        # Two handled before the crash; two more are offered (reserved) and two wait.
        completed = handle_offers(client, agents, contacts[:2])
        assert completed == 2
        service.crash()
        service.start()
        for _ in range(20):
            if completed == len(contacts):
                break
            completed += handle_offers(client, agents, contacts)
        assert completed == len(contacts)
    return contacts


def _completed(seen: list[Any]) -> int:
    return len({e.subject for e in seen if e.type == "contact.completed"})
