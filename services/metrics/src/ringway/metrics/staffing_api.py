"""Staffing routes: a plan for given workloads (what-if), and required vs logged-in agents."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from ringway.metrics import reports, service
from ringway.metrics.domain import KpiRules
from ringway.metrics.domain.staffing import (
    InvalidStaffingInput,
    PlanRow,
    Targets,
    WhatIf,
    Workload,
    plan,
    what_if,
)
from ringway.shared.contracts.common import Channel
from ringway.shared.runtime import Runtime
from ringway.shared.web.auth import Principal, Role, require
from ringway.shared.web.problems import ProblemError

router = APIRouter(tags=["staffing"])
Supervisor = Annotated[Principal, Depends(require(Role.SUPERVISOR))]
MAX_INTERVALS = 96 * 31


class TargetsIn(BaseModel):
    """Targets of a plan; see docs/metrics/kpis.md#staffing."""

    service_level: float = Field(0.8, ge=0, lt=1)
    threshold_s: float = Field(20, ge=0, le=3600)
    asa_s: float | None = Field(None, gt=0)
    max_occupancy: float | None = Field(None, gt=0, le=1)
    max_abandon: float | None = Field(None, gt=0, lt=1)
    shrinkage: float = Field(0.0, ge=0, lt=1)
    concurrency: int = Field(1, ge=1, le=20, description="Contacts an agent handles at once.")


class IntervalIn(BaseModel):
    """One interval's workload, and the agents logged in if known."""

    interval_start: datetime | None = None
    volume: float = Field(ge=0, le=10_000_000)
    aht_s: float = Field(gt=0, le=86_400)
    patience_s: float | None = Field(None, gt=0, le=86_400,
                                     description="Mean patience: Erlang A when given.")
    logged_in: float | None = Field(None, ge=0)


class PlanIn(BaseModel):
    """A plan request: workloads per interval, targets, and an optional what-if scenario."""

    interval_minutes: int = Field(15, ge=1, le=1440)
    targets: TargetsIn = TargetsIn()
    intervals: list[IntervalIn] = Field(min_length=1, max_length=MAX_INTERVALS)
    volume_factor: float = Field(1.0, ge=0, le=100)
    aht_factor: float = Field(1.0, gt=0, le=100)


class PlanRowOut(BaseModel):
    """Requirement of one interval and what it delivers."""

    interval_start: datetime | None
    model: str
    load_erlangs: float
    positions: int
    agents: int
    scheduled: int = Field(description="Agents to schedule, after shrinkage.")
    service_level: float
    asa_s: float | None
    occupancy: float
    abandon_rate: float
    logged_in: float | None
    gap: float | None = Field(description="logged_in - agents: > 0 over, < 0 under-staffed.")


class PlanOut(BaseModel):
    """A staffing plan, one row per interval."""

    rows: list[PlanRowOut]


def _row(start: datetime | None, row: PlanRow) -> PlanRowOut:
    r, f = row.requirement, row.requirement.figures
    asa = f.asa_s if math.isfinite(f.asa_s) else None
    return PlanRowOut(interval_start=start, model=r.model.value, load_erlangs=r.load,
                      positions=r.positions, agents=r.agents, scheduled=r.scheduled,
                      service_level=f.service_level, asa_s=asa, occupancy=f.occupancy,
                      abandon_rate=f.p_abandon, logged_in=row.logged_in, gap=row.gap)


def _invalid(error: InvalidStaffingInput) -> ProblemError:
    return ProblemError(422, "Invalid staffing input", str(error), code="invalid-staffing-input")


@router.post("/staffing/plan", response_model=PlanOut,
             responses={422: {"description": "Targets or workloads out of range"}})
async def staffing_plan(body: PlanIn, _: Supervisor) -> PlanOut:
    """Required agents per interval (Erlang C, or Erlang A with a patience); what-if factors."""
    try:
        targets = Targets(**body.targets.model_dump())
        seconds = body.interval_minutes * 60.0
        loads = [Workload(i.volume, i.aht_s, seconds, i.patience_s) for i in body.intervals]
        rows = what_if(loads, targets, WhatIf(body.volume_factor, body.aht_factor),
                       [i.logged_in for i in body.intervals])
    except InvalidStaffingInput as error:
        raise _invalid(error) from None
    return PlanOut(rows=[_row(i.interval_start, r)
                         for i, r in zip(body.intervals, rows, strict=True)])


@router.get("/staffing/actual", response_model=PlanOut,
            responses={422: {"description": "Bad range or targets"}})
async def staffing_actual(request: Request, rt: Runtime, _: Supervisor,
                          start: Annotated[datetime, Query()], end: Annotated[datetime, Query()],
                          queue_id: Annotated[str | None, Query(max_length=100)] = None,
                          channel: Channel | None = None,
                          service_level: Annotated[float, Query(ge=0, lt=1)] = 0.8,
                          threshold_s: Annotated[float, Query(ge=0, le=3600)] = 20) -> PlanOut:
    """Required agents from the observed volume and AHT, beside the agents logged in."""
    rules: KpiRules = request.app.state.rules
    report = await service.interval_report(rt.uow, rules, start=start, end=end,
                                           queue_id=queue_id, channel=channel)
    staffed = await reports.staffed_by_interval(rt.uow, rules, start=start, end=end)
    volume: dict[datetime, list[float]] = {}
    for item in report.items:
        into = volume.setdefault(item.interval_start, [0.0, 0.0, 0.0])
        into[0] += item.offered
        into[1] += item.handle_ms_total / 1000
        into[2] += item.handled
    # An interval with no handled contact takes the range's AHT (or 300 s with none at all).
    handled = sum(v[2] for v in volume.values())
    overall = sum(v[1] for v in volume.values()) / handled if handled else 300.0
    workloads: list[tuple[datetime, Any]] = []
    for moment, (offered, handle_s, done) in sorted(volume.items()):
        aht = handle_s / done if done and handle_s else overall
        workloads.append((moment, Workload(offered, aht, rules.interval_minutes * 60.0)))
    targets = Targets(service_level=service_level, threshold_s=threshold_s)
    rows = plan([w for _, w in workloads], targets, [staffed.get(m) for m, _ in workloads])
    return PlanOut(rows=[_row(m, r) for (m, _), r in zip(workloads, rows, strict=True)])
