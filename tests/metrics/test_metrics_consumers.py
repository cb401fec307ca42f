"""Contact and self-service events folded into interval aggregates, each counted exactly once."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from metrics_harness import (
    DAY,
    Metrics,
    MetricsFactory,
    abandoned,
    accepted,
    action,
    at,
    completed,
    intervals,
    queued,
)

from ringway.shared.contracts.common import Channel

EXPECTED_KEYS = ("interval_start", "queue_id", "channel", "offered", "answered", "abandoned",
                 "answered_within_sl", "wait_ms_total", "handled", "handle_ms_total",
                 "service_level", "asa_ms", "aht_ms", "abandon_rate")


async def test_contact_lifecycle_adds_up_to_interval_kpis(metrics: Metrics) -> None:
    await metrics.deliver(
        queued("c1", at(1)), queued("c2", at(5)), queued("c3", at(14.99)),
        accepted("c1", at(2), waited_ms=5_000), accepted("c2", at(6), waited_ms=25_000),
        abandoned("c3", at(14.995)), completed("c1", at(10), talk=60_000, hold=5_000,
                                               wrap_up=15_000),
    )
    [row] = await intervals(metrics)
    assert {k: row[k] for k in EXPECTED_KEYS} == {
        "interval_start": "2026-11-23T09:00:00Z", "queue_id": "q1", "channel": "voice",
        "offered": 3, "answered": 2, "abandoned": 1, "answered_within_sl": 1,
        "wait_ms_total": 30_000, "handled": 1, "handle_ms_total": 80_000,
        "service_level": pytest.approx(1 / 3), "asa_ms": 15_000.0, "aht_ms": 80_000.0,
        "abandon_rate": pytest.approx(1 / 3),
    }
    assert (row["talk_ms_total"], row["hold_ms_total"], row["wrap_up_ms_total"]) == (
        60_000, 5_000, 15_000)
    assert row["longest_wait_ms"] == 40_000  # the abandoned contact's wait


async def test_each_event_counts_in_the_interval_of_its_own_time(metrics: Metrics) -> None:
    await metrics.deliver(queued("c1", at(14)), accepted("c1", at(16), waited_ms=120_000),
                          completed("c1", at(31), talk=1_000, hold=0, wrap_up=0))
    rows = await intervals(metrics)
    assert [(r["interval_start"][11:16], r["offered"], r["answered"], r["handled"])
            for r in rows] == [("09:00", 1, 0, 0), ("09:15", 0, 1, 0), ("09:30", 0, 0, 1)]
    assert rows[0]["asa_ms"] is None
    assert rows[1]["service_level"] == 0.0
    assert rows[2]["aht_ms"] == 1_000.0


async def test_rows_are_per_queue_and_channel_and_filterable(metrics: Metrics) -> None:
    await metrics.deliver(queued("c1", at(1)), queued("c2", at(2), channel=Channel.CHAT),
                          queued("c3", at(3), queue="q2"), queued("c4", at(4), queue="q2"))
    rows = await intervals(metrics)
    assert [(r["queue_id"], r["channel"], r["offered"]) for r in rows] == [
        ("q1", "chat", 1), ("q1", "voice", 1), ("q2", "voice", 2)]
    assert [r["offered"] for r in await intervals(metrics, queue_id="q2")] == [2]
    assert [r["queue_id"] for r in await intervals(metrics, channel="chat")] == ["q1"]
    assert await intervals(metrics, queue_id="q1", channel="email") == []


async def test_arrival_with_an_offset_is_bucketed_in_utc(metrics: Metrics) -> None:
    # 11:20 at +02:00 is 09:20 UTC: the 09:15 UTC interval.
    await metrics.deliver(queued("c1", datetime(2026, 11, 23, 11, 20,
                                                tzinfo=timezone(timedelta(hours=2)))))
    [row] = await intervals(metrics)
    assert row["interval_start"] == "2026-11-23T09:15:00Z"


async def test_range_selects_intervals_starting_in_it(metrics: Metrics) -> None:
    await metrics.deliver(queued("c1", at(0)), queued("c2", at(15)), queued("c3", at(30)))
    rows = await intervals(metrics, start="2026-11-23T09:15:00Z", end="2026-11-23T09:30:00Z")
    assert [r["interval_start"] for r in rows] == ["2026-11-23T09:15:00Z"]
    rows = await intervals(metrics, start="2026-11-23T11:00:00+02:00",
                           end="2026-11-23T11:30:01+02:00")
    assert [r["interval_start"] for r in rows] == ["2026-11-23T09:00:00Z",
                                                   "2026-11-23T09:15:00Z",
                                                   "2026-11-23T09:30:00Z"]


async def test_interval_and_threshold_come_from_settings(metrics_factory: MetricsFactory) -> None:
    metrics = await metrics_factory(interval_minutes=60, service_level_threshold_s=10)
    await metrics.deliver(queued("c1", at(1)), queued("c2", at(59)),
                          accepted("c1", at(2), waited_ms=10_000),
                          accepted("c2", at(59.5), waited_ms=10_001))
    response = await metrics.get("/kpis/intervals", **DAY)
    body = response.json()
    assert (body["interval_minutes"], body["service_level_threshold_s"]) == (60, 10)
    [row] = body["items"]
    assert (row["offered"], row["answered"], row["answered_within_sl"]) == (2, 2, 1)
    assert row["service_level"] == 0.5


async def test_redelivered_envelope_counts_once(metrics: Metrics) -> None:
    first = queued("c1", at(1))
    answer = accepted("c1", at(2), waited_ms=4_000)
    await metrics.deliver(first, answer)
    await metrics.deliver(first, answer)  # the same ids again, as after a crash before commit
    await metrics.deliver(first)
    [row] = await intervals(metrics)
    assert (row["offered"], row["answered"], row["wait_ms_total"]) == (1, 1, 4_000)
    assert (metrics.router.handled, metrics.router.duplicates) == (2, 3)


async def test_same_facts_in_new_envelopes_count_again(metrics: Metrics) -> None:
    # Dedup is by event id, not by content: a contact queued again is offered anew.
    await metrics.deliver(queued("c1", at(1)), queued("c1", at(1)))
    rows = await intervals(metrics, start="2026-11-01T00:00:00Z", end="2026-12-01T00:00:00Z")
    assert sum(r["offered"] for r in rows) == 2


async def test_concurrent_increments_of_one_row_are_not_lost(metrics: Metrics) -> None:
    # Different contact ids spread over partitions, so handlers upsert the same row at once.
    await metrics.deliver(*(queued(f"c{n}", at(n % 15)) for n in range(60)))
    [row] = await intervals(metrics)
    assert row["offered"] == 60


async def test_selfservice_actions_counted_per_action_and_outcome(metrics: Metrics) -> None:
    payment = action("payment", "succeeded", at(1))
    await metrics.deliver(payment, action("payment", "succeeded", at(14)),
                          action("payment", "failed", at(3)), action("order", "succeeded", at(16)))
    await metrics.deliver(payment)
    response = await metrics.get("/kpis/selfservice", **DAY)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["interval_minutes"] == 15
    assert [(r["interval_start"][11:16], r["action"], r["outcome"], r["count"])
            for r in body["items"]] == [("09:00", "payment", "failed", 1),
                                        ("09:00", "payment", "succeeded", 2),
                                        ("09:15", "order", "succeeded", 1)]
