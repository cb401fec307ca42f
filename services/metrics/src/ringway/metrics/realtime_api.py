"""Wallboard routes (snapshot and server-sent events) and the live KPIs for Prometheus."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import StreamingResponse
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from ringway.metrics import realtime
from ringway.metrics.domain import KpiRules
from ringway.shared.runtime import Runtime, ServiceRuntime
from ringway.shared.web.auth import Principal, Role, require

router = APIRouter(tags=["realtime"])
Watcher = Annotated[Principal, Depends(require(Role.SUPERVISOR, Role.AGENT))]
log = logging.getLogger(__name__)
REFRESH_S = 5.0


@router.get("/realtime")
async def wallboard(request: Request, rt: Runtime, _: Watcher) -> dict[str, Any]:
    """Queue depth, oldest waiting contact, agents by state, service level so far today."""
    rules: KpiRules = request.app.state.rules
    return await realtime.snapshot(rt.uow, rules, datetime.now(UTC))


@router.get("/realtime/stream", response_class=StreamingResponse,
            responses={200: {"content": {"text/event-stream": {}}}})
async def wallboard_stream(request: Request, rt: Runtime, _: Watcher,
                           limit: Annotated[int | None, Query(ge=1, le=100_000)] = None,
                           ) -> StreamingResponse:
    """Server-sent events: the wallboard now and on every change (within a second)."""
    rules: KpiRules = request.app.state.rules
    return StreamingResponse(realtime.stream(rt.uow, rules, limit),
                             media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


class WallboardCollector(Collector):
    """Live KPIs as Prometheus gauges, from the snapshot a background task keeps fresh."""

    def __init__(self, skipped: Callable[[], int] = lambda: 0) -> None:
        self.latest: dict[str, Any] = {"queues": [], "agents_by_state": {}}
        self.skipped = skipped

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        """Gauges per queue and channel, and agents per state."""
        labels = ["queue", "channel"]
        gauges = {
            "waiting": GaugeMetricFamily("ringway_queue_waiting", "Contacts waiting",
                                         labels=labels),
            "oldest_wait_s": GaugeMetricFamily("ringway_queue_oldest_wait_seconds",
                                               "Wait of the oldest waiting contact", labels=labels),
            "service_level_today": GaugeMetricFamily(
                "ringway_queue_service_level_today", "Service level so far today", labels=labels),
            "offered_today": GaugeMetricFamily("ringway_queue_offered_today",
                                               "Contacts offered today", labels=labels),
        }
        for queue in self.latest["queues"]:
            for name, gauge in gauges.items():
                if queue.get(name) is not None:
                    gauge.add_metric([queue["queue_id"], queue["channel"]], float(queue[name]))
        agents = GaugeMetricFamily("ringway_agents", "Agents per state", labels=["state"])
        for state, count in self.latest["agents_by_state"].items():
            agents.add_metric([state], float(count))
        yield from [*gauges.values(), agents]
        yield CounterMetricFamily("ringway_metrics_events_skipped",
                                  "Events of an unknown type or version, skipped and logged",
                                  value=float(self.skipped()))


def install_live_metrics(app: FastAPI, runtime: ServiceRuntime, rules: KpiRules) -> None:
    """Register the collector and refresh it while the app runs."""
    routers = runtime.routers
    collector = WallboardCollector(
        lambda: sum(int(getattr(r, "unknown", 0)) for r in routers))
    app.state.metrics_registry.register(collector)
    inner = app.router.lifespan_context

    async def refresh() -> None:
        while True:
            try:
                collector.latest = await realtime.snapshot(runtime.uow, rules, datetime.now(UTC))
            except Exception:  # the gauges stay stale, the service stays up
                log.exception("wallboard refresh failed")
            await asyncio.sleep(REFRESH_S)

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[Any]:
        async with inner(application) as state:
            task = asyncio.create_task(refresh())
            try:
                yield state
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    app.router.lifespan_context = lifespan
