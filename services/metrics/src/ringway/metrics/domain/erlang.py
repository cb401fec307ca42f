"""Erlang B, C and A queueing formulas, exact and stable for any number of agents.

Every probability comes from the Erlang B recursion B(n) = A·B(n-1) / (n + A·B(n-1)), which
never forms A^n or n! (so nothing overflows at 100,000 agents) and loses no precision on the
way up. Erlang A (M/M/n+M, Palm's queue with exponential patience) sums its waiting states in
log space, so heavy overload neither overflows nor underflows.

Units: time in seconds; `load` in Erlangs = arrival rate x average handle time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class QueueFigures:
    """What a queue staffed with `agents` delivers under a load."""

    agents: int
    p_wait: float
    service_level: float
    asa_s: float
    occupancy: float
    p_abandon: float = 0.0


def erlang_b(agents: int, load: float) -> float:
    """Probability that all `agents` are busy in a loss system offered `load` Erlangs."""
    if agents < 0 or load < 0:
        raise ValueError("agents and load must not be negative")
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = load * blocking / (n + load * blocking)
    return blocking


def erlang_b_table(top: int, load: float) -> list[float]:
    """B(0..top) for one load, from the same recursion (index = number of agents)."""
    table = [1.0]
    for n in range(1, top + 1):
        previous = table[-1]
        table.append(load * previous / (n + load * previous))
    return table


def c_from_b(agents: int, load: float, blocking: float) -> float:
    """Erlang C (probability of waiting) from Erlang B of the same agents and load."""
    if agents <= load:
        return 1.0
    return agents * blocking / (agents - load * (1.0 - blocking))


def erlang_c(agents: int, load: float) -> float:
    """Probability that a contact waits in M/M/n (1 when the queue cannot keep up)."""
    return c_from_b(agents, load, erlang_b(agents, load))


def erlang_c_figures(agents: int, load: float, aht_s: float, threshold_s: float,
                     blocking: float | None = None) -> QueueFigures:
    """SL (answered within threshold), ASA and occupancy of M/M/n; pass B(n) if known."""
    if agents <= load:
        return QueueFigures(agents, 1.0, 0.0, math.inf, 1.0 if agents else math.inf)
    b = erlang_b(agents, load) if blocking is None else blocking
    p_wait = c_from_b(agents, load, b)
    spare = agents - load
    level = 1.0 - p_wait * math.exp(-spare * threshold_s / aht_s)
    return QueueFigures(agents, p_wait, level, p_wait * aht_s / spare, load / agents)


def erlang_a_figures(agents: int, load: float, aht_s: float, patience_s: float,
                     threshold_s: float, blocking: float | None = None, *,
                     with_asa: bool = True) -> QueueFigures:
    """M/M/n+M: waiting, SL (answered within threshold / offered), ASA of answered, abandons.

    `with_asa=False` skips the ASA (reported as NaN) where a search does not need it.

    With x = n·patience/AHT and y = load·patience/AHT, the waiting states have weights
    r_i = prod_{k<=i} y/(x+k) relative to n busy agents. A contact finding i others waiting is
    answered with probability x/(x+i+1) and, within t, with that times the incomplete beta
    I_p(i+1, x+1), p = 1 - exp(-t/patience) (the order statistics of exponential clocks).
    """
    if agents <= 0:
        return QueueFigures(0, 1.0, 0.0, math.inf, math.inf, 1.0)
    b = erlang_b(agents, load) if blocking is None else blocking
    x, y = agents * patience_s / aht_s, load * patience_s / aht_s
    log_r = _log_waiting_weights(x, y)
    i = np.arange(log_r.size, dtype=np.float64)
    log_pi_n = _log_pi_busy(b, log_r)
    weights = np.exp(log_pi_n + log_r)  # P(an arrival finds n busy and i waiting)
    p_wait = float(weights.sum())
    answered_share = x / (x + i + 1.0)
    p_abandon = float(np.dot(weights, 1.0 - answered_share))
    within = _answered_within(x, threshold_s / patience_s, log_r.size)
    level = (1.0 - p_wait) + float(np.dot(weights, answered_share * within))
    asa = _asa(weights, answered_share, x, p_abandon) * patience_s if with_asa else math.nan
    occupancy = load * (1.0 - p_abandon) / agents
    # Sums of ~1e3 terms can overshoot a probability's bounds by ~1e-13: clamp them.
    p_wait, p_abandon = min(p_wait, 1.0), min(p_abandon, 1.0)
    return QueueFigures(agents, p_wait, min(max(level, 0.0), 1.0), asa, occupancy, p_abandon)


def _log_waiting_weights(x: float, y: float) -> Floats:
    # Past the mode (i ~ y - x) the log weights fall like a Gaussian of width sqrt(y): 12 widths
    # leave a tail under e^-72, far below double precision.
    count = math.ceil(max(0.0, y - x) + 12.0 * math.sqrt(y) + 40.0)
    k = np.arange(1, count, dtype=np.float64)
    steps = math.log(y) - np.log(x + k) if y > 0 else np.full(k.size, -np.inf)
    return np.concatenate(([0.0], np.cumsum(steps)))


def _log_pi_busy(blocking: float, log_r: Floats) -> float:
    # pi_n = B / (1 - B + B·sum r), in logs so that a huge sum r (heavy overload) stays finite.
    if blocking <= 0.0:
        return -math.inf
    top = float(log_r.max())
    log_sum = top + math.log(float(np.exp(log_r - top).sum()))
    log_b = math.log(blocking)
    return log_b - float(np.logaddexp(math.log1p(-blocking) if blocking < 1 else -math.inf,
                                      log_b + log_sum))


def _answered_within(x: float, t_over_patience: float, count: int) -> Floats:
    """1 - I_p(i+1, x+1) for i < count is a negative binomial CDF; we need I_p itself."""
    if t_over_patience <= 0.0:
        return np.zeros(count)
    log_p = math.log(-math.expm1(-t_over_patience))
    k = np.arange(1, count, dtype=np.float64)
    steps = np.concatenate(([0.0], np.log((x + k) / k) + log_p))
    log_terms = np.cumsum(steps) - (x + 1.0) * t_over_patience
    log_cdf = np.logaddexp.accumulate(log_terms)
    result: Floats = -np.expm1(np.minimum(log_cdf, 0.0))
    return result


def _asa(weights: Floats, answered_share: Floats, x: float, p_abandon: float) -> float:
    """Mean wait of answered contacts in patience units.

    E[wait; answered | i waiting ahead] = x/(x+i+1) · sum_{k=1}^{i+1} 1/(x+k).
    """
    if p_abandon >= 1.0:
        return math.inf
    waits = np.cumsum(1.0 / (x + np.arange(1, weights.size + 1, dtype=np.float64)))
    return float(np.dot(weights, answered_share * waits)) / (1.0 - p_abandon)
