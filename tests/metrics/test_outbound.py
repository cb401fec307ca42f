"""Outbound per campaign, and the alert when a compliance window nears the abandon cap."""

from __future__ import annotations

from datetime import datetime

from metrics_harness import DAY, Metrics, at, wrap
from sqlalchemy import select

from ringway.metrics import tables
from ringway.metrics.domain.outbound import OutboundRules, finished_counts, near_cap
from ringway.shared.contracts.dialer import AttemptFinished, AttemptStarted
from ringway.shared.events.envelope import Envelope


def started(attempt: str, when: datetime, campaign: str = "k1") -> Envelope:
    return wrap(AttemptStarted(campaign_id=campaign, attempt_id=attempt, mode="predictive",
                               started_at=when))


def finished(attempt: str, when: datetime, outcome: str, disposition: str | None = None,
             campaign: str = "k1") -> Envelope:
    return wrap(AttemptFinished(campaign_id=campaign, attempt_id=attempt, outcome=outcome,
                                disposition=disposition, finished_at=when))


def test_the_warning_level_is_a_share_of_the_cap() -> None:
    rules = OutboundRules(abandon_cap=0.03, warn_at=0.8)
    assert near_cap({"abandoned": 1, "connected": 40}, rules)       # 2.44 % >= 2.4 %
    assert not near_cap({"abandoned": 1, "connected": 41}, rules)   # 2.38 %
    assert not near_cap({"abandoned": 0, "connected": 0}, rules)
    assert finished_counts("human", "wrong_party", rules)["right_party"] == 0
    assert finished_counts("human", "sale", rules)["conversions"] == 1


async def alerts(metrics: Metrics) -> list[str]:
    async with metrics.app.state.runtime.uow() as uow:
        rows = (await uow.session.execute(select(tables.outbox.c.payload).where(
            tables.outbox.c.event_type == "campaign.abandon_rate_near_cap"))).all()
    return [row[0] for row in rows]


async def test_campaign_kpis_and_one_alert_per_crossing(metrics: Metrics) -> None:
    events = [started(f"a{n}", at(n % 60)) for n in range(60)]
    events += [finished(f"a{n}", at(n % 60), "human", "sale" if n < 10 else "not_interested")
               for n in range(40)]
    events += [finished(f"a{n}", at(n % 60), "no_answer") for n in range(40, 58)]
    await metrics.deliver(*events)
    assert await alerts(metrics) == []
    await metrics.deliver(finished("a58", at(59), "abandoned"))  # 1 / 41 = 2.44 % >= 2.4 %
    await metrics.deliver(finished("a59", at(59), "abandoned"))  # still near: no second alert
    raised = await alerts(metrics)
    assert len(raised) == 2  # one per window: 24 h and 30 days
    assert '"window":"24h"' in "".join(raised)
    response = await metrics.get("/kpis/campaigns", **DAY)
    assert response.status_code == 200, response.text
    [k1] = response.json()["items"]
    assert (k1["attempts"], k1["finished"], k1["connected"], k1["abandoned"]) == (60, 60, 40, 2)
    assert (k1["connect_rate"], k1["conversion_rate"]) == (40 / 60, 10 / 40)
    assert k1["abandon_rate"] == 2 / 42
