"""Metrics app factory: nothing happens at import time."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI

from ringway.metrics import tables
from ringway.metrics.api import router
from ringway.metrics.batch import BatchEventRouter
from ringway.metrics.consumers import handlers
from ringway.metrics.dashboard_api import router as dashboard_router
from ringway.metrics.domain import KpiRules
from ringway.metrics.domain.outbound import OutboundRules
from ringway.metrics.forecast_api import router as forecast_router
from ringway.metrics.prune import Retention, install_pruning
from ringway.metrics.realtime_api import install_live_metrics
from ringway.metrics.realtime_api import router as realtime_router
from ringway.metrics.settings import MetricsSettings
from ringway.metrics.staffing_api import router as staffing_router
from ringway.metrics.surveys_api import router as surveys_router
from ringway.shared.bus.base import EventBus
from ringway.shared.bus.kafka import KafkaBus
from ringway.shared.runtime import ServiceRuntime, create_runtime_app
from ringway.shared.web.auth import Authenticator

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: MetricsSettings, bus: EventBus, authenticator: Authenticator, *,
               owns_bus: bool = False) -> FastAPI:
    """Build the metrics service app around a bus it may or may not own."""
    rules = KpiRules(interval_minutes=settings.interval_minutes,
                     service_level_threshold_s=settings.service_level_threshold_s,
                     short_abandon_s=settings.short_abandon_s,
                     fcr_window_h=settings.fcr_window_h)
    if owns_bus and isinstance(bus, KafkaBus):
        # Bigger polls, fewer transactions: a batch's fixed cost (claim, one upsert per table,
        # commit) is spread over more events. Set before the consumer exists.
        bus.max_poll_records = settings.consumer_batch_max
    runtime = ServiceRuntime(settings, bus, outbox=tables.outbox, inbox=tables.inbox,
                             migrations=MIGRATIONS, owns_bus=owns_bus)
    dialing = OutboundRules(abandon_cap=settings.abandon_cap, warn_at=settings.abandon_warn_at,
                            conversions=frozenset(settings.conversion_dispositions))
    # Batches of a poll in one transaction on Kafka; one event at a time in process.
    runtime.routers.append(BatchEventRouter(runtime.name, runtime.uow,
                                           handlers(rules, dialing), rules))

    app = create_runtime_app(
        runtime,
        title="Ringway metrics",
        description="KPIs per queue, channel and interval, built from the platform's events.",
        authenticator=authenticator,
        routers=[router, realtime_router, staffing_router, forecast_router, surveys_router,
                 dashboard_router],
        openapi_tags=[
            {"name": "kpis", "description": "Service level, ASA, AHT, abandonment and "
             "self-service counts per interval."},
            {"name": "realtime", "description": "Live wallboard, as JSON or server-sent events."},
            {"name": "forecast", "description": "Volume and handle-time forecast with backtest."},
            {"name": "dashboard", "description": "The supervisors' dashboard page."},
            {"name": "surveys", "description": "Post-contact survey answers (CSAT, NPS)."},
            {"name": "staffing", "description": "Erlang C / Erlang A required agents, what-if, "
             "and required vs logged-in agents."},
        ],
    )
    app.state.rules = rules
    app.state.reason_categories = dict(settings.reason_categories)
    install_live_metrics(app, runtime, rules)
    keep = Retention(finished_contacts=timedelta(hours=settings.finished_contact_retention_h),
                     stale_waiting=timedelta(hours=settings.stale_waiting_h),
                     contacts_seen=timedelta(days=settings.contact_memory_days),
                     customer_contacts=timedelta(hours=2 * settings.fcr_window_h))
    install_pruning(runtime, keep, settings.prune_interval_s)
    return app
