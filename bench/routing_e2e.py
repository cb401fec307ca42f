"""Benchmark: contact created over HTTP -> `contact.offered` seen by an outside Kafka consumer.

Routing runs as its own process on the local Kafka and PostgreSQL (or KAFKA_BOOTSTRAP_SERVERS
and DATABASE_URL). Agents are ready with enough e-mail capacity that every contact is offered
at once; contacts are created at a steady rate. Latency per contact: from the start of its
POST to the moment the observer receives its `contact.offered`. The baseline in the same run
is the HTTP round trip alone (the POST's own duration). Beside them: the routing process's CPU
time per contact and the machine's load, because on a shared machine a service that gets too
little CPU queues requests, and latency then says more about the machine than the code.

Usage: python bench/routing_e2e.py [--quick] [--rate N] [--seconds S]. Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
from _infra import infrastructure, progress

from ringway.shared import contracts  # noqa: F401 - registers the event types
from ringway.shared.bus.base import Delivery
from ringway.shared.bus.kafka import KafkaBus

ADMIN_KEY = "bench-admin-key-" + "x" * 24




def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def routing_process(bootstrap: str, url: str) -> Iterator[tuple[str, int]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RINGWAY_", "ROUTING_"))}
    env.update(KAFKA_BOOTSTRAP_SERVERS=bootstrap, DATABASE_URL=url, PORT=str(port),
               RINGWAY_AUTH_SECRET="s" * 48, RINGWAY_ADMIN_API_KEY=ADMIN_KEY,
               RINGWAY_LOG_LEVEL="WARNING", HOST="127.0.0.1")
    log = Path(f"/tmp/routing-bench-{port}.log").open("wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([sys.executable, "-m", "ringway.routing"], env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while not _up(base):
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("routing did not start")
            time.sleep(0.3)
        yield base, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def _up(base: str) -> bool:
    try:
        return httpx.get(f"{base}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


async def run(base: str, pid: int, bootstrap: str, rate: int,
              seconds: int) -> dict[str, float]:
    offered: dict[str, float] = {}

    async def observe(delivery: Delivery) -> None:
        envelope = delivery.envelope()
        if envelope.type == "contact.offered":
            offered.setdefault(envelope.subject, time.perf_counter())

    observer = KafkaBus(bootstrap, client_id="routing-bench-observer")
    await observer.start()
    await observer.subscribe(f"bench-{uuid.uuid4().hex[:8]}", ["contacts"], observe)
    admin = {"X-API-Key": ADMIN_KEY}
    total = rate * seconds
    async with httpx.AsyncClient(base_url=base, headers=admin, timeout=30) as http:
        await http.put("/queues/bench", json={"channels": ["email"], "accept_timeout_s": 3600})
        per_agent = 50
        for i in range(total // per_agent + 1):
            agent = (await http.post("/agents", json={
                "display_name": f"Agent {i}", "queues": ["bench"],
                "capacity": {"email": per_agent}})).json()["id"]
            await http.put(f"/agents/{agent}/state", json={"state": "available"})
        started: dict[str, float] = {}
        round_trips: list[float] = []

        async def create() -> None:
            begin = time.perf_counter()
            response = await http.post("/contacts", json={"channel": "email",
                                                          "queue_id": "bench"})
            round_trips.append(time.perf_counter() - begin)
            started[response.json()["id"]] = begin

        progress(f"creating {total:,} contacts at {rate}/s ...")
        tasks = []
        cpu_before = cpu_seconds(pid)
        origin = time.perf_counter()
        for n in range(total):
            await asyncio.sleep(max(0.0, origin + n / rate - time.perf_counter()))
            tasks.append(asyncio.create_task(create()))
        await asyncio.gather(*tasks)
        cpu_ms_per_contact = (cpu_seconds(pid) - cpu_before) * 1000 / total
        for _ in range(600):  # up to 60 s for the last offers to arrive
            if len(offered.keys() & started.keys()) >= total:
                break
            await asyncio.sleep(0.1)
    await observer.stop()
    latencies = sorted(offered[c] - started[c] for c in started if c in offered)
    trips = sorted(round_trips)
    return {"contacts": total, "seen": len(latencies),
            "p50_ms": statistics.median(latencies) * 1000,
            "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
            "http_p50_ms": statistics.median(trips) * 1000,
            "http_p99_ms": trips[int(len(trips) * 0.99) - 1] * 1000,
            "server_cpu_ms_per_contact": cpu_ms_per_contact,
            "load_avg_1m": os.getloadavg()[0], "cpus": float(os.cpu_count() or 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 s instead of 60 s")
    parser.add_argument("--rate", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    seconds = 20 if args.quick else args.seconds
    with infrastructure() as (bootstrap, url), routing_process(bootstrap, url) as (base, pid):
        result = asyncio.run(run(base, pid, bootstrap, args.rate, seconds))
    print(f"created -> contact.offered seen: p50 {result['p50_ms']:.1f} ms, "
          f"p99 {result['p99_ms']:.1f} ms ({result['seen']:,}/{result['contacts']:,} seen; "
          "target p99 < 100 ms)")
    print(f"HTTP round trip alone (baseline): p50 {result['http_p50_ms']:.1f} ms, "
          f"p99 {result['http_p99_ms']:.1f} ms; event path adds "
          f"{result['p50_ms'] / max(result['http_p50_ms'], 1e-9):.1f}x at p50")
    print(f"routing CPU: {result['server_cpu_ms_per_contact']:.1f} ms per contact "
          f"({result['server_cpu_ms_per_contact'] * args.rate / 10:.0f}% of one CPU at "
          f"{args.rate}/s); machine load {result['load_avg_1m']:.1f} on {result['cpus']:.0f} CPUs")
    print(json.dumps({"rate_per_s": args.rate, "seconds": seconds,
                      **{k: round(v, 2) for k, v in result.items()}}))


if __name__ == "__main__":
    main()
