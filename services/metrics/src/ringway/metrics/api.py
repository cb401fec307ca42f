"""Metrics HTTP routes: parse, authorize, call the service."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from ringway.metrics import service
from ringway.metrics.domain import KpiRules
from ringway.metrics.schemas import IntervalKpiReport, SelfServiceReport
from ringway.shared.contracts.common import Channel
from ringway.shared.runtime import Runtime
from ringway.shared.web.auth import Principal, Role, require

router = APIRouter()

Supervisor = Annotated[Principal, Depends(require(Role.SUPERVISOR))]



def rules(request: Request) -> KpiRules:
    """The interval length and SL threshold set by create_app."""
    value: KpiRules = request.app.state.rules
    return value


Rules = Annotated[KpiRules, Depends(rules)]
Start = Annotated[datetime, Query(description="Range start, ISO 8601 (no offset: UTC).",
                                  examples=["2026-11-23T09:00:00Z"])]
End = Annotated[datetime, Query(description="Range end (exclusive), after start, at most "
                                "31 days later.", examples=["2026-11-23T17:00:00Z"])]

INVALID_RANGE: dict[int | str, dict[str, Any]] = {
    422: {"description": "Bad parameters, or a time range that is empty or over 31 days"},
}


@router.get("/kpis/intervals", tags=["kpis"], response_model=IntervalKpiReport,
            responses=INVALID_RANGE)
async def interval_kpis(start: Start, end: End, rt: Runtime, kpi_rules: Rules, _: Supervisor,
                        queue_id: Annotated[str | None, Query(max_length=100)] = None,
                        channel: Channel | None = None) -> IntervalKpiReport:
    """Offered, answered, abandoned, service level, ASA, AHT per queue, channel and interval."""
    return await service.interval_report(rt.uow, kpi_rules, start=start, end=end,
                                         queue_id=queue_id, channel=channel)


@router.get("/kpis/selfservice", tags=["kpis"], response_model=SelfServiceReport,
            responses=INVALID_RANGE)
async def selfservice_kpis(start: Start, end: End, rt: Runtime, kpi_rules: Rules,
                           _: Supervisor) -> SelfServiceReport:
    """Self-service actions per interval, action and outcome."""
    return await service.selfservice_report(rt.uow, kpi_rules, start=start, end=end)
