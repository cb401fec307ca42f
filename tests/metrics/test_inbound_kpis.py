"""The inbound KPI set over HTTP: agents, reasons, transfers, FCR, rollups, replay, erasure."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from metrics_harness import DAY, Metrics, MetricsFactory, accepted, at, intervals, wrap
from sqlalchemy import select

from ringway.metrics import tables
from ringway.shared.contracts.agents import AgentState, AgentStateChanged
from ringway.shared.contracts.common import Channel
from ringway.shared.contracts.contacts import ContactCompleted, ContactQueued, ContactTransferred
from ringway.shared.contracts.selfservice import CustomerErased
from ringway.shared.events.envelope import Envelope


def state(agent: str, previous: AgentState, new: AgentState, when: datetime,
          reason: str | None = None) -> Envelope:
    """Routing moved an agent between states."""
    return wrap(AgentStateChanged(agent_id=agent, previous=previous, state=new, reason=reason,
                                  changed_at=when))


def queued(contact: str, when: datetime, *, customer: str | None = None,
           reason: str | None = None, queue: str = "q1") -> Envelope:
    """A contact with a customer and reason entered a queue."""
    return wrap(ContactQueued(contact_id=contact, queue_id=queue, channel=Channel.VOICE,
                              arrived_at=when, customer_id=customer, reason=reason))


def completed(contact: str, when: datetime, *, customer: str | None = None,
              reason: str | None = None, resolved: bool = False) -> Envelope:
    """Handling of a contact ended, 60 s talk, 10 s hold and 20 s wrap-up."""
    return wrap(ContactCompleted(contact_id=contact, queue_id="q1", channel=Channel.VOICE,
                                 agent_id="a1", completed_at=when, talk_ms=60_000,
                                 hold_ms=10_000, wrap_up_ms=20_000, customer_id=customer,
                                 reason=reason, resolved=resolved))


AVAILABLE, BUSY, WRAP, NOT_READY, OFFLINE = (AgentState.AVAILABLE, AgentState.BUSY,
                                             AgentState.WRAP_UP, AgentState.NOT_READY,
                                             AgentState.OFFLINE)


def agent_day() -> list[Envelope]:
    """a1: 09:00 available, 09:05 busy, 09:10 wrap-up, 09:12 break, 09:20 available, 09:30 off."""
    return [state("a1", OFFLINE, AVAILABLE, at(0)), state("a1", AVAILABLE, BUSY, at(5)),
            state("a1", BUSY, WRAP, at(10)), state("a1", WRAP, NOT_READY, at(12), "break"),
            state("a1", NOT_READY, AVAILABLE, at(20)), state("a1", AVAILABLE, OFFLINE, at(30))]


async def agents(metrics: Metrics, **params: Any) -> list[dict[str, Any]]:
    response = await metrics.get("/kpis/agents", **{**DAY, **params})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_agent_state_time_gives_occupancy_utilization_and_not_ready_by_reason(
        metrics: Metrics) -> None:
    await metrics.deliver(*agent_day(), accepted("c1", at(5), waited_ms=1_000),
                          completed("c1", at(12)))
    first, second = await agents(metrics)
    minute = 60_000
    # 09:00-09:15: 5 available + 5 busy + 2 wrap-up + 3 break
    assert (first["logged_in_ms"], first["handling_ms"], first["ready_ms"]) == (
        15 * minute, 7 * minute, 12 * minute)
    assert first["occupancy"] == 7 / 12
    assert first["utilization"] == 7 / 15
    assert first["not_ready_by_reason"] == {"break": 3 * minute}
    assert (first["answered"], first["handled"], first["aht_ms"]) == (1, 1, 90_000)
    # 09:15-09:30: 5 more break, 10 available, then offline (not logged in)
    assert second["not_ready_by_reason"] == {"break": 5 * minute}
    assert second["occupancy"] == 0.0
    [hour] = await agents(metrics, interval=60)
    assert hour["logged_in_ms"] == 30 * minute


async def test_an_old_state_change_after_a_newer_one_adds_no_time(metrics: Metrics) -> None:
    events = agent_day()
    await metrics.deliver(*events[:3])
    await metrics.deliver(events[1])  # same id: the inbox drops it
    await metrics.deliver(state("a1", AVAILABLE, BUSY, at(4)))  # older than 09:10: ignored
    [row] = await agents(metrics)
    assert row["logged_in_ms"] == 10 * 60_000


async def test_reasons_are_broken_down_with_their_categories(metrics: Metrics) -> None:
    await metrics.deliver(queued("c1", at(1), reason="billing"),
                          queued("c2", at(2), reason="billing"),
                          queued("c3", at(3), reason="product_info"),
                          queued("c4", at(4), reason="odd"), queued("c5", at(5)),
                          completed("c1", at(8), reason="billing", resolved=True))
    response = await metrics.get("/kpis/reasons", **DAY)
    assert response.status_code == 200, response.text
    body = response.json()
    top = body["reasons"][0]
    assert (top["reason"], top["category"], top["offered"], top["resolved"]) == (
        "billing", "post_sale", 2, 1)
    assert body["categories"] == {"post_sale": 2, "pre_purchase": 1, "other": 1}
    assert sum(r["share"] for r in body["reasons"]) == 1.0


async def test_a_repeat_contact_within_the_window_counts_against_the_first(
        metrics: Metrics) -> None:
    await metrics.deliver(queued("c1", at(1), customer="cu1", reason="billing"),
                          completed("c1", at(5), customer="cu1", reason="billing"),
                          queued("c2", at(40), customer="cu1", reason="billing"),
                          queued("c3", at(41), customer="cu1", reason="billing"))
    rows = {r["interval_start"][11:16]: r for r in await intervals(metrics)}
    assert rows["09:00"]["repeats"] == 1  # once, however often the customer comes back
    assert rows["09:00"]["fcr_rate"] == 0.0


async def test_a_contact_queued_again_is_a_transfer_from_its_first_queue(
        metrics: Metrics) -> None:
    again = queued("c1", at(1), queue="q2")
    await metrics.deliver(queued("c1", at(1)), again)
    rows = await intervals(metrics, start="2026-11-01T00:00:00Z", end="2026-12-01T00:00:00Z")
    by_queue = {(r["queue_id"], r["transfers"], r["offered"]) for r in rows}
    assert ("q1", 0, 1) in by_queue
    assert any(q == "q1" and t == 1 for q, t, _ in by_queue)
    assert any(q == "q2" and o == 1 for q, _, o in by_queue)


async def test_a_transfer_event_counts_once_even_when_the_contact_is_queued_again(
        metrics: Metrics) -> None:
    transfer = wrap(ContactTransferred(contact_id="c1", from_agent_id="a1", queue_id="q2",
                                       channel=Channel.VOICE, transferred_at=at(3),
                                       arrived_at=at(1)))
    await metrics.deliver(queued("c1", at(1)))
    await metrics.deliver(transfer)
    await metrics.deliver(queued("c1", at(1), queue="q2"))
    rows = await intervals(metrics, start="2026-11-01T00:00:00Z", end="2026-12-01T00:00:00Z")
    assert sum(r["transfers"] for r in rows) == 1
    assert [r["transfers"] for r in rows if r["queue_id"] == "q1"] == [1]


async def test_intervals_roll_up_and_reject_lengths_not_a_multiple_of_the_base(
        metrics: Metrics) -> None:
    await metrics.deliver(accepted("c1", at(1), 5_000), accepted("c2", at(20), 50_000))
    [hour] = await intervals(metrics, interval=60)
    assert (hour["answered"], hour["longest_wait_ms"], hour["asa_ms"]) == (2, 50_000, 27_500)
    for bad in (20, 45, 7):
        response = await metrics.get("/kpis/intervals", **DAY, interval=bad)
        assert response.status_code == 422
        assert response.json()["type"].endswith("/invalid-interval")


async def test_erasure_forgets_the_customers_contact_memory(metrics: Metrics) -> None:
    await metrics.deliver(completed("c1", at(5), customer="cu1", reason="billing"))
    await metrics.deliver(wrap(CustomerErased(customer_id="cu1", erased_at=at(6))))
    async with metrics.app.state.runtime.uow() as uow:
        left = (await uow.session.execute(select(tables.customer_contacts))).all()
    assert left == []


def day_of_events() -> list[Envelope]:
    events = [*agent_day(), queued("c1", at(1), customer="cu1", reason="billing"),
              accepted("c1", at(2), 3_000), completed("c1", at(6), customer="cu1",
                                                      reason="billing"),
              queued("c2", at(50), customer="cu1", reason="billing"),
              accepted("c2", at(51), 60_000)]
    return events + [queued(f"x{n}", at(n), reason="order") for n in range(20)]


async def snapshot(metrics: Metrics) -> tuple[Any, ...]:
    reasons = (await metrics.get("/kpis/reasons", **DAY)).json()["reasons"]
    return await intervals(metrics), await agents(metrics), reasons


async def test_a_replay_in_another_order_with_duplicates_rebuilds_the_same_numbers(
        metrics_factory: MetricsFactory) -> None:
    events = day_of_events()
    first = await metrics_factory()
    await first.deliver(*events)
    # A fresh read model fed the same events, contacts shuffled (each contact's own events and
    # each agent's states keep their order, as Kafka keys guarantee) and all redelivered.
    contacts = [e for e in events if e.type != "agent.state_changed"]
    states = [e for e in events if e.type == "agent.state_changed"]
    shuffled = random.Random(4).sample(contacts, len(contacts))
    second = await metrics_factory()
    await second.deliver(*states, *sorted(shuffled, key=lambda e: e.subject != "c1"))
    await second.deliver(*events)
    assert await snapshot(second) == await snapshot(first)


async def test_intervals_export_as_csv(metrics: Metrics) -> None:
    await metrics.deliver(queued("c1", at(1)), accepted("c1", at(2), 4_000))
    response = await metrics.get("/kpis/intervals.csv", **DAY)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    header, row, *rest = response.text.splitlines()
    assert rest == []
    fields = dict(zip(header.split(","), row.split(","), strict=True))
    assert (fields["queue_id"], fields["offered"], fields["asa_ms"]) == ("q1", "1", "4000.0")
    assert fields["aht_ms"] == ""  # null
