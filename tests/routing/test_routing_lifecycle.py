"""Hold, transfer, wrap-up, abandon, outbound connect limits, queue limits, reassignment."""

from __future__ import annotations

import pytest
from engine_helpers import CHAT, EMAIL, agent, contact, engine_with, of_type, offers

from ringway.routing.domain import InvalidRequest, QueueSpec, effects
from ringway.shared.contracts.agents import AgentState


def test_hold_time_is_reported_apart_from_talk_time() -> None:
    engine, clock = engine_with([QueueSpec("q")], [agent("a1")])
    engine.add_contact(contact("c1"))
    engine.accept("c1", "a1")
    clock.advance(10)
    engine.hold("c1", "a1", on_hold=True)
    clock.advance(4)
    engine.hold("c1", "a1", on_hold=False)
    clock.advance(6)
    engine.wrap_up("c1", "a1")
    clock.advance(2)
    [done] = of_type(engine.complete("c1", "a1", disposition="fixed", resolved=True),
                     effects.Completed)
    assert isinstance(done, effects.Completed)
    assert (done.talk_s, done.hold_s, done.wrap_up_s) == (16, 4, 2)
    assert (done.disposition, done.resolved, done.automatic) == ("fixed", True, False)


def test_wrap_up_ends_automatically_after_the_queues_limit() -> None:
    engine, clock = engine_with([QueueSpec("q", wrap_up_s=30)], [agent("a1")])
    engine.add_contact(contact("c1"))
    engine.accept("c1", "a1")
    engine.wrap_up("c1", "a1")
    engine.add_contact(contact("c2"))
    clock.advance(30)
    found = engine.tick()
    [done] = of_type(found, effects.Completed)
    assert isinstance(done, effects.Completed)
    assert done.automatic
    assert offers(found) == [("c2", "a1")]


def test_cold_transfer_to_a_queue_keeps_the_original_arrival_time() -> None:
    engine, clock = engine_with([QueueSpec("q"), QueueSpec("specialists")],
                                [agent("a1"), agent("s1", ("specialists",))], ready=False)
    engine.log_in("a1")
    engine.add_contact(contact("c1"))
    engine.accept("c1", "a1")
    clock.advance(60)
    engine.log_in("s1")
    found = engine.transfer("c1", "a1", queue_id="specialists")
    assert offers(found) == [("c1", "s1")]
    clock.advance(5)
    [accepted] = of_type(engine.accept("c1", "s1"), effects.Accepted)
    assert isinstance(accepted, effects.Accepted)
    assert accepted.waited_s == 65
    assert engine.contacts["c1"].transfers == 1
    assert engine.agents["a1"].state is AgentState.AVAILABLE


def test_transfer_to_a_named_agent_waits_for_them_then_falls_back_to_the_queue() -> None:
    engine, clock = engine_with([QueueSpec("q")], [agent("expert"), agent("a1"), agent("a2")])
    for name in ("a1", "a2"):
        engine.set_presence(name, ready=False, reason="break")
    assert offers(engine.add_contact(contact("c1"))) == [("c1", "expert")]
    engine.accept("c1", "expert")
    engine.set_presence("a1", ready=True)
    found = engine.transfer("c1", "expert", to_agent_id="a2", wait_s=20)
    assert offers(found) == []
    [moved] = of_type(found, effects.Transferred)
    assert isinstance(moved, effects.Transferred)
    assert moved.to_agent_id == "a2"
    clock.advance(20)
    assert offers(engine.tick()) == [("c1", "a1")]


def test_a_preferred_agent_gets_the_contact_when_free_within_the_wait() -> None:
    engine, clock = engine_with([QueueSpec("q")], [agent("a1"), agent("owner")])
    engine.add_contact(contact("x", channel=EMAIL))
    engine.set_presence("owner", ready=False, reason="break")
    found = engine.add_contact(contact("c1", preferred_agent_id="owner", preferred_wait_s=30))
    assert offers(found) == []
    clock.advance(10)
    [offer] = of_type(engine.set_presence("owner", ready=True), effects.Offered)
    assert isinstance(offer, effects.Offered)
    assert (offer.contact_id, offer.agent_id, offer.rule) == ("c1", "owner", "preferred_agent")


def test_a_logged_out_preferred_agent_is_not_waited_for() -> None:
    engine, _ = engine_with([QueueSpec("q")], [agent("a1")])
    engine.put_agent(agent("owner"))
    found = engine.add_contact(contact("c1", preferred_agent_id="owner", preferred_wait_s=30))
    assert offers(found) == [("c1", "a1")]


def test_an_answered_outbound_call_is_abandoned_when_no_agent_accepts_within_the_limit() -> None:
    engine, clock = engine_with([QueueSpec("campaign")], [agent("a1", ("campaign",))])
    found = engine.add_contact(contact("o1", "campaign", priority=100, connect_limit_s=2))
    [offer] = of_type(found, effects.Offered)
    assert isinstance(offer, effects.Offered)
    assert offer.expires_at == clock.now + 2
    clock.advance(2)
    found = engine.tick()
    [abandoned] = of_type(found, effects.Abandoned)
    assert isinstance(abandoned, effects.Abandoned)
    assert (abandoned.cause, abandoned.waited_s) == ("connect_limit", 2)
    assert "o1" not in engine.contacts


def test_a_full_queue_closes_new_contacts() -> None:
    engine, _ = engine_with([QueueSpec("q", max_size=1)])
    engine.add_contact(contact("c1"))
    [closed] = of_type(engine.add_contact(contact("c2")), effects.Closed)
    assert isinstance(closed, effects.Closed)
    assert closed.reason == "queue_full"


def test_maximum_wait_closes_the_contact() -> None:
    engine, clock = engine_with([QueueSpec("q", max_wait_s=120)])
    engine.add_contact(contact("c1"))
    clock.advance(120)
    [closed] = of_type(engine.tick(), effects.Closed)
    assert isinstance(closed, effects.Closed)
    assert closed.reason == "max_wait"


def test_the_customer_abandoning_withdraws_the_offer_and_frees_the_agent() -> None:
    engine, clock = engine_with([QueueSpec("q")], [agent("a1")])
    engine.add_contact(contact("c1"))
    clock.advance(3)
    found = engine.abandon("c1")
    assert [type(e).__name__ for e in found] == ["OfferEnded", "Abandoned", "AgentChanged"]
    assert engine.agents["a1"].state is AgentState.AVAILABLE


def test_a_channel_the_queue_does_not_take_is_refused() -> None:
    from ringway.shared.contracts.common import Channel

    engine, _ = engine_with([QueueSpec("q", channels=frozenset({Channel.VOICE}))])
    with pytest.raises(InvalidRequest):
        engine.add_contact(contact("c1", channel=CHAT))


def test_unanswered_async_work_is_reassigned_after_the_response_limit() -> None:
    engine, clock = engine_with([QueueSpec("q", response_limit_s=60)], [agent("a1")])
    engine.add_contact(contact("c1", channel=CHAT))
    engine.accept("c1", "a1")
    engine.put_agent(agent("a2"))
    engine.log_in("a2")
    clock.advance(60)
    found = engine.tick()
    [moved] = of_type(found, effects.Reassigned)
    assert isinstance(moved, effects.Reassigned)
    assert moved.reason == "response_limit"
    assert offers(found) == [("c1", "a2")]


def test_a_responded_async_contact_is_not_reassigned() -> None:
    engine, clock = engine_with([QueueSpec("q", response_limit_s=60)], [agent("a1")])
    engine.add_contact(contact("c1", channel=CHAT))
    engine.accept("c1", "a1")
    engine.responded("c1", "a1")
    clock.advance(61)
    assert of_type(engine.tick(), effects.Reassigned) == []


def test_position_and_estimated_wait_follow_the_line() -> None:
    engine, clock = engine_with([QueueSpec("q")], [agent("a1"), agent("a2")])
    for i in range(4):
        clock.advance(1)
        engine.add_contact(contact(f"c{i}"))
    assert [engine.position(f"c{i}") for i in range(4)] == [0, 0, 1, 2]
    assert engine.estimated_wait("c3") == 2 * 180 / 2
    engine.accept("c0", "a1")
    clock.advance(100)
    engine.complete("c0", "a1", disposition=None, resolved=True)
    assert engine.estimated_wait("c3") == 1 * 100 / 2
