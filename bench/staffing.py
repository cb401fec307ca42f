"""Benchmark: Erlang C / Erlang A staffing plans against pyworkforce and an mpmath reference.

A plan is 96 intervals x 100 queues (loads up to 1,000 Erlangs), target 80 % in 20 s.
  erlang_c    Ringway's vectorised plan vs pyworkforce's ErlangC on the same cells (time and
              agent counts), and a naive textbook formula (A^n/n!) that overflows
  erlang_a    Ringway's whole plan with patience (all cells, vectorised); the exact peer
              (mpmath, 50 digits; pyworkforce has no Erlang A) is timed on
              a sample of cells and extrapolated, as a full run would take hours
  accuracy    every probability at the chosen staffing vs mpmath, on a sample and at 100,000 Erlangs

The peers run in the benchmark's own venv (~/.cache/ringway/bench-staffing, pinned below), made on
first use. Usage: python bench/staffing.py [--quick]. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from ringway.metrics.domain.erlang import erlang_a_figures, erlang_c_figures
from ringway.metrics.domain.erlang_a_plan import CellsA, FiguresA, figures_a
from ringway.metrics.domain.erlang_plan import required_positions_c
from ringway.metrics.domain.staffing import Targets, Workload, plan, required_erlang_a

PEERS = ["pyworkforce==0.5.1", "mpmath==1.4.1"]
PEER_VENV = Path.home() / ".cache" / "ringway" / "bench-staffing"
WORKER = Path(__file__).with_name("staffing_peer.py")
INTERVALS, QUEUES, INTERVAL_S = 96, 100, 900.0
TARGETS = Targets(service_level=0.8, threshold_s=20.0)


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def peer_python() -> Path:
    """The peer venv's python, created with the pinned peers on first use."""
    python = PEER_VENV / "bin" / "python"
    stamp = PEER_VENV / ".stamp"
    wanted = hashlib.sha256(" ".join(PEERS).encode()).hexdigest()
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    progress(f"creating {PEER_VENV} with {', '.join(PEERS)} ...")
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(PEER_VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                    *PEERS], check=True)
    stamp.write_text(wanted)
    return python


def peer(task: str, cells: list[dict[str, float]]) -> dict[str, Any]:
    """Run one task in the peer venv."""
    done = subprocess.run([str(peer_python()), str(WORKER)], check=True, capture_output=True,
                          input=json.dumps({"task": task, "cells": cells}), text=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def plan_cells() -> list[dict[str, float]]:
    """96 x 100 cells: an intraday curve per queue, peaks from 10 to 1,000 Erlangs."""
    cells = []
    for q in range(QUEUES):
        peak, aht = 10.0 * (q + 1), 120.0 + (q * 37) % 480
        for i in range(INTERVALS):
            shape = 0.05 + 0.95 * math.sin(math.pi * i / INTERVALS) ** 2
            load = peak * shape
            cells.append({"volume": load * INTERVAL_S / aht, "aht_s": aht, "load": load,
                          "interval_s": INTERVAL_S, "threshold_s": 20.0, "target": 0.8,
                          "patience_s": 60.0 + (q * 13) % 240})
    return cells


def best_of(runs: int, work: Any) -> tuple[float, Any]:
    best, result = math.inf, None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result


def ours_c(cells: list[dict[str, float]]) -> tuple[float, list[int]]:
    # The load a cell gets is volume x AHT / interval, as pyworkforce computes it.
    load = np.array([c["volume"] / c["interval_s"] * c["aht_s"] for c in cells])
    aht = np.array([c["aht_s"] for c in cells])
    m = load.size
    seconds, got = best_of(3, lambda: required_positions_c(
        load, aht, np.full(m, 20.0), np.full(m, 0.8), np.full(m, np.inf), np.ones(m)))
    return seconds, got.tolist()


def naive_erlang_c(n: int, a: float) -> float:
    """The textbook formula with factorials: what overflows past ~170 agents."""
    top = a ** n / math.factorial(n) * n / (n - a)
    return top / (sum(a ** k / math.factorial(k) for k in range(n)) + top)


def naive_failures(cells: list[dict[str, float]], agents: list[int]) -> tuple[int, float]:
    failures, start = 0, time.perf_counter()
    for c, n in zip(cells, agents, strict=True):
        try:
            naive_erlang_c(n, c["load"])
        except OverflowError:
            failures += 1
    return failures, time.perf_counter() - start


def ours_a(cells: list[dict[str, float]]) -> tuple[float, list[int], FiguresA]:
    """The whole Erlang A plan (agents and figures of every cell) through `plan`, best of 3."""
    workloads = [Workload(c["volume"], c["aht_s"], c["interval_s"], c["patience_s"])
                 for c in cells]
    seconds, rows = best_of(3, lambda: plan(workloads, TARGETS))
    positions = [row.requirement.positions for row in rows]
    busy = np.array([i for i, n in enumerate(positions) if n], dtype=np.int64)
    arrays = CellsA(*(np.array([c[k] for c in cells]) for k in ("load", "aht_s", "patience_s")),
                    *(np.full(len(cells), v) for v in (20.0, 0.8, np.inf, 1.0, 1.0)))
    figures = figures_a(np.array(positions, dtype=np.int64)[busy], arrays.take(busy))
    return seconds, positions, figures


def accuracy(cells: list[dict[str, float]]) -> dict[str, float]:
    """Largest absolute error of every probability against mpmath at the given staffing."""
    reference = peer("reference", cells)["rows"]
    errors = {"c": 0.0, "a": 0.0}
    for cell, ref in zip(cells, reference, strict=True):
        n, load, aht, t = int(cell["agents"]), cell["load"], cell["aht_s"], cell["threshold_s"]
        if "c_wait" in ref:
            c = erlang_c_figures(n, load, aht, t)
            errors["c"] = max(errors["c"], abs(c.p_wait - ref["c_wait"]),
                              abs(c.service_level - ref["c_level"]))
        a = erlang_a_figures(n, load, aht, cell["patience_s"], t)
        # The plan's own (vectorised) figures where the cell carries them, and the scalar's.
        for wait, abandon, level in ((a.p_wait, a.p_abandon, a.service_level),
                                     (cell.get("p_wait"), cell.get("p_abandon"),
                                      cell.get("service_level"))):
            if wait is None or abandon is None or level is None:
                continue
            errors["a"] = max(errors["a"], abs(wait - ref["a_p_wait"]),
                              abs(abandon - ref["a_p_abandon"]),
                              abs(level - ref.get("a_service_level", level)))
    errors["a_peer_s_per_cell"] = float(np.mean([r["a_seconds"] for r in reference]))
    return errors


def huge_load(check: bool) -> dict[str, float]:
    """Erlang C and A at 100,000 Erlangs: time, and error vs mpmath."""
    workload = Workload(volume=100_000 * INTERVAL_S / 180.0, aht_s=180.0, patience_s=120.0)
    start = time.perf_counter()
    c = required_positions_c(np.array([workload.load]), np.array([180.0]), np.array([20.0]),
                             np.array([0.8]), np.array([np.inf]), np.array([1.0]))
    c_seconds = time.perf_counter() - start
    start = time.perf_counter()
    a = plan([workload], TARGETS)[0].requirement
    a_seconds = time.perf_counter() - start
    if a.positions != required_erlang_a(workload, TARGETS).positions:
        raise SystemExit("the plan and the scalar search disagree at 100,000 Erlangs")
    cell = {"agents": float(c[0]), "load": workload.load, "aht_s": 180.0, "threshold_s": 20.0,
            "patience_s": 120.0, "skip_level": 1.0}
    # mpmath at 100,000 Erlangs takes minutes: --quick only checks the figures are sane.
    errors = accuracy([cell, {**cell, "agents": float(a.positions)}]) if check else {
        "c": abs(min(erlang_c_figures(int(c[0]), workload.load, 180.0, 20.0).p_wait, 0.0)),
        "a": math.nan}
    return {"c_agents": int(c[0]), "c_seconds": c_seconds, "a_agents": a.positions,
            "a_seconds": a_seconds, "c_error": errors["c"], "a_error": errors["a"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="sample the slow peers harder")
    quick = parser.parse_args().quick
    cells = plan_cells()
    rng = np.random.default_rng(1)
    progress(f"plan: {len(cells)} cells, loads up to {max(c['load'] for c in cells):.0f} Erlangs")

    c_seconds, c_agents = ours_c(cells)
    peer_share = 0.1 if quick else 1.0
    peer_index = sorted(rng.choice(len(cells), int(len(cells) * peer_share), replace=False))
    progress(f"pyworkforce on {len(peer_index)} cells ...")
    pwf = peer("pyworkforce", [cells[i] for i in peer_index])
    pwf_seconds = pwf["seconds"] / peer_share
    mismatches = sum(p != c_agents[i] for p, i in zip(pwf["positions"], peer_index, strict=True))
    overflows, _ = naive_failures(cells, c_agents)
    print(f"Erlang C plan: ringway {c_seconds * 1000:.1f} ms, pyworkforce "
          f"{pwf_seconds * 1000:.0f} ms{' (extrapolated)' if quick else ''} -> "
          f"{pwf_seconds / c_seconds:.0f}x; agent counts differing: {mismatches}"
          f"/{len(peer_index)}; naive factorial formula overflows on {overflows}/{len(cells)}")

    progress("Erlang A plan ...")
    a_seconds, a_agents, figures = ours_a(cells)
    busy = [i for i, n in enumerate(a_agents) if n]
    sample = [int(k) for k in rng.choice(len(busy), 8 if quick else 24, replace=False)]
    sampled = [{**cells[busy[k]], "agents": float(a_agents[busy[k]]),
                "p_wait": float(figures.p_wait[k]), "p_abandon": float(figures.p_abandon[k]),
                "service_level": float(figures.service_level[k])} for k in sample]
    checked = [busy[k] for k in sample]
    scalar = sum(required_erlang_a(Workload(cells[i]["volume"], cells[i]["aht_s"],
                                            cells[i]["interval_s"], cells[i]["patience_s"]),
                                   TARGETS).positions != a_agents[i] for i in checked)
    errors = accuracy(sampled + [{**cells[i], "agents": float(c_agents[i])} for i in checked])
    # The exact peer evaluates the same bisection: about log2(range) + 2 figures per cell.
    a_peer_seconds = errors["a_peer_s_per_cell"] * 12 * len(cells)
    print(f"Erlang A plan: ringway {a_seconds:.2f} s for all {len(cells)} cells, "
          f"exact mpmath peer ~{a_peer_seconds:.0f} s "
          f"(extrapolated from {len(sample) * 2} cells) -> {a_peer_seconds / a_seconds:.0f}x")
    print(f"max |error| vs mpmath: Erlang C {errors['c']:.1e}, Erlang A {errors['a']:.1e}; "
          f"agent counts differing from the scalar search: {scalar}/{len(checked)}")

    progress("100,000 Erlangs ...")
    huge = huge_load(check=not quick)
    print(f"100,000 Erlangs: Erlang C {huge['c_agents']} agents in "
          f"{huge['c_seconds'] * 1000:.0f} ms, Erlang A {huge['a_agents']} agents in "
          f"{huge['a_seconds'] * 1000:.0f} ms; error C {huge['c_error']:.1e}, "
          f"A {huge['a_error']:.1e}")
    print(json.dumps({
        "cells": len(cells), "erlang_c_plan_ms": round(c_seconds * 1000, 2),
        "pyworkforce_plan_ms": round(pwf_seconds * 1000, 1),
        "erlang_c_speedup_ratio": round(pwf_seconds / c_seconds, 1),
        "agent_count_mismatches": mismatches, "naive_overflow_cells": overflows,
        "erlang_a_plan_s": round(a_seconds, 3), "erlang_a_peer_extrapolated_s":
        round(a_peer_seconds, 1), "max_abs_error_c": errors["c"],
        "max_abs_error_a": errors["a"], "erlang_a_scalar_mismatches": int(scalar),
        "huge_load_erlangs": 100_000,
        "huge_erlang_c_ms": round(huge["c_seconds"] * 1000, 1),
        "huge_erlang_a_ms": round(huge["a_seconds"] * 1000, 1),
        "huge_max_abs_error": max(huge["c_error"], huge["a_error"]),
    }))


if __name__ == "__main__":
    main()
