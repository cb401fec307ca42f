"""Metrics HTTP routes: parse, authorize, call the service."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from ringway.metrics import containment, outbound, reports, service
from ringway.metrics.domain import KpiRules
from ringway.metrics.schemas import (
    AgentKpiReport,
    CampaignReport,
    ContainmentRead,
    IntervalKpiRead,
    IntervalKpiReport,
    ReasonReport,
    SelfServiceReport,
)
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

Interval = Annotated[int | None, Query(
    description="Roll intervals up to this many minutes: a multiple of the base interval that "
    "divides an hour (15, 30, 60).", ge=1, le=60)]
QueueId = Annotated[str | None, Query(max_length=100)]

INVALID_RANGE: dict[int | str, dict[str, Any]] = {
    404: {"description": "A queue metrics has never seen an event of"},
    422: {"description": "Bad parameters, or a time range that is empty or over 31 days"},
}


@router.get("/kpis/intervals", tags=["kpis"], response_model=IntervalKpiReport,
            responses=INVALID_RANGE)
async def interval_kpis(start: Start, end: End, rt: Runtime, kpi_rules: Rules, _: Supervisor,
                        queue_id: QueueId = None, channel: Channel | None = None,
                        interval: Interval = None) -> IntervalKpiReport:
    """The inbound KPI set per queue, channel and interval (see docs/metrics/kpis.md)."""
    return await service.interval_report(rt.uow, kpi_rules, start=start, end=end,
                                         queue_id=queue_id, channel=channel,
                                         interval_minutes=interval)


@router.get("/kpis/intervals.csv", tags=["kpis"], response_class=Response,
            responses={200: {"content": {"text/csv": {}}}, **INVALID_RANGE})
async def interval_kpis_csv(start: Start, end: End, rt: Runtime, kpi_rules: Rules,
                            _: Supervisor, queue_id: QueueId = None,
                            channel: Channel | None = None,
                            interval: Interval = None) -> Response:
    """The same rows as /kpis/intervals, as CSV (one header line, empty cells for nulls)."""
    report = await service.interval_report(rt.uow, kpi_rules, start=start, end=end,
                                           queue_id=queue_id, channel=channel,
                                           interval_minutes=interval)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(IntervalKpiRead.model_fields))
    writer.writeheader()
    for item in report.items:
        writer.writerow(item.model_dump(mode="json"))
    return Response(buffer.getvalue(), media_type="text/csv", headers={
        "Content-Disposition": 'attachment; filename="ringway-intervals.csv"'})


@router.get("/kpis/agents", tags=["kpis"], response_model=AgentKpiReport,
            responses=INVALID_RANGE)
async def agent_kpis(start: Start, end: End, rt: Runtime, kpi_rules: Rules, _: Supervisor,
                     agent_id: Annotated[str | None, Query(max_length=100)] = None,
                     interval: Interval = None) -> AgentKpiReport:
    """Per agent: contacts, AHT split, occupancy, utilization, not-ready time by reason."""
    return await reports.agent_report(rt.uow, kpi_rules, start=start, end=end,
                                      agent_id=agent_id, interval_minutes=interval)


@router.get("/kpis/reasons", tags=["kpis"], response_model=ReasonReport,
            responses=INVALID_RANGE)
async def reason_kpis(start: Start, end: End, rt: Runtime, request: Request, _: Supervisor,
                      queue_id: QueueId = None,
                      channel: Channel | None = None) -> ReasonReport:
    """Contact reasons breakdown: per reason and per category (pre-purchase, post-sale)."""
    categories: dict[str, str] = request.app.state.reason_categories
    return await reports.reason_report(rt.uow, categories, start=start, end=end,
                                       queue_id=queue_id,
                                       channel=channel.value if channel else None)


@router.get("/kpis/selfservice", tags=["kpis"], response_model=SelfServiceReport,
            responses=INVALID_RANGE)
async def selfservice_kpis(start: Start, end: End, rt: Runtime, kpi_rules: Rules,
                           _: Supervisor) -> SelfServiceReport:
    """Self-service actions per interval, action and outcome."""
    return await service.selfservice_report(rt.uow, kpi_rules, start=start, end=end)


@router.get("/kpis/containment", tags=["kpis"], response_model=ContainmentRead,
            responses=INVALID_RANGE)
async def containment_kpis(start: Start, end: End, rt: Runtime,
                           _: Supervisor) -> ContainmentRead:
    """Self-service containment and knowledge-base deflection of sessions started in range."""
    return await containment.report(rt.uow, start=start, end=end)


@router.get("/kpis/campaigns", tags=["kpis"], response_model=CampaignReport,
            responses=INVALID_RANGE)
async def campaign_kpis(start: Start, end: End, rt: Runtime, _: Supervisor) -> CampaignReport:
    """Outbound per campaign: attempts, connect, right-party, conversion and abandon rates."""
    return await outbound.report(rt.uow, start=start, end=end, now=datetime.now(UTC))
