"""Offers are reservations: accept, reject, timeout, misses, and the contact keeps its place."""

from __future__ import annotations

import pytest
from engine_helpers import CHAT, agent, contact, engine_with, of_type, offers

from ringway.routing.domain import (
    ContactStatus,
    InvalidTransition,
    Presence,
    QueueSpec,
    UnknownEntity,
    effects,
)
from ringway.shared.contracts.agents import AgentState


def test_an_offer_expires_and_goes_to_the_next_agent() -> None:
    engine, clock = engine_with([QueueSpec("q", accept_timeout_s=10)], [agent("a1")])
    clock.advance(1)
    engine.put_agent(agent("a2"))
    engine.log_in("a2")
    assert offers(engine.add_contact(contact("c1"))) == [("c1", "a1")]
    clock.advance(10)
    found = engine.tick()
    [ended] = of_type(found, effects.OfferEnded)
    assert isinstance(ended, effects.OfferEnded)
    assert (ended.agent_id, ended.outcome, ended.reservation_id) == ("a1", "expired", "c1.1")
    assert offers(found) == [("c1", "a2")]


def test_accepting_an_expired_reservation_is_refused_with_the_current_state() -> None:
    engine, clock = engine_with([QueueSpec("q", accept_timeout_s=10)], [agent("a1")])
    engine.add_contact(contact("c1"))
    clock.advance(10.5)
    with pytest.raises(InvalidTransition) as error:
        engine.accept("c1", "a1")
    assert error.value.state == "queued"


def test_a_rejected_contact_keeps_its_place_and_is_not_offered_to_the_same_agent_again() -> None:
    engine, clock = engine_with([QueueSpec("q")], [agent("a1")])
    engine.add_contact(contact("first"))
    clock.advance(5)
    engine.add_contact(contact("second"))
    found = engine.reject("first", "a1")
    assert offers(found) == [("second", "a1")]
    engine.accept("second", "a1")
    engine.put_agent(agent("a2"))
    assert offers(engine.log_in("a2")) == [("first", "a2")]


def test_missed_offers_set_the_agent_not_ready_after_the_configured_number() -> None:
    engine, clock = engine_with([QueueSpec("q", accept_timeout_s=5)], [agent("a1")],
                                max_missed_offers=2)
    engine.add_contact(contact("c1"))
    clock.advance(5)
    engine.tick()
    engine.add_contact(contact("c2"))
    assert engine.agents["a1"].presence is Presence.READY
    found = engine.reject("c2", "a1")
    [change] = [e for e in of_type(found, effects.AgentChanged)
                if isinstance(e, effects.AgentChanged) and e.state is AgentState.NOT_READY]
    assert isinstance(change, effects.AgentChanged)
    assert change.reason == "missed_offer"
    assert offers(found) == []
    assert engine.position("c1") == 1
    assert engine.position("c2") == 2


def test_an_accept_resets_the_miss_count() -> None:
    engine, clock = engine_with([QueueSpec("q", accept_timeout_s=5)], [agent("a1")],
                                max_missed_offers=2)
    engine.add_contact(contact("c1"))
    clock.advance(5)
    engine.tick()
    engine.add_contact(contact("c2"))
    engine.accept("c2", "a1")
    assert engine.agents["a1"].missed == 0


def test_only_the_reserved_agent_may_accept() -> None:
    engine, _ = engine_with([QueueSpec("q")], [agent("a1"), agent("a2")])
    [(_, chosen)] = offers(engine.add_contact(contact("c1")))
    other = "a2" if chosen == "a1" else "a1"
    with pytest.raises(InvalidTransition):
        engine.accept("c1", other)
    engine.accept("c1", chosen)
    with pytest.raises(InvalidTransition) as error:
        engine.accept("c1", chosen)
    assert error.value.state == "accepted"


def test_unknown_ids_are_reported_as_unknown() -> None:
    engine, _ = engine_with([QueueSpec("q")], [agent("a1")])
    with pytest.raises(UnknownEntity):
        engine.accept("nope", "a1")
    with pytest.raises(UnknownEntity):
        engine.add_contact(contact("c1", "no-queue"))
    with pytest.raises(UnknownEntity):
        engine.log_in("ghost")


def test_completing_a_contact_never_accepted_is_refused() -> None:
    engine, _ = engine_with([QueueSpec("q")], [agent("a1")])
    engine.add_contact(contact("c1"))
    with pytest.raises(InvalidTransition) as error:
        engine.complete("c1", "a1", disposition=None, resolved=False)
    assert error.value.state == "offered"


def test_an_agent_with_no_capacity_cannot_be_ready() -> None:
    engine, _ = engine_with([QueueSpec("q")], [agent("a1", capacity={})], ready=False)
    with pytest.raises(InvalidTransition):
        engine.log_in("a1")
    engine.log_in("a1", ready=False, reason="training")
    with pytest.raises(InvalidTransition):
        engine.set_presence("a1", ready=True)


def test_logging_out_withdraws_open_offers_and_refuses_while_handling() -> None:
    engine, _ = engine_with([QueueSpec("q")], [agent("a1")])
    engine.add_contact(contact("c1", channel=CHAT))
    engine.add_contact(contact("c2", channel=CHAT))
    engine.accept("c1", "a1")
    with pytest.raises(InvalidTransition):
        engine.log_out("a1")
    engine.complete("c1", "a1", disposition=None, resolved=True)
    found = engine.log_out("a1")
    assert [e.outcome for e in of_type(found, effects.OfferEnded)
            if isinstance(e, effects.OfferEnded)] == ["withdrawn"]
    assert engine.contacts["c2"].status is ContactStatus.QUEUED
    assert engine.agents["a1"].state is AgentState.OFFLINE


def test_not_ready_reason_changes_are_events_too() -> None:
    engine, _ = engine_with([QueueSpec("q")], [agent("a1")])
    engine.set_presence("a1", ready=False, reason="break")
    found = engine.set_presence("a1", ready=False, reason="lunch")
    [change] = of_type(found, effects.AgentChanged)
    assert isinstance(change, effects.AgentChanged)
    assert (change.previous, change.state, change.reason) == (
        AgentState.NOT_READY, AgentState.NOT_READY, "lunch")


def test_a_not_ready_agent_finishes_current_work_but_gets_no_new_offers() -> None:
    engine, _ = engine_with([QueueSpec("q")], [agent("a1")])
    engine.add_contact(contact("c1", channel=CHAT))
    engine.accept("c1", "a1")
    engine.set_presence("a1", ready=False, reason="meeting")
    assert offers(engine.add_contact(contact("c2", channel=CHAT))) == []
    found = engine.complete("c1", "a1", disposition=None, resolved=True)
    assert offers(found) == []
    assert engine.agents["a1"].state is AgentState.NOT_READY
