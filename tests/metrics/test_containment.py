"""Self-service containment and KB deflection, whichever event comes first."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from metrics_harness import DAY, Metrics, at, wrap
from test_inbound_kpis import queued

from ringway.shared.contracts.selfservice import CustomerErased, SelfServiceActionCompleted
from ringway.shared.events.envelope import Envelope


def action(session: str, name: str, when: datetime, customer: str | None = "cu1") -> Envelope:
    return wrap(SelfServiceActionCompleted(customer_id=customer, session_id=session, action=name,
                                           outcome="succeeded", occurred_at=when))


async def containment(metrics: Metrics) -> dict[str, Any]:
    response = await metrics.get("/kpis/containment", **DAY)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_sessions_followed_by_a_contact_within_a_day_are_not_contained(
        metrics: Metrics) -> None:
    await metrics.deliver(
        action("s1", "kb_search", at(0)), action("s1", "payment", at(2)),   # then a call
        action("s2", "kb_search", at(5), customer="cu2"),                    # contained
        action("s3", "order", at(6), customer="cu3"),                        # call 2 days later
        action("s4", "payment", at(7), customer=None))                       # anonymous
    await metrics.deliver(queued("c1", at(30), customer="cu1"),
                          queued("c3", at(6) + timedelta(days=2), customer="cu3"))
    body = await containment(metrics)
    assert (body["sessions"], body["escalated"], body["containment_rate"]) == (4, 1, 0.75)
    assert (body["kb_sessions"], body["kb_escalated"], body["kb_deflection_rate"]) == (2, 1, 0.5)


async def test_a_contact_seen_before_the_session_still_escalates_it(metrics: Metrics) -> None:
    await metrics.deliver(queued("c1", at(30), customer="cu1"))
    await metrics.deliver(action("s1", "kb_search", at(0)))
    assert (await containment(metrics))["escalated"] == 1


async def test_erasure_unlinks_the_customer_but_keeps_the_counts(metrics: Metrics) -> None:
    await metrics.deliver(action("s1", "kb_search", at(0)))
    await metrics.deliver(wrap(CustomerErased(customer_id="cu1", erased_at=at(1))))
    await metrics.deliver(queued("c1", at(30), customer="cu1"))
    body = await containment(metrics)
    assert (body["sessions"], body["escalated"]) == (1, 0)
