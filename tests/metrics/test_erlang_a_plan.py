"""The vectorised Erlang A plan: the scalar search's answers and figures, cell for cell."""

from __future__ import annotations

import numpy as np
import pytest

from ringway.metrics.domain.erlang import erlang_a_figures
from ringway.metrics.domain.erlang_a_plan import CellsA, figures_a, required_positions_a
from ringway.metrics.domain.staffing import (
    Targets,
    Workload,
    plan,
    required_erlang_a,
)


def random_cells(size: int, seed: int) -> tuple[CellsA, list[Targets]]:
    rng = np.random.default_rng(seed)
    load = np.concatenate(([0.0, 0.3], rng.uniform(0.0, 600.0, size - 2)))
    pick = rng.random((3, size)) < 0.3
    asa = np.where(pick[0], rng.uniform(5.0, 40.0, size), np.inf)
    occupancy = np.where(pick[1], rng.uniform(0.8, 0.95, size), 1.0)
    abandon = np.where(pick[2], rng.uniform(0.01, 0.1, size), 1.0)
    cells = CellsA(load, rng.uniform(60.0, 600.0, size), rng.uniform(20.0, 400.0, size),
                   rng.choice([0.0, 10.0, 20.0, 60.0], size), rng.uniform(0.5, 0.95, size),
                   asa, occupancy, abandon)
    targets = [Targets(service_level=float(cells.service_level[i]),
                       threshold_s=float(cells.threshold_s[i]),
                       asa_s=None if np.isinf(asa[i]) else float(asa[i]),
                       max_occupancy=None if occupancy[i] == 1 else float(occupancy[i]),
                       max_abandon=None if abandon[i] == 1 else float(abandon[i]))
               for i in range(size)]
    return cells, targets


def test_the_vectorised_erlang_a_search_gives_the_scalar_agent_counts_cell_for_cell() -> None:
    cells, targets = random_cells(160, seed=11)
    got = required_positions_a(cells)
    expected = [required_erlang_a(Workload(volume=float(cells.load[i]), aht_s=float(cells.aht_s[i]),
                                           interval_s=float(cells.aht_s[i]),
                                           patience_s=float(cells.patience_s[i])),
                                  targets[i]).positions for i in range(got.size)]
    assert got.tolist() == expected
    assert got[0] == 0  # no load needs nobody
    assert got[1] >= 1  # any load needs someone


def test_identical_cells_get_identical_answers_whatever_their_place() -> None:
    cells, _ = random_cells(40, seed=3)
    doubled = cells.take(np.concatenate((np.arange(40), np.arange(40)[::-1])))
    got = required_positions_a(doubled)
    assert got[:40].tolist() == got[40:][::-1].tolist() == required_positions_a(cells).tolist()


def test_vectorised_figures_equal_the_scalar_formula_to_1e12() -> None:
    cells, _ = random_cells(120, seed=5)
    busy = np.flatnonzero(cells.load > 0)
    some = cells.take(busy)
    spread = np.random.default_rng(2).uniform(0.5, 1.4, busy.size)
    agents = np.maximum(1, np.round(some.load * spread))
    got = figures_a(agents.astype(np.int64), some)
    for k in range(busy.size):
        one = erlang_a_figures(int(agents[k]), float(some.load[k]), float(some.aht_s[k]),
                               float(some.patience_s[k]), float(some.threshold_s[k]))
        assert (got.p_wait[k], got.service_level[k], got.p_abandon[k], got.occupancy[k]) == \
            pytest.approx((one.p_wait, one.service_level, one.p_abandon, one.occupancy),
                          abs=1e-12)
        assert got.asa_s[k] == pytest.approx(one.asa_s, rel=1e-10)


def test_a_plan_with_patience_matches_single_requirements_and_handles_100000_erlangs() -> None:
    workloads = [Workload(volume=v, aht_s=180.0, patience_s=90.0) for v in (0.0, 40.0, 900.0)]
    workloads.append(Workload(volume=100_000 * 900 / 180, aht_s=180.0, patience_s=120.0))
    rows = plan(workloads, Targets(max_abandon=0.05))
    for row, workload in zip(rows, workloads, strict=True):
        single = required_erlang_a(workload, Targets(max_abandon=0.05))
        assert row.requirement.positions == single.positions
        assert row.requirement.figures.p_abandon == pytest.approx(single.figures.p_abandon,
                                                                  abs=1e-12)
    huge = rows[-1].requirement  # 5 % may abandon, so about 95 % of the load is served
    assert 94_000 < huge.positions < 100_000
    assert huge.figures.p_abandon <= 0.05

