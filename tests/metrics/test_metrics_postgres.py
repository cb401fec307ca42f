"""The same aggregates on real PostgreSQL: dialect upserts, timestamptz bounds, migrations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from metrics_harness import (
    DAY,
    MetricsFactory,
    accepted,
    action,
    at,
    intervals,
    queued,
)

pytestmark = pytest.mark.postgres


async def test_contacts_counted_once_and_concurrently_on_postgres(
        metrics_factory: MetricsFactory, pg_url: str) -> None:
    metrics = await metrics_factory(database_url=pg_url)
    first = queued("c0", at(1))
    await metrics.deliver(first, *(queued(f"c{n}", at(n % 15)) for n in range(1, 40)),
                          accepted("c0", at(2), waited_ms=20_000))
    await metrics.deliver(first)
    [row] = await intervals(metrics)
    assert (row["offered"], row["answered_within_sl"], row["service_level"]) == (40, 1, 1.0)
    assert metrics.router.duplicates == 1


async def test_offsets_and_ranges_on_postgres(metrics_factory: MetricsFactory,
                                              pg_url: str) -> None:
    metrics = await metrics_factory(database_url=pg_url)
    plus2 = timezone(timedelta(hours=2))
    await metrics.deliver(queued("c1", datetime(2026, 11, 23, 11, 20, tzinfo=plus2)),
                          action("payment", "succeeded", datetime(2026, 11, 23, 9, 1, tzinfo=UTC)))
    [row] = await intervals(metrics, start="2026-11-23T11:15:00+02:00",
                            end="2026-11-23T11:30:00+02:00")
    assert row["interval_start"] == "2026-11-23T09:15:00Z"
    response = await metrics.get("/kpis/selfservice", **DAY)
    assert [r["count"] for r in response.json()["items"]] == [1]


async def test_the_full_kpi_set_replays_identically_on_postgres(
        metrics_factory: MetricsFactory, pg_url: str) -> None:
    from test_containment import action as session_action
    from test_inbound_kpis import day_of_events, snapshot
    from test_outbound import finished, started

    events = [*day_of_events(), session_action("s1", "kb_search", at(0)),
              started("a1", at(1)), finished("a1", at(2), "abandoned")]
    first = await metrics_factory(database_url=pg_url)
    await first.deliver(*events)
    await first.deliver(*events)  # all redelivered: the inbox drops them
    reference = await snapshot(first)
    rows = reference[0]
    assert sum(r["repeats"] for r in rows) == 1
    assert (await first.get("/kpis/containment", **DAY)).json()["escalated"] == 1
    campaign = (await first.get("/kpis/campaigns", **DAY)).json()["items"][0]
    assert campaign["abandoned"] == 1
