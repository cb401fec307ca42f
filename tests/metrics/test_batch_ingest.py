"""Batched ingestion: the same numbers as one event at a time, and redeliveries count once."""

from __future__ import annotations

import json
from typing import Any

import pytest
from metrics_harness import (
    DAY,
    Metrics,
    MetricsFactory,
    abandoned,
    accepted,
    at,
    completed,
    queued,
    wrap,
)

from ringway.metrics.batch import BatchEventRouter, UnreadableEvent
from ringway.shared.bus.base import Delivery, PoisonRecord, Record
from ringway.shared.contracts.agents import AgentState, AgentStateChanged
from ringway.shared.contracts.common import Channel
from ringway.shared.contracts.contacts import ContactQueued, ContactTransferred
from ringway.shared.events.envelope import Envelope
from ringway.shared.events.registry import REGISTRY


def day_of_events() -> list[Envelope]:
    """Contacts answered, abandoned, transferred; an agent changing state; out of order."""
    state = [(AgentState.AVAILABLE, AgentState.NOT_READY, 0), (AgentState.NOT_READY,
                                                          AgentState.AVAILABLE, 7)]
    events = [wrap(AgentStateChanged(agent_id="a1", previous=p, state=s, changed_at=at(m),
                                     reason="break" if s is AgentState.NOT_READY else None))
              for p, s, m in state]
    events += [queued("c1", at(1)), accepted("c1", at(1.2), 12_000),
               completed("c1", at(6), 200_000, 10_000, 30_000),
               queued("c2", at(2)), abandoned("c2", at(2.7)),
               completed("c3", at(20), 60_000, 0, 5_000),  # arrives before its queued
               queued("c3", at(16)), accepted("c3", at(16.1), 6_000),
               wrap(ContactTransferred(contact_id="c3", from_agent_id="a1", queue_id="q2",
                                       channel=Channel.VOICE, transferred_at=at(17),
                                       arrived_at=at(16))),
               wrap(ContactQueued(contact_id="c4", queue_id="q1", channel=Channel.CHAT,
                                  arrived_at=at(18), reason="billing", customer_id="cu9"))]
    return events


def deliveries(envelopes: list[Envelope], first_offset: int = 0) -> list[Delivery]:
    records = [Record.of(REGISTRY.model(e.type).topic if e.source != "elsewhere"
                         else "contacts", e) for e in envelopes]
    return [Delivery(r.topic, 0, first_offset + i, r.key, r.value, r.headers)
            for i, r in enumerate(records)]


async def everything(metrics: Metrics) -> dict[str, Any]:
    """What a supervisor reads about the day, from every report the events feed."""
    reports = {}
    for path in ("/kpis/intervals", "/kpis/agents", "/kpis/reasons"):
        response = await metrics.get(path, **DAY)
        assert response.status_code == 200, response.text
        reports[path] = response.json()
    return reports


def batch_router(metrics: Metrics) -> BatchEventRouter:
    router = metrics.router
    assert isinstance(router, BatchEventRouter)
    return router


async def test_a_batch_gives_the_numbers_of_one_event_at_a_time(
        metrics_factory: MetricsFactory) -> None:
    events = day_of_events()
    one_by_one, batched = await metrics_factory(), await metrics_factory()
    await one_by_one.deliver(*events)
    await batch_router(batched).handle_batch(deliveries(events))
    assert batch_router(batched).handled == len(events)
    assert await everything(batched) == await everything(one_by_one)
    [c1_row] = [r for r in (await everything(batched))["/kpis/intervals"]["items"]
                if r["queue_id"] == "q1" and r["channel"] == "voice"
                and r["interval_start"].startswith("2026-11-23T09:00")]
    assert (c1_row["offered"], c1_row["answered"], c1_row["abandoned"]) == (2, 1, 1)


async def test_redelivered_events_never_count_twice_in_or_across_batches(
        metrics_factory: MetricsFactory) -> None:
    events = day_of_events()
    reference, batched = await metrics_factory(), await metrics_factory()
    await reference.deliver(*events)
    router = batch_router(batched)
    first, second = events[:6], events[6:]
    await router.handle_batch(deliveries(first + first[:3]))  # repeated inside the batch
    await router.handle_batch(deliveries(first + second, first_offset=9))  # redelivered too
    await router.handle_batch(deliveries(second))  # a whole batch again, as after a crash
    assert router.handled == len(events)
    assert router.duplicates == 3 + len(first) + len(second)
    assert await everything(batched) == await everything(reference)


async def test_an_unknown_type_is_counted_and_skipped_and_the_batch_goes_on(
        metrics: Metrics) -> None:
    router = batch_router(metrics)
    stranger = Envelope(type="contact.teleported", source="elsewhere", subject="c1",
                        data={"contact_id": "c1"})
    await router.handle_batch(deliveries([stranger, queued("c1", at(1))]))
    assert router.unknown == 1
    assert router.handled == 1
    rows = (await metrics.get("/kpis/intervals", **DAY)).json()["items"]
    assert [r["offered"] for r in rows] == [1]
    text = (await metrics.get("/metrics")).text  # ops see the count
    assert "ringway_metrics_events_skipped_total 1.0" in text


async def test_an_unknown_version_is_counted_and_dead_lettered_alone(metrics: Metrics) -> None:
    router = batch_router(metrics)
    future = queued("c1", at(1)).model_copy(update={"schemaversion": 9})
    value = json.loads(future.to_bytes())
    record = Record("contacts", "c1", json.dumps(value).encode())
    delivery = Delivery(record.topic, 0, 0, record.key, record.value, record.headers)
    # In a batch it fails the batch, which the bus then hands over one by one.
    with pytest.raises(UnreadableEvent):
        await router.handle_batch([delivery, *deliveries([queued("c0", at(0))], 1)])
    with pytest.raises(PoisonRecord):  # dead-lettered, alone
        await router(delivery)
    assert router.unknown == 1  # counted once, not once per attempt
    await metrics.deliver(queued("c2", at(2)))  # the consumer keeps going
    rows = (await metrics.get("/kpis/intervals", **DAY)).json()["items"]
    assert [r["offered"] for r in rows] == [1]


@pytest.mark.postgres
async def test_batches_of_the_full_kpi_set_match_one_by_one_on_postgres(
        metrics_factory: MetricsFactory, pg_url: str) -> None:
    from test_containment import action as session_action
    from test_inbound_kpis import day_of_events as full_day
    from test_inbound_kpis import snapshot
    from test_outbound import finished, started

    # Outbound and containment handlers read with SQL: the batch sends its writes first.
    events = [*full_day(), session_action("s1", "kb_search", at(0)), started("a1", at(1)),
              finished("a1", at(2), "abandoned"), *day_of_events()]
    reference = await metrics_factory()
    await reference.deliver(*events)
    batched = await metrics_factory(database_url=pg_url)
    router = batch_router(batched)
    half = len(events) // 2
    await router.handle_batch(deliveries(events[:half]))
    await router.handle_batch(deliveries(events))  # the first half again: nothing changes
    assert router.duplicates == half
    assert await snapshot(batched) == await snapshot(reference)
    assert await everything(batched) == await everything(reference)


@pytest.mark.parametrize("on_postgres", [False, pytest.param(True, marks=pytest.mark.postgres)])
async def test_a_fast_decoded_batch_is_folded_during_its_claim_with_the_same_numbers(
        metrics_factory: MetricsFactory, request: pytest.FixtureRequest,
        on_postgres: bool) -> None:
    events = day_of_events()[:-1]  # without the customer's contact: all fast-decoded
    reference = await metrics_factory()
    batched = await metrics_factory(**({"database_url": request.getfixturevalue("pg_url")}
                                       if on_postgres else {}))
    await reference.deliver(*events)
    router = batch_router(batched)
    await router.handle_batch(deliveries(events[:8]))
    assert router.overlapped == 1
    await router.handle_batch(deliveries(events[5:], first_offset=8))  # 3 redelivered
    assert router.overlapped == 1  # a repeat: its fold was thrown away and done again
    await router.handle_batch(deliveries(events[5:], first_offset=20))  # all repeats
    assert (router.handled, router.duplicates) == (len(events), 3 + len(events[5:]))
    assert await everything(batched) == await everything(reference)
