"""Benchmark: self-service account read and payment on PostgreSQL, against a bare endpoint.

One uvicorn worker serves, in one process, the self-service app on PostgreSQL and a bare
FastAPI app whose only route returns a constant (the baseline). The load generators run in
other processes than the server:
  throughput  closed loop, CONCURRENCY connections with keep-alive: requests/s, p50/p99 per
              endpoint, by `wrk` (C, one thread; `apt-get install wrk`) when installed, else by
              this process with httpx (slower: it then limits the bare figure, so the ratios
              are understated)
  fixed rate  open loop at 200 requests/s from this process on raw asyncio streams
              (bench/_openloop.py; httpx would be the limit): p50/p99 of account read and payment
  CPU         server and PostgreSQL CPU per request in each closed-loop stage (from /proc), and
              the ratios they imply with the CPU to oneself: unlike requests/s, they hold on a
              machine that other work loads
A payment is a real one: Idempotency-Key, card-data scan, claim, reserve under the customer's
lock, simulated provider, settle with ledger, audit and outbox rows; an account read writes
its audit row and the customer's `account_viewed` event. On PostgreSQL both take the
service's group-committed hot paths (services/selfservice/README.md); the bare endpoint is a
plain FastAPI app in the same uvicorn worker, untouched. Targets (issue #5):
account >= 40 % of bare throughput, payment >= 15 %, p99 < 50 ms at 200 req/s.

Usage: python bench/selfservice.py [--quick]. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import _openloop
import httpx

SECRET = "bench-selfservice-signing-secret-0123456789"
CONCURRENCY = 32
FIXED_RATE = 200.0
# Open loop, but never more than this in flight: requests that cannot leave are counted missed.
MAX_IN_FLIGHT = 200
Call = Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]]


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def serve(url: str, port: int, data_dir: str) -> None:
    """The server process: self-service plus the bare baseline in one uvicorn worker."""
    import uvicorn
    from fastapi import FastAPI

    from ringway.selfservice.app import create_app
    from ringway.selfservice.settings import SelfServiceSettings
    from ringway.shared.bus.inprocess import InProcessBus
    from ringway.shared.web.auth import Authenticator

    settings = SelfServiceSettings(database_url=url, data_dir=Path(data_dir),
                                   password_memory_kib=1024, password_time_cost=1)
    service = create_app(settings, InProcessBus(), Authenticator(SECRET), owns_bus=True)
    bare = FastAPI()

    @bare.get("/bare")
    async def constant() -> dict[str, bool]:
        return {"ok": True}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        target = bare if scope["type"] == "http" and scope["path"] == "/bare" else service
        await target(scope, receive, send)

    uvicorn.run(app, host="127.0.0.1", port=port, workers=1, log_level="warning",
                access_log=False)


@contextlib.contextmanager
def database() -> Iterator[tuple[str, int | None]]:
    """A database URL, and the postmaster's pid when the server is ours to measure."""
    url = os.environ.get("DATABASE_URL")
    if url:
        yield url, None
        return
    from ringway.shared.testing.postgres import LocalPostgres

    progress("starting local PostgreSQL ...")
    with LocalPostgres() as pg:
        url = pg.create_database(f"bench_{uuid.uuid4().hex[:8]}")
        yield url, int((pg.data_dir / "postmaster.pid").read_text().split()[0])


class CpuMeter:
    """CPU seconds used by the server process and by PostgreSQL (postmaster and children).

    Throughput on a machine others load says little; CPU per request does not depend on how
    much of the CPU the other work left us.
    """

    def __init__(self, server_pid: int, postmaster_pid: int | None) -> None:
        self.server_pid, self.postmaster_pid = server_pid, postmaster_pid
        self.tick = os.sysconf("SC_CLK_TCK")

    def _stat(self, pid: int) -> list[str]:
        try:  # fields after the command name: state, ppid, ..., utime (11), stime (12)
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return []

    def _cpu(self, fields: list[str]) -> float:
        return (int(fields[11]) + int(fields[12])) / self.tick if fields else 0.0

    def sample(self) -> dict[int, float]:
        """CPU seconds so far by pid: the server as 0, PostgreSQL's processes by their pid."""
        found = {0: self._cpu(self._stat(self.server_pid))}
        if self.postmaster_pid is not None:
            found[self.postmaster_pid] = self._cpu(self._stat(self.postmaster_pid))
            for entry in Path("/proc").iterdir():
                fields = self._stat(int(entry.name)) if entry.name.isdigit() else []
                if fields and int(fields[1]) == self.postmaster_pid:
                    found[int(entry.name)] = self._cpu(fields)
        return found

    @staticmethod
    def used(before: dict[int, float], after: dict[int, float]) -> tuple[float, float]:
        """(server, database) CPU seconds between two samples (backends that left: uncounted)."""
        deltas = {pid: cpu - before.get(pid, 0.0) for pid, cpu in after.items()}
        return deltas[0], sum(d for pid, d in deltas.items() if pid != 0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def server(url: str, tmp: Path) -> Iterator[tuple[str, int]]:
    port = free_port()
    process = subprocess.Popen([sys.executable, __file__, "--serve", url, str(port), str(tmp)])
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            time.sleep(0.2)
        else:
            raise RuntimeError("the server did not become ready")
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()  # still draining an overload backlog; nothing left to measure
            process.wait()


def tokens() -> tuple[Any, dict[str, str]]:
    from ringway.shared.web.auth import Authenticator, Role

    auth = Authenticator(SECRET)
    scoped = auth.mint("bench", {Role.INTEGRATION}, scopes={"billing:write"})
    return auth, {"Authorization": f"Bearer {scoped}"}


async def seed(client: httpx.AsyncClient, count: int) -> list[tuple[str, dict[str, str]]]:
    """Customers who each owe a lot, and their bearer tokens."""
    from ringway.shared.web.auth import Role

    auth, billing = tokens()
    front = {"Authorization": f"Bearer {auth.mint('web', {Role.INTEGRATION})}"}
    customers = []
    for i in range(count):
        created = await client.post("/customers", headers=front, json={
            "email": f"c{i}@example.com", "password": "correct horse battery",
            "display_name": f"C{i}", "country": "US", "language": "en"})
        customer = created.json()["id"]
        await client.post(f"/customers/{customer}/invoices", headers=billing,
                          json={"amount_cents": 900_000_000, "description": "bench"})
        token = auth.mint(f"ses_{i}", {Role.CUSTOMER}, customer_id=customer)
        customers.append((customer, {"Authorization": f"Bearer {token}"}))
    return customers


def calls(customers: list[tuple[str, dict[str, str]]]) -> dict[str, Call]:
    keys = itertools.count()

    async def bare(client: httpx.AsyncClient, n: int) -> httpx.Response:
        return await client.get("/bare")

    async def account(client: httpx.AsyncClient, n: int) -> httpx.Response:
        customer, headers = customers[n % len(customers)]
        return await client.get(f"/customers/{customer}/account", headers=headers)

    async def payment(client: httpx.AsyncClient, n: int) -> httpx.Response:
        customer, headers = customers[n % len(customers)]
        return await client.post(
            f"/customers/{customer}/payments",
            json={"payment_method_token": "pm_visa_4242", "amount_cents": 1},
            headers={**headers, "Idempotency-Key": f"bench-{next(keys)}"})

    return {"bare": bare, "account": account, "payment": payment}


async def timed(client: httpx.AsyncClient, call: Call, n: int) -> tuple[float, bool]:
    """Seconds taken and whether it failed (a 4xx/5xx or no answer in time)."""
    start = time.perf_counter()
    try:
        failed = (await call(client, n)).status_code >= 400
    except httpx.HTTPError:
        failed = True
    return time.perf_counter() - start, failed


def summary(latencies: list[float], elapsed: float, errors: int) -> dict[str, float]:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0
    return {"rps": len(latencies) / elapsed, "p50_ms": statistics.median(ordered) * 1000,
            "p99_ms": p99 * 1000, "errors": errors, "requests": len(latencies)}


async def closed_loop(client: httpx.AsyncClient, call: Call, seconds: float) -> dict[str, float]:
    latencies: list[float] = []
    errors = [0]
    counter = itertools.count()
    stop = time.perf_counter() + seconds

    async def worker() -> None:
        while time.perf_counter() < stop:
            seconds_taken, failed = await timed(client, call, next(counter))
            latencies.append(seconds_taken)
            errors[0] += failed

    begin = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return summary(latencies, time.perf_counter() - begin, errors[0])


def raw_requests(customers: list[tuple[str, dict[str, str]]]) -> dict[str, Callable[[int], bytes]]:
    """Prebuilt HTTP/1.1 requests for the open-loop stages (a fresh Idempotency-Key each)."""
    prefix = f"open-{uuid.uuid4().hex[:8]}-"
    body = b'{"payment_method_token":"pm_visa_4242","amount_cents":1}'

    def account(n: int) -> bytes:
        customer, headers = customers[n % len(customers)]
        return (f"GET /customers/{customer}/account HTTP/1.1\r\nHost: bench\r\n"
                f"Authorization: {headers['Authorization']}\r\n\r\n").encode()

    def payment(n: int) -> bytes:
        customer, headers = customers[n % len(customers)]
        return (f"POST /customers/{customer}/payments HTTP/1.1\r\nHost: bench\r\n"
                f"Authorization: {headers['Authorization']}\r\nIdempotency-Key: {prefix}{n}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
                ).encode() + body

    return {"account": account, "payment": payment}


# One wrk thread; request() picks the customer and a fresh Idempotency-Key per request.
WRK_SCRIPT = """
local customers = {@CUSTOMERS@}
local stage, prefix = "@STAGE@", "@PREFIX@"
local body = '{"payment_method_token":"pm_visa_4242","amount_cents":1}'
local n = 0
request = function()
  n = n + 1
  if stage == "bare" then return wrk.format("GET", "/bare") end
  local c = customers[(n % #customers) + 1]
  local headers = {["Authorization"] = c[2]}
  if stage == "account" then
    return wrk.format("GET", "/customers/" .. c[1] .. "/account", headers)
  end
  headers["Content-Type"] = "application/json"
  headers["Idempotency-Key"] = prefix .. n
  return wrk.format("POST", "/customers/" .. c[1] .. "/payments", headers, body)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,' ..
    '"errors":%d}\\n', summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def wrk_stage(base: str, stage: str, customers: list[tuple[str, dict[str, str]]],
              seconds: float) -> dict[str, float]:
    """Closed loop by wrk in its own process: CONCURRENCY keep-alive connections, one thread."""
    listed = ", ".join(f'{{"{c}", "{h["Authorization"]}"}}' for c, h in customers)
    script = (WRK_SCRIPT.replace("@CUSTOMERS@", listed).replace("@STAGE@", stage)
              .replace("@PREFIX@", f"wrk-{stage}-{uuid.uuid4().hex[:8]}-"))
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        lua.write(script)
        lua.flush()
        out = subprocess.run(["wrk", "-t1", f"-c{CONCURRENCY}", f"-d{max(1, round(seconds))}s",
                              "--timeout", "10s", "-s", lua.name, base],
                             capture_output=True, text=True, check=True).stdout
    r = json.loads(next(line for line in out.splitlines() if line.startswith("WRK "))[4:])
    return {"rps": r["requests"] / (r["duration_us"] / 1e6), "p50_ms": r["p50_us"] / 1000,
            "p99_ms": r["p99_us"] / 1000, "errors": r["errors"], "requests": r["requests"]}


async def throughput(client: httpx.AsyncClient, generator: str, name: str, call: Call,
                     customers: list[tuple[str, dict[str, str]]],
                     seconds: float) -> dict[str, float]:
    """One closed-loop stage with the chosen load generator."""
    if generator == "wrk":
        return await asyncio.to_thread(wrk_stage, str(client.base_url).rstrip("/"), name,
                                       customers, seconds)
    return await closed_loop(client, call, seconds)


async def measure(base: str, seconds: float, customers: int, generator: str,
                  meter: CpuMeter) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=CONCURRENCY * 8, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=10) as client:
        progress(f"seeding {customers} customers ...")
        seeded = await seed(client, customers)
        endpoints = calls(seeded)
        for name, call in endpoints.items():  # warm up connections, caches, plans
            await throughput(client, generator, name, call, seeded, 1.0)
        results: dict[str, Any] = {}
        for name, call in endpoints.items():
            progress(f"closed loop ({generator}): {name} for {seconds:.0f} s ...")
            before = meter.sample()
            results[name] = await throughput(client, generator, name, call, seeded, seconds)
            used = meter.used(before, meter.sample())
            count = max(1, results[name]["requests"])
            results[name]["server_cpu_ms"] = used[0] * 1000 / count
            results[name]["db_cpu_ms"] = used[1] * 1000 / count
        raw, port = raw_requests(seeded), int(base.rsplit(":", 1)[1])
        for name in ("account", "payment"):
            progress(f"fixed rate {FIXED_RATE:.0f}/s: {name} for {seconds:.0f} s ...")
            results[f"{name}@200"] = await _openloop.fixed_rate(
                "127.0.0.1", port, raw[name], seconds, rate=FIXED_RATE,
                max_in_flight=MAX_IN_FLIGHT)
            # Requests that could not leave (MAX_IN_FLIGHT already waiting) count as errors:
            # a stall shows up here, not as error responses.
            progress(f"  responses: {results[f'{name}@200']['outcomes']}, not sent (in-flight "
                     f"cap): {results[f'{name}@200']['missed']}")
    return results


def cpu_ms(r: dict[str, Any]) -> float:
    """Server plus database CPU per request."""
    return float(r["server_cpu_ms"] + r["db_cpu_ms"])


def report(results: dict[str, Any], generator: str) -> dict[str, Any]:
    bare = results["bare"]["rps"]
    print(f"{'stage':<14}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}{'vs bare':>9}"
          f"{'srv cpu ms':>11}{'db cpu ms':>10}")
    for name, r in results.items():
        ratio = f"{r['rps'] / bare:8.0%}" if "@" not in name else "       -"
        cpu = (f"{r['server_cpu_ms']:>11.2f}{r['db_cpu_ms']:>10.2f}" if "@" not in name
               else "")
        print(f"{name:<14}{r['rps']:>10.0f}{r['p50_ms']:>10.1f}{r['p99_ms']:>10.1f}"
              f"{r['errors']:>8.0f} {ratio}{cpu}")
    by_cpu = {name: cpu_ms(results["bare"]) / cpu_ms(results[name])
              for name in ("account", "payment")}
    return {
        "load_generator": generator,
        "concurrency_count": CONCURRENCY,
        "bare_rps": round(bare, 1),
        "account_rps": round(results["account"]["rps"], 1),
        "payment_rps": round(results["payment"]["rps"], 1),
        "account_to_bare_ratio": round(results["account"]["rps"] / bare, 3),
        "payment_to_bare_ratio": round(results["payment"]["rps"] / bare, 3),
        # What the ratios would be if each endpoint had the CPU to itself (server + database).
        "account_to_bare_ratio_by_cpu": round(by_cpu["account"], 3),
        "payment_to_bare_ratio_by_cpu": round(by_cpu["payment"], 3),
        **{f"{name}_{part}_cpu_ms_per_request": round(results[name][f"{part}_cpu_ms"], 3)
           for name in ("bare", "account", "payment") for part in ("server", "db")},
        "account_p99_ms_at_200_rps": round(results["account@200"]["p99_ms"], 1),
        "payment_p99_ms_at_200_rps": round(results["payment@200"]["p99_ms"], 1),
        "account_p50_ms_at_200_rps": round(results["account@200"]["p50_ms"], 1),
        "payment_p50_ms_at_200_rps": round(results["payment@200"]["p50_ms"], 1),
        "account_missed_at_200_rps_count": results["account@200"]["missed"],
        "payment_missed_at_200_rps_count": results["payment@200"]["missed"],
        "errors_count": sum(r["errors"] for r in results.values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="2 s per stage, 20 customers (under a minute)")
    parser.add_argument("--httpx", action="store_true",
                        help="closed loop from this process with httpx even if wrk is installed")
    parser.add_argument("--serve", nargs=3, metavar=("URL", "PORT", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]), args.serve[2])
        return
    generator = "wrk" if shutil.which("wrk") and not args.httpx else "httpx"
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the server and database stop
    # Other work on the machine skews every figure: the load average is part of the result.
    load_before = os.getloadavg()[0]
    with database() as (url, postmaster), tempfile.TemporaryDirectory() as tmp, \
            server(url, Path(tmp)) as (base, pid):
        results = asyncio.run(measure(base, 2.0 if args.quick else 15.0,
                                      20 if args.quick else 100, generator,
                                      CpuMeter(pid, postmaster)))
        figures = report(results, generator)
        figures.update(cpu_count=os.cpu_count(), load_avg_1m_before=round(load_before, 2),
                       load_avg_1m_after=round(os.getloadavg()[0], 2))
        print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
