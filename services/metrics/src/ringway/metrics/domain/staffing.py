"""Required agents per interval: Erlang C, or Erlang A where customers abandon.

A requirement is the fewest agents whose queue meets every target at once: the service level
(answered within the threshold), the ASA, the maximum occupancy and (Erlang A) the abandon
rate. Chat concurrency turns agents into that many parallel positions; shrinkage (breaks,
training, absence) turns the agents needed on the floor into agents to schedule.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np

from ringway.metrics.domain.erlang import (
    Floats,
    QueueFigures,
    erlang_a_figures,
    erlang_b,
    erlang_b_table,
    erlang_c_figures,
)
from ringway.metrics.domain.erlang_a_plan import CellsA, figures_a, required_positions_a

MAX_POSITIONS = 10_000_000


class Model(StrEnum):
    """Queueing model of a requirement."""

    ERLANG_C = "erlang_c"
    ERLANG_A = "erlang_a"


class InvalidStaffingInput(ValueError):
    """A target or workload outside what the formulas accept."""


@dataclass(frozen=True)
class Targets:
    """What an interval must deliver, and how agents turn into positions and schedules."""

    service_level: float = 0.8
    threshold_s: float = 20.0
    asa_s: float | None = None
    max_occupancy: float | None = None
    max_abandon: float | None = None
    shrinkage: float = 0.0
    concurrency: int = 1

    def __post_init__(self) -> None:
        _check(0.0 <= self.service_level < 1.0, "service_level must be in [0, 1)")
        _check(self.threshold_s >= 0.0, "threshold_s must not be negative")
        _check(self.asa_s is None or self.asa_s > 0.0, "asa_s must be positive")
        _check(self.max_occupancy is None or 0.0 < self.max_occupancy <= 1.0,
               "max_occupancy must be in (0, 1]")
        _check(self.max_abandon is None or 0.0 < self.max_abandon < 1.0,
               "max_abandon must be in (0, 1)")
        _check(0.0 <= self.shrinkage < 1.0, "shrinkage must be in [0, 1)")
        _check(self.concurrency >= 1, "concurrency must be at least 1")


@dataclass(frozen=True)
class Workload:
    """Contacts offered in one interval, their handle time and (optionally) patience."""

    volume: float
    aht_s: float
    interval_s: float = 900.0
    patience_s: float | None = None

    def __post_init__(self) -> None:
        _check(self.volume >= 0.0 and math.isfinite(self.volume), "volume must be >= 0")
        _check(self.aht_s > 0.0 and math.isfinite(self.aht_s), "aht_s must be positive")
        _check(self.interval_s > 0.0, "interval_s must be positive")
        _check(self.patience_s is None or self.patience_s > 0.0, "patience_s must be positive")

    @property
    def load(self) -> float:
        """Offered load in Erlangs: arrival rate x AHT."""
        return self.volume * self.aht_s / self.interval_s


@dataclass(frozen=True)
class Requirement:
    """Agents an interval needs and what that staffing delivers."""

    model: Model
    load: float
    positions: int
    agents: int
    scheduled: int
    figures: QueueFigures


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise InvalidStaffingInput(message)


def meets(figures: QueueFigures, targets: Targets) -> bool:
    """True when the queue delivers every target."""
    return (figures.service_level >= targets.service_level
            and (targets.asa_s is None or figures.asa_s <= targets.asa_s)
            and (targets.max_occupancy is None or figures.occupancy <= targets.max_occupancy)
            and (targets.max_abandon is None or figures.p_abandon <= targets.max_abandon))


def scheduled_agents(agents: int, shrinkage: float) -> int:
    """Agents to schedule so that `agents` remain after shrinkage."""
    # Rounded before the ceiling: 14 / 0.7 is 20.000000000000004 in binary floating point.
    return math.ceil(round(agents / (1.0 - shrinkage), 9))


def required(workload: Workload, targets: Targets) -> Requirement:
    """Erlang A when the workload has a patience, else Erlang C."""
    if workload.patience_s is None:
        return required_erlang_c(workload, targets)
    return required_erlang_a(workload, targets)


def required_erlang_c(workload: Workload, targets: Targets) -> Requirement:
    """Fewest positions meeting the targets in M/M/n (no abandonment)."""
    load = workload.load
    figures = _c_search(load, workload.aht_s, targets)
    return _requirement(Model.ERLANG_C, load, figures, targets)


def _c_search(load: float, aht_s: float, targets: Targets) -> QueueFigures:
    # B is carried up the recursion, so the whole search costs O(answer) steps.
    agents = math.floor(load) + 1
    blocking = erlang_b(agents, load)
    while agents <= MAX_POSITIONS:
        figures = erlang_c_figures(agents, load, aht_s, targets.threshold_s, blocking)
        if load == 0 or meets(figures, targets):
            return figures if load else QueueFigures(0, 0.0, 1.0, 0.0, 0.0)
        agents += 1
        blocking = load * blocking / (agents + load * blocking)
    raise InvalidStaffingInput("no staffing up to MAX_POSITIONS meets the targets")


def required_erlang_a(workload: Workload, targets: Targets) -> Requirement:
    """Fewest positions meeting the targets in M/M/n+M (exponential patience)."""
    load, patience = workload.load, workload.patience_s
    if patience is None:
        raise InvalidStaffingInput("Erlang A needs a patience")
    if load == 0:
        return _requirement(Model.ERLANG_A, 0.0, QueueFigures(0, 0.0, 1.0, 0.0, 0.0), targets)
    top = max(1, _c_search(load, workload.aht_s, replace(targets, max_abandon=None)).agents)
    table = erlang_b_table(top, load)

    def at(agents: int, with_asa: bool = targets.asa_s is not None) -> QueueFigures:
        while len(table) <= agents:
            n = len(table)
            table.append(load * table[-1] / (n + load * table[-1]))
        return erlang_a_figures(agents, load, workload.aht_s, patience, targets.threshold_s,
                                table[agents], with_asa=with_asa)

    return _requirement(Model.ERLANG_A, load, at(_bisect(at, top, targets), True), targets)


def _bisect(at: Callable[[int], QueueFigures], top: int, targets: Targets) -> int:
    # The figures improve with every agent added, so the answer is found by bisection once
    # `top` (the Erlang C answer, doubled if ever needed) meets the targets.
    while not meets(at(top), targets):
        _check(top < MAX_POSITIONS, "no staffing up to MAX_POSITIONS meets the targets")
        top *= 2
    low, high = 0, top
    while high - low > 1:
        middle = (low + high) // 2
        if meets(at(middle), targets):
            high = middle
        else:
            low = middle
    return high


def _requirement(model: Model, load: float, figures: QueueFigures,
                 targets: Targets) -> Requirement:
    agents = math.ceil(figures.agents / targets.concurrency)
    return Requirement(model, load, figures.agents, agents,
                       scheduled_agents(agents, targets.shrinkage), figures)


@dataclass(frozen=True)
class PlanRow:
    """One interval of a plan: requirement, and logged-in agents where known."""

    requirement: Requirement
    logged_in: float | None

    @property
    def gap(self) -> float | None:
        """Logged-in minus required agents: positive is over-staffed, negative under."""
        if self.logged_in is None:
            return None
        return self.logged_in - self.requirement.agents


def plan(workloads: Sequence[Workload], targets: Targets,
         logged_in: Sequence[float | None] | None = None) -> list[PlanRow]:
    """Requirement per interval, beside the agents actually logged in."""
    actual = list(logged_in) if logged_in is not None else [None] * len(workloads)
    _check(len(actual) == len(workloads), "one logged-in figure per interval")
    abandoning = [i for i, w in enumerate(workloads) if w.patience_s is not None]
    solved = dict(zip(abandoning, _erlang_a_together([workloads[i] for i in abandoning],
                                                     targets), strict=True))
    return [PlanRow(solved[i] if i in solved else required(w, targets), a)
            for i, (w, a) in enumerate(zip(workloads, actual, strict=True))]


def _erlang_a_together(workloads: Sequence[Workload], targets: Targets) -> list[Requirement]:
    """Erlang A requirements of many intervals in one vectorised search (same answers)."""
    if not workloads:
        return []
    size = len(workloads)

    def column(value: float | None, absent: float) -> Floats:
        return np.full(size, absent if value is None else value)

    cells = CellsA(np.array([w.load for w in workloads]), np.array([w.aht_s for w in workloads]),
                   np.array([w.patience_s for w in workloads], dtype=np.float64),
                   column(targets.threshold_s, 0.0), column(targets.service_level, 0.0),
                   column(targets.asa_s, np.inf), column(targets.max_occupancy, 1.0),
                   column(targets.max_abandon, 1.0))
    try:
        positions = required_positions_a(cells)
    except ValueError as error:
        raise InvalidStaffingInput(str(error)) from None
    busy = np.flatnonzero(positions > 0)
    figures = figures_a(positions[busy], cells.take(busy))
    found = {int(i): QueueFigures(int(positions[i]), *(float(getattr(figures, f)[k]) for f in (
        "p_wait", "service_level", "asa_s", "occupancy", "p_abandon"))) for k, i in enumerate(busy)}
    idle = QueueFigures(0, 0.0, 1.0, 0.0, 0.0)
    return [_requirement(Model.ERLANG_A, w.load, found.get(i, idle), targets)
            for i, w in enumerate(workloads)]


@dataclass(frozen=True)
class WhatIf:
    """A scenario: scale volume and handle time, optionally with other targets."""

    volume_factor: float = 1.0
    aht_factor: float = 1.0
    targets: Targets | None = None

    def apply(self, workload: Workload) -> Workload:
        """The workload under this scenario."""
        _check(self.volume_factor >= 0 and self.aht_factor > 0, "factors must be positive")
        return replace(workload, volume=workload.volume * self.volume_factor,
                       aht_s=workload.aht_s * self.aht_factor)


def what_if(workloads: Sequence[Workload], targets: Targets, scenario: WhatIf,
            logged_in: Sequence[float | None] | None = None) -> list[PlanRow]:
    """The plan as it would be under the scenario."""
    changed = [scenario.apply(w) for w in workloads]
    return plan(changed, scenario.targets or targets, logged_in)

