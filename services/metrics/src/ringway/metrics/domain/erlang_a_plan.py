"""Erlang A for a whole plan at once: every cell's figures in one padded numpy pass.

The scalar `erlang_a_figures` costs ~20 numpy calls per evaluation, so a plan of 9,600 cells
searched by bisection (~10 evaluations each) spends its time in call overhead. Here the cells
of one search step are evaluated together: sorted by how many waiting states they need, cut
into chunks, each chunk a 2-D array padded to its longest row (padding holds further true
terms of the series, far below double precision, so it changes nothing). The search starts at
the Erlang C answer, which is almost always met, gallops down and then bisects, all cells in
lockstep; identical cells are computed once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ringway.metrics.domain.erlang import Floats
from ringway.metrics.domain.erlang_plan import blocking_at, required_positions_c

MAX_POSITIONS = 10_000_000

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
CHUNK_ELEMENTS = 1 << 17  # ~2 MB per float array: stays in cache, few chunks


@dataclass(frozen=True)
class CellsA:
    """One column per cell: workload and targets of an Erlang A plan (inf/1.0 = no cap)."""

    load: Floats
    aht_s: Floats
    patience_s: Floats
    threshold_s: Floats
    service_level: Floats
    asa_s: Floats
    max_occupancy: Floats
    max_abandon: Floats

    def take(self, index: Ints) -> CellsA:
        """The cells at `index`."""
        return CellsA(*(getattr(self, name)[index] for name in self.__dataclass_fields__))


@dataclass(frozen=True)
class FiguresA:
    """Erlang A figures per cell (ASA is NaN when not asked for)."""

    p_wait: Floats
    service_level: Floats
    asa_s: Floats
    occupancy: Floats
    p_abandon: Floats


def figures_a(agents: Ints, cells: CellsA, *, with_asa: bool = True) -> FiguresA:
    """M/M/n+M figures of every cell at its number of agents (each > 0, load > 0)."""
    n = agents.astype(np.float64)
    x, y = n * cells.patience_s / cells.aht_s, cells.load * cells.patience_s / cells.aht_s
    log_b = np.log(blocking_at(agents, cells.load))
    count = np.ceil(np.maximum(0.0, y - x) + 9.0 * np.sqrt(y) + 40.0).astype(np.int64)
    order = np.argsort(count, kind="stable")
    out = np.empty((4, agents.size))
    ranked = count[order]
    start = 0
    while start < order.size:
        # Rows sorted by width: the chunk grows while rows x its widest row stay in budget.
        sizes = np.arange(1, order.size - start + 1) * ranked[start:]
        stop = start + max(16, int(np.searchsorted(sizes, CHUNK_ELEMENTS, side="right")))
        rows = order[start:stop]
        out[:, rows] = _chunk(x[rows], y[rows], log_b[rows],
                              cells.threshold_s[rows] / cells.patience_s[rows],
                              int(count[rows].max()), with_asa)
        start = stop
    p_wait, level, asa, p_abandon = out[0], out[1], out[2] * cells.patience_s, out[3]
    occupancy = cells.load * (1.0 - p_abandon) / n
    return FiguresA(np.minimum(p_wait, 1.0), np.clip(level, 0.0, 1.0), asa, occupancy,
                    np.minimum(p_abandon, 1.0))


def _chunk(x: Floats, y: Floats, log_b: Floats, t: Floats, width: int,
           with_asa: bool) -> Floats:
    """[p_wait, level, asa (patience units), p_abandon] of cells whose series fit `width`."""
    xc, k = x[:, None], np.arange(1, width, dtype=np.float64)[None, :]
    log_r = np.zeros((x.size, width))
    np.cumsum(np.log(y)[:, None] - np.log(xc + k), axis=1, out=log_r[:, 1:])
    top = log_r.max(axis=1)
    log_sum = top + np.log(np.exp(log_r - top[:, None]).sum(axis=1))
    with np.errstate(divide="ignore"):
        # pi_n = B / (1 - B + B·sum r), in logs: a huge sum r (overload) stays finite.
        log_pi = log_b - np.logaddexp(np.log1p(-np.exp(log_b)), log_b + log_sum)
    weights = np.exp(log_pi[:, None] + log_r)
    share = xc / (xc + np.arange(1, width + 1, dtype=np.float64)[None, :])
    p_wait = weights.sum(axis=1)
    p_abandon = (weights * (1.0 - share)).sum(axis=1)
    level = (1.0 - p_wait) + (weights * share * _within(xc, k, t, width)).sum(axis=1)
    asa = np.full(x.size, np.nan)
    if with_asa:
        waits = np.cumsum(1.0 / (xc + np.arange(1, width + 1, dtype=np.float64)), axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            asa = (weights * share * waits).sum(axis=1) / (1.0 - p_abandon)
        asa = np.where(p_abandon >= 1.0, np.inf, asa)
    return np.stack([p_wait, level, asa, p_abandon])


def _within(xc: Floats, k: Floats, t: Floats, width: int) -> Floats:
    """I_p(i+1, x+1) per waiting state: answered within t given i waiting ahead."""
    positive = t > 0
    log_p = np.log(-np.expm1(-np.where(positive, t, 1.0)))
    steps = np.zeros((xc.shape[0], width))
    steps[:, 1:] = np.log((xc + k) / k) + log_p[:, None]
    log_terms = np.cumsum(steps, axis=1) - ((xc[:, 0] + 1.0) * t)[:, None]
    log_cdf = np.logaddexp.accumulate(log_terms, axis=1)
    within: Floats = -np.expm1(np.minimum(log_cdf, 0.0))
    return np.where(positive[:, None], within, 0.0)


def meets_a(figures: FiguresA, cells: CellsA) -> Bools:
    """Cells whose figures meet every target (caps of inf / 1.0 are no caps)."""
    ok: Bools = figures.service_level >= cells.service_level
    ok &= (cells.max_occupancy >= 1.0) | (figures.occupancy <= cells.max_occupancy)
    ok &= (cells.max_abandon >= 1.0) | (figures.p_abandon <= cells.max_abandon)
    ok &= ~np.isfinite(cells.asa_s) | (figures.asa_s <= cells.asa_s)
    return ok


def margin_a(figures: FiguresA, cells: CellsA) -> Floats:
    """How far inside its targets each cell is, in logs: grows with agents, >= 0 when met.

    A shortfall (1 - SL, occupancy, abandon rate, ASA) falls about exponentially with each
    agent added, so its log is nearly linear in agents and interpolates well.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        slack = np.log1p(-cells.service_level) - np.log1p(-figures.service_level)
        for cap, value in ((cells.max_occupancy, figures.occupancy),
                           (cells.max_abandon, figures.p_abandon), (cells.asa_s, figures.asa_s)):
            capped = np.isfinite(cap) & (cap < 1.0) if cap is not cells.asa_s \
                else np.isfinite(cap)
            if capped.any():
                slack = np.minimum(slack, np.where(capped, np.log(cap / value), np.inf))
    result: Floats = np.where(np.isnan(slack), -np.inf, slack)
    return result


def required_positions_a(cells: CellsA) -> Ints:
    """Fewest M/M/n+M positions per cell meeting every target; identical cells solved once."""
    table = np.stack([getattr(cells, name) for name in cells.__dataclass_fields__], axis=1)
    unique, inverse = np.unique(table, axis=0, return_inverse=True)
    distinct = CellsA(*unique.T.copy())
    answer = np.zeros(unique.shape[0], dtype=np.int64)
    open_ = np.flatnonzero(distinct.load > 0)
    if open_.size:
        answer[open_] = _search(distinct.take(open_))
    return answer[inverse.reshape(-1)]


def _search(cells: CellsA) -> Ints:
    """Bracket (low fails, high meets) and close it by safeguarded interpolation."""
    with_asa = bool(np.isfinite(cells.asa_s).any())

    def margin(agents: Ints, index: Ints) -> tuple[Bools, Floats]:
        some = cells.take(index)
        figures = figures_a(agents, some, with_asa=with_asa)
        return meets_a(figures, some), margin_a(figures, some)

    everyone = np.arange(cells.load.size)
    high = np.maximum(1, required_positions_c(cells.load, cells.aht_s, cells.threshold_s,
                                              cells.service_level, cells.asa_s,
                                              cells.max_occupancy))
    # Abandonment usually lowers the Erlang C answer; rarely it must grow.
    while not (met := margin(high, everyone))[0].all():
        if high.max() > MAX_POSITIONS:
            raise ValueError("no staffing up to MAX_POSITIONS meets the targets")
        high = np.where(met[0], high, high * 2)
    m_high = np.maximum(met[1], 0.0)
    low, m_low = np.zeros_like(high), np.full(high.size, np.nan)  # n = 0 never meets
    jump = np.ceil(1.5 * np.sqrt(cells.load)).astype(np.int64)
    kept = np.zeros(high.size, dtype=np.int64)  # +k: high moved k times in a row; -k: low
    while (open_ := np.flatnonzero(high - low > 1)).size:
        lo, hi, m_lo, m_hi = low[open_], high[open_], m_low[open_], m_high[open_]
        probe = _probe(lo, hi, m_lo, m_hi, jump[open_], kept[open_])
        ok, m = margin(probe, open_)
        m = np.where(ok, np.maximum(m, 0.0), np.minimum(m, -1e-300))
        high[open_], m_high[open_] = np.where(ok, probe, hi), np.where(ok, m, m_hi)
        low[open_], m_low[open_] = np.where(ok, lo, probe), np.where(ok, m_lo, m)
        kept[open_] = np.where(ok == (kept[open_] > 0), np.abs(kept[open_]) + 1, 1) * \
            np.where(ok, 1, -1)
        jump[open_] = np.where(ok & np.isnan(m_lo), jump[open_] * 2, jump[open_])
    return high


def _probe(lo: Ints, hi: Ints, m_lo: Floats, m_hi: Floats, jump: Ints, kept: Ints) -> Ints:
    """Next agents to try: a jump down while no failing point is known, else interpolation."""
    # Illinois: an end kept twice in a row has its margin halved, so the guess moves past it.
    m_lo = np.where(kept >= 2, m_lo / 2.0 ** (kept - 1), m_lo)
    m_hi = np.where(kept <= -2, m_hi / 2.0 ** (-kept - 1), m_hi)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.clip(-m_lo / (m_hi - m_lo), 0.0, 1.0)
    guess = lo + np.ceil((hi - lo) * np.nan_to_num(share, nan=0.5)).astype(np.int64)
    guess = np.where(np.isnan(m_lo), hi - jump, guess)
    return np.clip(guess, lo + 1, hi - 1)
