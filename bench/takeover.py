"""Routing failover: time from kill -9 of the leader to the standby leading, per poll interval.

`python bench/takeover.py [--quick]`. A child process holds the leader lock on a real local
PostgreSQL; the standby (this process) polls; the child is killed with SIGKILL and the time
until the standby holds the lock is measured. The baseline is the poll interval itself: a
takeover can never beat it on average (half of it), so the ratio shows the overhead on top.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import signal
import statistics
import sys
import time

from ringway.shared.leader import LeaderElector

CHILD = """
import asyncio, logging, sys
logging.disable(logging.WARNING)
from ringway.shared.leader import LeaderElector
async def noop(): pass
async def main():
    e = LeaderElector(sys.argv[1], "bench", on_elected=noop, on_demoted=noop, interval_s=0.5)
    await e.start()
    print("leader" if e.is_leader else "standby", flush=True)
    await asyncio.sleep(3600)
asyncio.run(main())
"""


async def _noop() -> None:
    pass


async def one_takeover(url: str, interval_s: float, phase: float) -> float:
    """Seconds from SIGKILL of the leader to this process leading."""
    child = await asyncio.create_subprocess_exec(sys.executable, "-c", CHILD, url,
                                                 stdout=asyncio.subprocess.PIPE)
    assert child.stdout is not None
    assert (await child.stdout.readline()).decode().strip() == "leader"
    elected = asyncio.Event()

    async def on_elected() -> None:
        elected.set()

    standby = LeaderElector(url, "bench", on_elected=on_elected, on_demoted=_noop,
                            interval_s=interval_s)
    await standby.start()
    await asyncio.sleep(interval_s * (1 + phase))  # kill at a random point of the poll cycle
    child.send_signal(signal.SIGKILL)
    await child.wait()
    killed = time.perf_counter()
    await elected.wait()
    took = time.perf_counter() - killed
    await standby.stop()
    return took


async def measure(url: str, intervals: list[float], rounds: int) -> dict[str, float]:
    figures: dict[str, float] = {}
    rng = random.Random(7)
    for interval in intervals:
        samples = [await one_takeover(url, interval, rng.random()) for _ in range(rounds)]
        median, worst = statistics.median(samples), max(samples)
        print(f"interval {interval:>4} s: takeover median {median * 1000:7.0f} ms, "
              f"max {worst * 1000:7.0f} ms, median/interval {median / interval:4.2f}, "
              f"max/interval {worst / interval:4.2f}  ({rounds} kills)")
        key = f"interval_{interval:g}s".replace(".", "_")
        figures[f"{key}_takeover_median_ms"] = round(median * 1000, 1)
        figures[f"{key}_takeover_max_ms"] = round(worst * 1000, 1)
        figures[f"{key}_max_over_interval_ratio"] = round(worst / interval, 3)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer kills (under a minute)")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # the elector logs every election; the figures suffice
    from ringway.shared.testing.postgres import LocalPostgres

    with LocalPostgres() as pg:
        url = pg.create_database("bench_takeover")
        rounds = 5 if args.quick else 20
        print(json.dumps(asyncio.run(measure(url, [0.5, 2.0], rounds))))


if __name__ == "__main__":
    main()
