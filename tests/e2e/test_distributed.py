"""Distributed mode end to end: four service processes on real Kafka and PostgreSQL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from ringway.shared.testing.kafka import LocalKafka
from tests.conftest import unique

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

SERVICES = {"routing": "ringway.routing", "dialer": "ringway.dialer",
            "selfservice": "ringway.selfservice", "metrics": "ringway.metrics"}
ADMIN_KEY = "e2e-admin-key-" + "x" * 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def cluster(kafka: LocalKafka, pg_url: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    """Start each service as its own process; yield their base URLs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RINGWAY_", "ROUTING_"))}
    # Own topics and groups: other tests on the session broker must not leak in.
    env.update(KAFKA_BOOTSTRAP_SERVERS=kafka.bootstrap_servers, DATABASE_URL=pg_url,
               KAFKA_NAMESPACE=unique("ns") + ".",
               RINGWAY_AUTH_SECRET="s" * 48, RINGWAY_ADMIN_API_KEY=ADMIN_KEY,
               RINGWAY_LOG_LEVEL="WARNING", HOST="127.0.0.1")
    procs: dict[str, subprocess.Popen[bytes]] = {}
    urls: dict[str, str] = {}
    try:
        for name, module in SERVICES.items():
            port = free_port()
            log = (tmp_path / f"{name}.log").open("wb")
            procs[name] = subprocess.Popen([sys.executable, "-m", module],
                                           env={**env, "PORT": str(port)},
                                           stdout=log, stderr=subprocess.STDOUT)
            urls[name] = f"http://127.0.0.1:{port}"
        for name, url in urls.items():
            wait_ready(name, url, procs[name], tmp_path / f"{name}.log")
        yield urls
    finally:
        for proc in procs.values():
            proc.terminate()
        for name, proc in procs.items():
            # uvicorn shuts down gracefully, then re-raises SIGTERM: -15 is a clean stop.
            assert proc.wait(timeout=30) in (0, -15), f"{name} did not stop on SIGTERM"
            log_text = (tmp_path / f"{name}.log").read_text()
            assert "Traceback" not in log_text, f"{name}:\n{log_text[-3000:]}"


def wait_ready(name: str, url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"{name} exited:\n{log.read_text()[-3000:]}"
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{name} not ready:\n{log.read_text()[-3000:]}")


def eventually(fetch: Callable[[], Any], check: Callable[[Any], bool], what: str) -> Any:
    deadline = time.monotonic() + 60
    while True:
        value = fetch()
        if check(value):
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}: {value}"
        time.sleep(0.3)


def test_events_flow_between_the_four_services(cluster: dict[str, str]) -> None:
    admin = {"X-API-Key": ADMIN_KEY}
    with httpx.Client(headers=admin, timeout=10) as http:
        campaign = http.post(f"{cluster['dialer']}/campaigns", json={
            "name": "Welcome", "purpose": "welcome", "dialing_mode": "progressive",
            "queue_id": "outbound-welcome",
            "enrol_on": ["customer.registered"]}).json()
        assert http.post(f"{cluster['dialer']}/campaigns/{campaign['id']}/start").status_code == 200

        customer = http.post(f"{cluster['selfservice']}/customers", json={
            "email": "ana@example.com", "password": "correct horse battery", "display_name": "Ana",
            "phone": "(415) 555-0100", "country": "US", "language": "en"})
        assert customer.status_code == 201, customer.text
        customer_id = customer.json()["id"]

        # selfservice -> Kafka -> dialer: the welcome campaign enrols the new customer.
        page = eventually(lambda: http.get(
            f"{cluster['dialer']}/campaigns/{campaign['id']}/contacts").json(),
            lambda p: p["total"] == 1, "welcome enrolment")
        assert page["items"][0]["customer_id"] == customer_id
        assert page["items"][0]["phone"] == "+14155550100"

        # routing -> Kafka -> selfservice (history) and metrics (offered).
        contact = http.post(f"{cluster['routing']}/contacts", json={
            "channel": "chat", "queue_id": "support-en", "reason": "billing",
            "customer_id": customer_id}).json()
        history = eventually(lambda: http.get(
            f"{cluster['selfservice']}/customers/{customer_id}/contacts").json(),
            lambda h: len(h) == 1, "contact history")
        assert history[0]["contact_id"] == contact["id"]

        now = datetime.now(UTC)
        window = {"start": (now - timedelta(hours=1)).isoformat(),
                  "end": (now + timedelta(hours=1)).isoformat()}
        report = eventually(lambda: http.get(f"{cluster['metrics']}/kpis/intervals",
                                             params={**window, "queue_id": "support-en"}).json(),
                            lambda r: sum(i["offered"] for i in r["items"]) == 1, "offered")
        assert report["items"][0]["channel"] == "chat"
        actions = http.get(f"{cluster['metrics']}/kpis/selfservice", params=window).json()
        assert {(i["action"], i["outcome"]) for i in actions["items"]} == {
            ("register", "succeeded")}
