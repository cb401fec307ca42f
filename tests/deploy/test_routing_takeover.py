"""Two routing processes on one PostgreSQL and Kafka: kill -9 the leader, the standby takes
over, and no waiting contact is lost."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka.admin import AIOKafkaAdminClient

from ringway.shared.testing.kafka import LocalKafka
from tests.conftest import unique

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]
ADMIN_KEY = "takeover-admin-key-" + "x" * 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Routing:
    """One routing process and its log."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.env = env
        self.proc = subprocess.Popen([sys.executable, "-m", "ringway.routing"],
                                     env={**env, "PORT": str(self.port)},
                                     stdout=log.open("wb"), stderr=subprocess.STDOUT)

    def checks(self) -> dict[str, Any]:
        try:
            body = httpx.get(f"{self.url}/readyz", timeout=2).json()
        except httpx.HTTPError:
            return {}
        return dict(body.get("checks", {}))

    def wait_role(self, role: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while self.checks().get(role) is not True:
            assert self.proc.poll() is None, self.log.read_text()[-3000:]
            assert time.monotonic() < deadline, f"not {role}: {self.checks()}"
            time.sleep(0.2)


@contextmanager
def routing_pair(kafka: LocalKafka, pg_url: str, tmp_path: Path) -> Iterator[list[Routing]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RINGWAY_", "ROUTING_"))}
    # Own topics and groups: other tests on the session broker must not leak in.
    env.update(KAFKA_BOOTSTRAP_SERVERS=kafka.bootstrap_servers, DATABASE_URL=pg_url,
               KAFKA_NAMESPACE=unique("ns") + ".",
               RINGWAY_AUTH_SECRET="s" * 48, RINGWAY_ADMIN_API_KEY=ADMIN_KEY,
               RINGWAY_LOG_LEVEL="WARNING", HOST="127.0.0.1",
               ROUTING_LEADER_ELECTION="true", ROUTING_LEADER_ELECTION_INTERVAL_S="0.5")
    first = Routing(env, tmp_path / "first.log")
    first.wait_role("leader")  # the first one up leads; start the second only then
    second = Routing(env, tmp_path / "second.log")
    try:
        second.wait_role("standby")
        yield [first, second]
    finally:
        for routing in (first, second):
            if routing.proc.poll() is None:
                routing.proc.kill()
                routing.proc.wait()


def group_members(bootstrap: str, group: str) -> int:
    async def describe() -> int:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
        await admin.start()
        try:
            response = (await admin.describe_consumer_groups([group]))[0]
            return len(response.groups[0][5])
        finally:
            await admin.close()
    return asyncio.run(describe())


def wait_for_members(bootstrap: str, group: str) -> int:
    deadline = time.monotonic() + 30
    while (members := group_members(bootstrap, group)) == 0:
        assert time.monotonic() < deadline, "the leader never joined its consumer group"
        time.sleep(0.3)
    return members


def test_standby_takes_over_after_kill_9_and_no_waiting_contact_is_lost(
    kafka: LocalKafka, pg_url: str, tmp_path: Path,
) -> None:
    headers = {"X-API-Key": ADMIN_KEY}
    contact = {"channel": "voice", "queue_id": "support-en", "reason": "billing"}
    with routing_pair(kafka, pg_url, tmp_path) as (leader, standby), \
            httpx.Client(headers=headers, timeout=10) as http:
        waiting = [http.post(f"{leader.url}/contacts", json=contact).json()["id"]
                   for _ in range(4)]
        # The standby holds no matching state: it refuses commands until it leads.
        refused = http.post(f"{standby.url}/contacts", json=contact)
        assert refused.status_code == 503, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        # Only the leader consumes: the routing group has one member, never two.
        group = leader.env["KAFKA_NAMESPACE"] + "routing"
        members = wait_for_members(kafka.bootstrap_servers, group)
        time.sleep(1.5)  # three standby polls later, still one
        assert members == group_members(kafka.bootstrap_servers, group) == 1

        leader.proc.send_signal(signal.SIGKILL)
        leader.proc.wait()
        standby.wait_role("leader", timeout=30)

        for contact_id in waiting:
            served = http.get(f"{standby.url}/contacts/{contact_id}")
            assert served.status_code == 200, served.text
            assert served.json()["status"] == "queued"
        assert http.post(f"{standby.url}/contacts", json=contact).status_code == 201

        standby.proc.send_signal(signal.SIGTERM)
        assert standby.proc.wait(timeout=30) in (0, -15)
    assert "Traceback" not in standby.log.read_text(), standby.log.read_text()[-3000:]
