"""Configuration changes are events, and admins set the repeat window and boost over the API."""

from __future__ import annotations

import pytest
from engine_helpers import FakeClock
from routing_harness import Routing, RoutingFactory


async def test_reason_and_rule_changes_are_events_in_order_with_who_made_them(
        routing: Routing) -> None:
    await routing.call("PUT", "/reasons/billing", role="admin", subject="ops-1", expect=201,
                       json={"category": "post-sale", "label": "Billing"})
    await routing.call("PUT", "/reasons/billing", role="admin", expect=200,
                       json={"category": "post-sale", "label": "Billing question"})
    rule = (await routing.call("POST", "/routing-rules", role="admin", expect=201, json={
        "reason": "billing", "channels": ["chat"], "attributes": {"tier": "gold"},
        "queue_id": "gold-billing", "priority": 30})).json()
    await routing.call("PUT", f"/routing-rules/{rule['id']}", role="admin", expect=200,
                       json={"reason": "billing", "queue_id": "billing"})
    await routing.call("DELETE", f"/routing-rules/{rule['id']}", role="admin", expect=204)
    await routing.call("DELETE", "/reasons/billing", role="admin", expect=204)
    await routing.wait_events("contact_reason.removed", 1)
    await routing.wait_events("routing_rule.removed", 1)

    def changes_of(subject: str) -> list[str]:
        return [e.type for e in routing.events(subject=subject)]

    # In order per item (the Kafka key).
    assert changes_of("reason:billing") == [
        "contact_reason.saved", "contact_reason.saved", "contact_reason.removed"]
    assert changes_of(f"rule:{rule['id']}") == [
        "routing_rule.saved", "routing_rule.saved", "routing_rule.removed"]
    saved = routing.events("contact_reason.saved")
    assert [(e.data["created"], e.data["label"], e.data["changed_by"]) for e in saved] == [
        (True, "Billing", "ops-1"), (False, "Billing question", "tester")]
    first_rule, replaced = routing.events("routing_rule.saved")
    assert (first_rule.data["channels"], first_rule.data["attributes"],
            first_rule.data["priority"], first_rule.data["created"]) == (
        ["chat"], {"tier": "gold"}, 30, True)
    assert (replaced.data["queue_id"], replaced.data["priority"], replaced.data["created"]) == (
        "billing", None, False)
    assert routing.events("contact_reason.removed")[0].data["category"] == "post-sale"


async def test_refused_configuration_changes_emit_nothing(routing: Routing) -> None:
    await routing.call("PUT", "/reasons/billing", role="admin", expect=201,
                       json={"category": "post-sale", "label": "Billing"})
    await routing.call("POST", "/routing-rules", role="admin", expect=201,
                       json={"reason": "billing", "queue_id": "billing"})
    await routing.call("DELETE", "/reasons/billing", role="admin", expect=409)
    await routing.call("POST", "/routing-rules", role="admin", expect=422,
                       json={"reason": "nonsense", "queue_id": "billing"})
    await routing.call("DELETE", "/routing-rules/nope", role="admin", expect=404)
    await routing.call("PUT", "/routing-settings", role="admin", expect=422,
                       json={"repeat_window_s": -1, "repeat_boost": 10})
    await routing.flushed()
    await routing.wait_events("routing_rule.saved", 1)
    assert sorted(e.type for e in routing.events() if e.type.startswith(
        ("contact_reason.", "routing_rule.", "routing_settings."))) == [
        "contact_reason.saved", "routing_rule.saved"]


async def test_the_repeat_window_and_boost_come_from_the_env_until_an_admin_sets_them(
        routing_factory: RoutingFactory) -> None:
    routing = await routing_factory(repeat_window_s=3600, repeat_boost=15)
    shown = (await routing.call("GET", "/routing-settings", expect=200)).json()
    assert (shown["repeat_window_s"], shown["repeat_boost"], shown["source"]) == (
        3600, 15, "environment")
    await routing.contact(customer_id="c-1")
    assert (await routing.contact(customer_id="c-1"))["priority"] == 15

    await routing.call("PUT", "/routing-settings", expect=403,
                       json={"repeat_window_s": 60, "repeat_boost": 40})
    set_ = await routing.call("PUT", "/routing-settings", role="admin", expect=200,
                              json={"repeat_window_s": 60, "repeat_boost": 40})
    assert (set_.json()["source"], set_.json()["repeat_boost"]) == ("admin", 40)
    assert (await routing.contact(customer_id="c-1"))["priority"] == 40
    routing.clock.advance(61)
    assert (await routing.contact(customer_id="c-1"))["repeat"] is False
    [changed] = await routing.wait_events("routing_settings.changed", 1)
    assert (changed.subject, changed.data["repeat_window_s"], changed.data["repeat_boost"],
            changed.data["changed_by"]) == ("settings", 60, 40, "tester")


@pytest.mark.postgres
async def test_admin_settings_survive_a_restart_on_postgres(
        routing_factory: RoutingFactory, pg_url: str) -> None:
    clock = FakeClock(now=1_800_000_000.0)
    first = await routing_factory(clock=clock, database_url=pg_url, repeat_boost=5)
    await first.call("PUT", "/routing-settings", role="admin", expect=200,
                     json={"repeat_window_s": 600, "repeat_boost": 0})
    await first.call("PUT", "/routing-settings", role="admin", expect=200,
                     json={"repeat_window_s": 900, "repeat_boost": 25})
    second = await routing_factory(clock=clock, database_url=pg_url, repeat_boost=5)
    shown = (await second.call("GET", "/routing-settings", expect=200)).json()
    assert (shown["repeat_window_s"], shown["repeat_boost"], shown["source"]) == (
        900, 25, "admin")
    await second.contact(customer_id="c-9")
    assert (await second.contact(customer_id="c-9"))["priority"] == 25
