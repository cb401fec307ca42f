"""Erlang C for a whole plan at once: the scalar recursion, run on every cell in lockstep.

A plan (96 intervals x 100 queues) is thousands of cells. Each cell's Erlang B recursion must
climb from 0 to about its load; running them side by side in numpy arrays, sorted by load so
that finished cells drop out of the slice, costs one pass to the largest load. The arithmetic
is the scalar code's, step for step, so the agent counts are identical.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ringway.metrics.domain.erlang import Floats

Ints = npt.NDArray[np.int64]


def required_positions_c(load: Floats, aht_s: Floats, threshold_s: Floats,
                         service_level: Floats, asa_s: Floats,
                         max_occupancy: Floats) -> Ints:
    """Fewest M/M/n positions per cell meeting every target (inf / 1.0 = no ASA / occupancy cap)."""
    first = (np.floor(load) + 1).astype(np.int64)
    blocking = blocking_at(first, load)
    answer = np.where(load == 0, 0, -1).astype(np.int64)
    agents, open_ = first.copy(), np.flatnonzero(load > 0)
    while open_.size:
        a, n, b = load[open_], agents[open_].astype(np.float64), blocking[open_]
        wait = n * b / (n - a * (1.0 - b))
        spare = n - a
        level = 1.0 - wait * np.exp(-spare * threshold_s[open_] / aht_s[open_])
        ok = ((level >= service_level[open_]) & (wait * aht_s[open_] / spare <= asa_s[open_])
              & (a / n <= max_occupancy[open_]))
        answer[open_[ok]] = agents[open_[ok]]
        open_ = open_[~ok]
        agents[open_] += 1
        b, a, n = blocking[open_], load[open_], agents[open_].astype(np.float64)
        blocking[open_] = a * b / (n + a * b)
    return answer


def blocking_at(agents: Ints, load: Floats) -> Floats:
    """B(agents_i, load_i) for every cell, by one shared climb of the recursion."""
    order = np.argsort(agents, kind="stable")
    tops, loads = agents[order], load[order]
    blocking = np.ones(agents.size)
    start, n, top = 0, 1, int(tops[-1]) if tops.size else 0
    # A numpy step costs ~1 us whatever its width: once a few tall cells are left (one at
    # 100,000 Erlangs), plain floats climb the rest faster, with the same arithmetic.
    while n <= top and agents.size - start > 4:
        while tops[start] < n:
            start += 1
        b, a = blocking[start:], loads[start:]
        blocking[start:] = a * b / (n + a * b)
        n += 1
    for k in range(start, agents.size):
        last, offered = float(blocking[k]), float(loads[k])
        for m in range(n, int(tops[k]) + 1):
            last = offered * last / (m + offered * last)
        blocking[k] = last
    result = np.empty(agents.size)
    result[order] = blocking
    return result
