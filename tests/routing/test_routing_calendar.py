"""Business hours follow the queue's local clock, across daylight-saving changes and holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from engine_helpers import FakeClock
from routing_harness import RoutingFactory

from ringway.routing.domain.calendar import BusinessHours

WEEKDAYS_9_TO_5 = {d: ((time(9), time(17)),) for d in range(5)}


def ts(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


def test_opening_follows_local_time_on_both_sides_of_a_dst_change() -> None:
    berlin = BusinessHours("Europe/Berlin", WEEKDAYS_9_TO_5)
    # Friday 27 March 2026 is CET (UTC+1); Monday 30 March is CEST (UTC+2).
    assert not berlin.is_open(ts(2026, 3, 27, 7, 59))
    assert berlin.is_open(ts(2026, 3, 27, 8, 0))
    assert not berlin.is_open(ts(2026, 3, 30, 6, 59))
    assert berlin.is_open(ts(2026, 3, 30, 7, 0))
    assert not berlin.is_open(ts(2026, 3, 30, 15, 0))


def test_weekends_and_holidays_are_closed() -> None:
    hours = BusinessHours("America/New_York", WEEKDAYS_9_TO_5,
                          holidays=frozenset({date(2026, 11, 26)}))
    assert hours.is_open(ts(2026, 11, 25, 15, 0))
    assert not hours.is_open(ts(2026, 11, 26, 15, 0))
    assert not hours.is_open(ts(2026, 11, 28, 15, 0))


async def test_a_contact_outside_business_hours_is_closed_with_the_reason(
        routing_factory: RoutingFactory) -> None:
    routing = await routing_factory(clock=FakeClock(now=ts(2026, 11, 28, 12, 0)))
    hours = {"timezone": "Europe/Berlin", "weekly": {
        day: [{"start": "08:00", "end": "18:00"}] for day in ("mon", "tue", "wed", "thu", "fri")}}
    await routing.call("PUT", "/queues/support", expect=201, json={"hours": hours})
    contact = await routing.contact()
    assert (contact["status"], contact["end_reason"]) == ("closed", "closed_hours")
    [closed] = await routing.wait_events("contact.closed", 1)
    assert closed.data["reason"] == "closed_hours"
    bad = await routing.call("PUT", "/queues/other", json={"hours": {"timezone": "Mars/Base"}})
    assert bad.status_code == 422
