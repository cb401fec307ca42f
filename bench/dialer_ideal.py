"""How busy could agents be at all? An idealized pacer on the bench's day, for the 1.3x target.

It is given what no dialer has: every second it sets exactly how many answers (on average)
arrive in the second 3 s ahead, as if every call rang exactly 3 s and nobody hung up unheard,
and it knows every agent's free time. Answers then arrive at random (Poisson) within their
second, as people do; an answer waits up to the 2 s connect limit for an agent, else it is
abandoned. Talk times and wrap-up are the bench's (exponential, mean 180 s; 30 s). Its policy
plans a `gain` share of the agents expected spare beyond `buffer`; the sweep shows occupancy
against the abandon rate. The real pacer's calls ring 3-18 s at random and most are never
answered: its task is much harder. This is evidence, not a proof (a cleverer policy may do
better on the easy task): if this stays under 97.5% occupancy at 3% abandons, 1.3x
progressive's connects (progressive runs at ~75%) is out of reach with this carrier.

Usage: python bench/dialer_ideal.py [--quick]   (last line: one JSON object)
"""

from __future__ import annotations

import argparse
import heapq
import json
import math
import random
from collections import deque

LEAD_S = 3
AGENTS = 50
TALK_S, WRAP_S, CONNECT_S = 180.0, 30.0, 2.0


def day(buffer: float, gain: float, hours: float, seed: int = 7) -> tuple[float, float]:
    """(occupancy, abandon rate) of one idealized day keeping `buffer` agents spare."""
    rnd = random.Random(seed)
    end = int(hours * 3600)
    frees: list[float] = []
    waiting: deque[float] = deque()
    planned = [0.0] * (end + LEAD_S + 1)
    ready, busy_s, live, abandoned = AGENTS, 0.0, 0, 0

    def connect(at: float) -> None:
        nonlocal ready, busy_s, live
        handle = rnd.expovariate(1 / TALK_S) + WRAP_S
        busy_s += min(handle, end - at)
        live += 1
        heapq.heappush(frees, at + handle)

    for second in range(end):
        answers = [(second + rnd.random(), 0) for _ in range(_poisson(rnd, planned[second]))]
        while frees and frees[0] < second + 1:
            answers.append((heapq.heappop(frees), 1))
        for at, is_free in sorted(answers):
            while waiting and waiting[0] + CONNECT_S < at:
                waiting.popleft()
                live, abandoned = live + 1, abandoned + 1
            if is_free and waiting:
                waiting.popleft()
                connect(at)
            elif is_free:
                ready += 1
            elif ready:
                ready -= 1
                connect(at)
            else:
                waiting.append(at)
        ahead = second + LEAD_S
        free_by_then = sum(1 for at in frees if at < ahead + 1)
        spare = ready - len(waiting) + free_by_then - sum(planned[second + 1:ahead])
        planned[ahead] = gain * max(0.0, spare - buffer)
    return busy_s / (AGENTS * end), abandoned / max(live, 1)


def _poisson(rnd: random.Random, mean: float) -> int:
    count, term = 0, math.exp(-mean)
    total, draw = term, rnd.random()
    while draw > total:
        count += 1
        term *= mean / count
        total += term
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 h days")
    hours = 2.0 if parser.parse_args().quick else 8.0
    out = {}
    for gain in (0.3, 0.5, 1.0):
        for buffer in (1.0, 1.5, 2.0, 2.5):
            occupancy, rate = day(buffer, gain, hours)
            out[f"gain_{gain:g}_buffer_{buffer:g}"] = {"occupancy": round(occupancy, 4),
                                                       "abandon_rate": round(rate, 4)}
            print(f"gain {gain:g}, buffer {buffer:g}: occupancy {occupancy:.3f}, "
                  f"abandon rate {rate:.4f}", flush=True)
    best = max((f["occupancy"] for f in out.values() if f["abandon_rate"] <= 0.03), default=0)
    print(f"idealized pacer, best occupancy at <= 3% abandons: {best:.3f} (1.3x needs ~0.975)")
    print(json.dumps({"hours": hours, "lead_s": LEAD_S, "sweep": out,
                      "best_occupancy_at_3pct": best}))


if __name__ == "__main__":
    main()
