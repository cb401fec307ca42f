"""Peer side of bench/staffing.py: runs in its own venv (pyworkforce, mpmath), JSON in and out.

Reads {"task": ..., ...} on stdin and prints one JSON object:
  pyworkforce  required positions per cell with pyworkforce.queuing.ErlangC, and the time
  reference    mpmath (50 digits) Erlang C and Erlang A probabilities at given staffing
  erlang_a     time of mpmath's direct Erlang A evaluation per cell (the exact slow peer)
"""

from __future__ import annotations

import json
import sys
import time

import mpmath
from mpmath import mp, mpf

mp.dps = 50


def pyworkforce_plan(cells: list[dict[str, float]]) -> dict[str, object]:
    from pyworkforce.queuing import ErlangC

    start = time.perf_counter()
    answers = []
    for c in cells:
        # pyworkforce takes minutes and calls the threshold "asa".
        erlang = ErlangC(transactions=c["volume"], aht=c["aht_s"] / 60, asa=c["threshold_s"] / 60,
                         interval=c["interval_s"] / 60)
        answers.append(erlang.required_positions(service_level=c["target"])["raw_positions"])
    return {"positions": answers, "seconds": time.perf_counter() - start}


def erlang_b(n: int, a: mpf) -> mpf:
    # Poisson pmf over cdf through the regularized incomplete gamma: no recursion shared
    # with the code under test.
    pmf = mpmath.exp(n * mpmath.log(a) - a - mpmath.loggamma(n + 1))
    cdf = mpmath.gammainc(n + 1, a, mpmath.inf, regularized=True)
    return pmf / cdf


def erlang_c(n: int, a: mpf) -> mpf:
    b = erlang_b(n, a)
    return n * b / (n - a * (1 - b))


def erlang_a(n: int, a: mpf, aht: mpf, patience: mpf, t: mpf,
             with_level: bool = True) -> dict[str, float]:
    x, y = n * patience / aht, a * patience / aht
    b = erlang_b(n, a)
    weights, r, i = [], mpf(1), 0
    while True:
        weights.append(r)
        i += 1
        r = r * y / (x + i)
        if x + i > y and r < mpf(10) ** -30 * sum(weights):
            break
    pi_n = b / (1 - b + b * mpmath.fsum(weights))
    p = -mpmath.expm1(-t / patience)
    wait = pi_n * mpmath.fsum(weights)
    abandon = pi_n * mpmath.fsum(w * (k + 1) / (x + k + 1) for k, w in enumerate(weights))
    if not with_level:  # thousands of 50-digit incomplete betas at 100,000 Erlangs
        return {"p_wait": float(wait), "p_abandon": float(abandon)}
    within = (1 - wait) + pi_n * mpmath.fsum(
        w * x / (x + k + 1) * mpmath.betainc(k + 1, x + 1, 0, p, regularized=True)
        for k, w in enumerate(weights))
    return {"p_wait": float(wait), "p_abandon": float(abandon), "service_level": float(within)}


def reference(cells: list[dict[str, float]]) -> dict[str, object]:
    rows = []
    for c in cells:
        n, a = int(c["agents"]), mpf(c["load"])
        row: dict[str, float] = {}
        if n > a:
            wait = erlang_c(n, a)
            level = 1 - wait * mpmath.exp(-(n - a) * mpf(c["threshold_s"]) / mpf(c["aht_s"]))
            row.update(c_wait=float(wait), c_level=float(level))
        if c.get("patience_s"):
            start = time.perf_counter()
            figures = erlang_a(n, a, mpf(c["aht_s"]), mpf(c["patience_s"]), mpf(c["threshold_s"]),
                               with_level=not c.get("skip_level"))
            row.update({f"a_{k}": v for k, v in figures.items()})
            row["a_seconds"] = time.perf_counter() - start
        rows.append(row)
    return {"rows": rows}


def main() -> None:
    request = json.load(sys.stdin)
    task = request["task"]
    if task == "pyworkforce":
        print(json.dumps(pyworkforce_plan(request["cells"])))
    elif task == "reference":
        print(json.dumps(reference(request["cells"])))
    else:
        raise SystemExit(f"unknown task {task}")


if __name__ == "__main__":
    main()
