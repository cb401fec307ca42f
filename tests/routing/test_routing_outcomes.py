"""Queue outcomes: a full, too-long or closed queue overflows, offers voicemail/callback, or
deflects to self-service, with the cause and the outcome in the event."""

from __future__ import annotations

from engine_helpers import FakeClock, agent, contact, engine_with, of_type, offers
from routing_harness import Routing

from ringway.routing.domain import QueueSpec, effects
from ringway.routing.domain.calendar import BusinessHours
from ringway.routing.domain.model import Action, Outcome

NEVER_OPEN = BusinessHours("UTC", {})


def test_a_full_queue_overflows_new_contacts_to_its_backup_queue() -> None:
    main = QueueSpec("main", max_size=1,
                     outcomes=(("queue_full", Outcome(Action.OVERFLOW, "backup")),))
    engine, _ = engine_with([main, QueueSpec("backup")], [agent("b", queues=("backup",))],
                            ready=False)
    engine.add_contact(contact("c1", "main"))
    found = engine.add_contact(contact("c2", "main"))
    [moved] = of_type(found, effects.Rerouted)
    assert isinstance(moved, effects.Rerouted)
    assert (moved.from_queue_id, moved.queue_id, moved.cause) == ("main", "backup", "queue_full")
    assert (engine.waiting["main"], engine.waiting["backup"]) == (1, 1)
    assert offers(engine.log_in("b")) == [("c2", "b")]


def test_max_wait_moves_a_waiting_contact_to_the_backup_keeping_its_arrival() -> None:
    main = QueueSpec("main", max_wait_s=60,
                     outcomes=(("max_wait", Outcome(Action.OVERFLOW, "backup")),))
    engine, clock = engine_with([main, QueueSpec("backup")],
                                [agent("m", queues=("main",)), agent("b", queues=("backup",))],
                                ready=False)
    engine.log_in("b", ready=False, reason="break")
    engine.add_contact(contact("c1", "main"))
    clock.advance(60)
    found = engine.tick()
    assert [type(e) for e in found] == [effects.Rerouted]
    engine.set_presence("b", ready=True)
    clock.advance(5)
    assert offers(engine.log_in("m")) == []
    record = engine.contacts["c1"]
    assert (record.queue_id, record.agent_id, record.transfers) == ("backup", "b", 0)
    assert record.waited(clock()) == 65


def test_max_wait_with_voicemail_closes_the_contact_with_that_outcome() -> None:
    queue = QueueSpec("q", max_wait_s=30, outcomes=(("max_wait", Outcome(Action.VOICEMAIL)),))
    engine, clock = engine_with([queue])
    engine.add_contact(contact("c1"))
    clock.advance(30)
    [closed] = of_type(engine.tick(), effects.Closed)
    assert isinstance(closed, effects.Closed)
    assert (closed.reason, closed.outcome) == ("max_wait", "voicemail")
    assert "c1" not in engine.contacts
    assert engine.waiting["q"] == 0


def test_a_closed_queue_deflects_to_self_service_and_a_closed_backup_follows_its_own_rule(
        ) -> None:
    main = QueueSpec("main", hours=NEVER_OPEN,
                     outcomes=(("closed_hours", Outcome(Action.OVERFLOW, "night")),))
    night = QueueSpec("night", hours=NEVER_OPEN,
                      outcomes=(("closed_hours", Outcome(Action.DEFLECT, target="kb:faq")),))
    engine, _ = engine_with([main, night])
    [closed] = of_type(engine.add_contact(contact("c1", "main")), effects.Closed)
    assert isinstance(closed, effects.Closed)
    assert (closed.queue_id, closed.reason, closed.outcome, closed.target) == (
        "main", "closed_hours", "deflected", "kb:faq")


def test_backup_queues_that_point_at_each_other_end_with_a_plain_close() -> None:
    a = QueueSpec("a", max_size=0, outcomes=(("queue_full", Outcome(Action.OVERFLOW, "b")),))
    b = QueueSpec("b", max_size=0, outcomes=(("queue_full", Outcome(Action.OVERFLOW, "a")),))
    engine, _ = engine_with([a, b], clock=FakeClock())
    [closed] = of_type(engine.add_contact(contact("c1", "a")), effects.Closed)
    assert isinstance(closed, effects.Closed)
    assert (closed.reason, closed.outcome) == ("queue_full", "closed")


async def queue_with(routing: Routing, queue: str, **config: object) -> None:
    await routing.call("PUT", f"/queues/{queue}", expect=201, json=config)


async def test_a_callback_offer_outcome_lets_the_customer_ask_for_a_callback_once(
        routing: Routing) -> None:
    await queue_with(routing, "support", max_wait_s=20,
                     outcomes={"max_wait": {"action": "callback"}})
    created = await routing.contact("support", customer_id="cust-1", reason="billing")
    await routing.tick(21)
    read = await routing.call("GET", f"/contacts/{created['id']}", expect=200)
    assert (read.json()["status"], read.json()["outcome"], read.json()["callback_offered"]) == (
        "closed", "callback_offer", True)
    await routing.call("POST", f"/contacts/{created['id']}/callback", role="integration",
                       expect=200, json={"phone": "+14155550100"})
    again = await routing.call("POST", f"/contacts/{created['id']}/callback",
                               role="integration", json={"phone": "+14155550100"})
    assert again.status_code == 409
    await routing.flushed()
    [closed] = routing.events("contact.closed", subject=created["id"])
    assert (closed.data["reason"], closed.data["outcome"], closed.data["contact_reason"]) == (
        "max_wait", "callback_offer", "billing")
    [asked] = routing.events("callback.requested")
    assert (asked.data["queue_id"], asked.data["customer_id"]) == ("support", "cust-1")


async def test_an_overflow_outcome_over_the_api_emits_contact_rerouted(
        routing: Routing) -> None:
    await queue_with(routing, "backup")
    await queue_with(routing, "main", max_size=1,
                     outcomes={"full": {"action": "overflow", "queue_id": "backup"}})
    await routing.contact("main")
    second = await routing.contact("main")
    assert second["queue_id"] == "backup"
    await routing.flushed()
    [moved] = routing.events("contact.rerouted", subject=second["id"])
    assert (moved.data["from_queue_id"], moved.data["queue_id"], moved.data["cause"]) == (
        "main", "backup", "queue_full")


async def test_incomplete_outcomes_are_422(routing: Routing) -> None:
    for outcome in ({"action": "overflow"}, {"action": "deflect"}, {"action": "teleport"}):
        response = await routing.call("PUT", "/queues/q", json={"outcomes": {"full": outcome}})
        assert response.status_code == 422, outcome
