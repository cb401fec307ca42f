"""Forecast route: volume and AHT per coming interval from history, with the staffing it needs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

import numpy as np
from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from ringway.metrics import domain, service, tables
from ringway.metrics.domain import KpiRules
from ringway.metrics.domain.forecast import NotEnoughHistory, forecast, slots_per_week
from ringway.metrics.domain.staffing import Targets, Workload, required_erlang_c
from ringway.shared.contracts.common import Channel
from ringway.shared.runtime import Runtime
from ringway.shared.web.auth import Principal, Role, require
from ringway.shared.web.problems import ProblemError

router = APIRouter(tags=["forecast"])
Supervisor = Annotated[Principal, Depends(require(Role.SUPERVISOR))]


class ForecastRow(BaseModel):
    """One coming interval."""

    interval_start: datetime
    volume: float
    aht_s: float
    agents: int = Field(description="Erlang C agents for the targets (before shrinkage).")


class ForecastOut(BaseModel):
    """The forecast, and how well the same method forecast the last week of history."""

    queue_id: str | None
    channel: Channel | None
    history_weeks: int
    backtest_wape: float | None = Field(description="sum |actual - forecast| / sum actual of "
                                        "the last history week, forecast from the weeks before.")
    rows: list[ForecastRow]


@router.get("/forecast", response_model=ForecastOut,
            responses={404: {"description": "A queue metrics has never seen"},
                       422: {"description": "Less than a week of history, or bad parameters"}})
async def volume_forecast(request: Request, rt: Runtime, _: Supervisor,
                          queue_id: Annotated[str | None, Query(max_length=100)] = None,
                          channel: Channel | None = None,
                          days: Annotated[int, Query(ge=1, le=14)] = 7,
                          weeks: Annotated[int, Query(ge=1, le=12)] = 8,
                          service_level: Annotated[float, Query(ge=0, lt=1)] = 0.8,
                          threshold_s: Annotated[float, Query(ge=0, le=3600)] = 20,
                          ) -> ForecastOut:
    """Volume and AHT per interval for the coming days (weekly x intraday seasonality)."""
    rules: KpiRules = request.app.state.rules
    await service.ensure_known_queue(rt.uow, queue_id)
    minutes, week = rules.interval_minutes, slots_per_week(rules.interval_minutes)
    now = domain.floor_interval(datetime.now(UTC), minutes)
    monday = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0)
    start = monday - timedelta(weeks=weeks)  # whole weeks, ending at this week's Monday
    volume, handle_s, handled = await _history(rt, rules, start, monday, queue_id, channel)
    first = int((now - monday) / timedelta(minutes=minutes))
    horizon = days * week // 7
    try:
        result = forecast(volume, handle_s, handled, interval_minutes=minutes,
                          horizon=first + horizon, start_slot=0)
    except NotEnoughHistory as error:
        raise ProblemError(422, "Not enough history", str(error),
                           code="not-enough-history") from None
    targets = Targets(service_level=service_level, threshold_s=threshold_s)
    rows = [_row(now + timedelta(minutes=minutes * i), float(result.volume[first + i]),
                 float(result.aht_s[first + i]), minutes, targets) for i in range(horizon)]
    return ForecastOut(queue_id=queue_id, channel=channel, history_weeks=weeks,
                       backtest_wape=result.wape, rows=rows)


def _row(start: datetime, volume: float, aht: float, minutes: int,
         targets: Targets) -> ForecastRow:
    agents = required_erlang_c(Workload(volume, aht, minutes * 60.0), targets).agents \
        if aht > 0 else 0
    return ForecastRow(interval_start=start, volume=volume, aht_s=aht, agents=agents)


async def _history(rt: Runtime, rules: KpiRules, start: datetime, end: datetime,
                   queue_id: str | None, channel: Channel | None,
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    minutes = rules.interval_minutes
    size = int((end - start) / timedelta(minutes=minutes))
    volume, handle_s, handled = np.zeros(size), np.zeros(size), np.zeros(size)
    t = tables.interval_stats
    query = service.in_range(t, start, end)
    if queue_id is not None:
        query = query.where(t.c.queue_id == queue_id)
    if channel is not None:
        query = query.where(t.c.channel == channel.value)
    for row in await service.fetch(rt.uow, query):
        i = int((domain.as_utc(row["interval_start"]) - start) / timedelta(minutes=minutes))
        volume[i] += row["offered"]
        handle_s[i] += row["handle_ms_total"] / 1000
        handled[i] += row["handled"]
    return volume, handle_s, handled
