"""An open-loop HTTP/1.1 load generator on raw asyncio streams (for bench/selfservice.py).

httpx costs the generating process milliseconds of CPU per request: at 200 requests/s on a
small machine that is the generator's own limit, and its queueing shows up as the server's
latency. Here a request is prebuilt bytes and a response is a status line, headers and a
Content-Length body: tens of microseconds each.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable

Streams = tuple[asyncio.StreamReader, asyncio.StreamWriter]
# uvicorn closes a keep-alive connection idle for 5 s: one reused just then fails although the
# server did nothing wrong (an IncompleteReadError here). Reuse only connections idle less.
REUSE_IDLE_S = 4.0


async def _status(reader: asyncio.StreamReader) -> int:
    """Read one response; return its status code."""
    status = int((await reader.readuntil(b"\r\n")).split(b" ", 2)[1])
    length = 0
    while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


def _reusable(idle: list[tuple[Streams, float]]) -> Streams | None:
    """The most recently used idle connection the server still keeps; older ones closed."""
    while idle:
        streams, since = idle.pop()
        if time.perf_counter() - since < REUSE_IDLE_S:
            return streams
        streams[1].close()
    return None


async def fixed_rate(host: str, port: int, request: Callable[[int], bytes], seconds: float, *,
                     rate: float, max_in_flight: int, timeout_s: float = 10.0
                     ) -> dict[str, float]:
    """Send `request(n)` on schedule (rate per second) whether or not earlier ones returned."""
    idle: list[tuple[Streams, float]] = []  # keep-alive connections, and since when
    latencies: list[float] = []
    counts = {"errors": 0, "in_flight": 0}
    outcomes: dict[str, int] = {}  # status code or exception name -> how many, to say what failed

    async def one(n: int) -> None:
        counts["in_flight"] += 1
        start = time.perf_counter()
        streams: Streams | None = None
        try:
            streams = _reusable(idle) or await asyncio.open_connection(host, port)
            streams[1].write(request(n))
            status = await asyncio.wait_for(_status(streams[0]), timeout_s)
            idle.append((streams, time.perf_counter()))
            counts["errors"] += status >= 400
            outcomes[str(status)] = outcomes.get(str(status), 0) + 1
        except (OSError, TimeoutError, ValueError, IndexError, asyncio.IncompleteReadError,
                asyncio.LimitOverrunError) as exc:
            counts["errors"] += 1
            outcomes[type(exc).__name__] = outcomes.get(type(exc).__name__, 0) + 1
            if streams is not None:
                streams[1].close()
        finally:
            counts["in_flight"] -= 1
            latencies.append(time.perf_counter() - start)

    begin = time.perf_counter()
    tasks, missed = [], 0
    for n in range(int(seconds * rate)):
        await asyncio.sleep(max(0.0, begin + n / rate - time.perf_counter()))
        if counts["in_flight"] >= max_in_flight:
            missed += 1  # counted as an error: the request could not leave on time
            continue
        tasks.append(asyncio.create_task(one(n)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - begin
    for (_, writer), _since in idle:
        writer.close()
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0
    return {"rps": len(latencies) / elapsed, "p50_ms": statistics.median(ordered) * 1000,
            "p99_ms": p99 * 1000, "errors": counts["errors"] + missed,
            "requests": len(latencies), "missed": missed, "outcomes": outcomes}
