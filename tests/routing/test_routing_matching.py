"""The matching engine picks the right agent for a contact, and the right contact for an agent."""

from __future__ import annotations

from engine_helpers import CHAT, EMAIL, VOICE, agent, contact, engine_with, of_type, offers

from ringway.routing.domain import OverflowStep, QueueSpec, Requirement, Strategy, effects
from ringway.shared.contracts.agents import AgentState

BILLING = Requirement.of({"billing": 5})


def test_longest_idle_agent_gets_the_contact() -> None:
    engine, clock = engine_with([QueueSpec("q")])
    for name in ("a1", "a2", "a3"):
        engine.put_agent(agent(name))
    engine.log_in("a2")
    clock.advance(5)
    engine.log_in("a1")
    clock.advance(5)
    engine.log_in("a3")
    assert offers(engine.add_contact(contact("c1"))) == [("c1", "a2")]
    assert offers(engine.add_contact(contact("c2"))) == [("c2", "a1")]


def test_an_agent_below_the_minimum_proficiency_or_without_the_language_is_never_offered() -> None:
    queue = QueueSpec("q", requirement=Requirement.of({"billing": 5}, language="es"))
    engine, _ = engine_with([queue], [
        agent("weak", skills={"billing": 4}, languages=frozenset({"es"})),
        agent("english", skills={"billing": 9}, languages=frozenset({"en"})),
        agent("fit", skills={"billing": 5}, languages=frozenset({"es", "en"})),
    ])
    assert offers(engine.add_contact(contact("c1"))) == [("c1", "fit")]
    assert offers(engine.add_contact(contact("c2"))) == []


def test_most_skilled_strategy_prefers_the_highest_proficiency() -> None:
    queue = QueueSpec("q", requirement=BILLING, strategy=Strategy.MOST_SKILLED)
    engine, _ = engine_with([queue], [agent("a5", skills={"billing": 5}),
                                      agent("a9", skills={"billing": 9}),
                                      agent("a7", skills={"billing": 7})])
    found = engine.add_contact(contact("c1"))
    [offer] = of_type(found, effects.Offered)
    assert isinstance(offer, effects.Offered)
    assert (offer.agent_id, offer.strategy, offer.score, offer.rule) == (
        "a9", "most_skilled", 9.0, "queue")


def test_least_occupied_strategy_spreads_chats() -> None:
    queue = QueueSpec("q", strategy=Strategy.LEAST_OCCUPIED)
    engine, _ = engine_with([queue], [agent("a1"), agent("a2")])
    taken = [offers(engine.add_contact(contact(f"c{i}", channel=CHAT)))[0][1] for i in range(4)]
    assert sorted(taken) == ["a1", "a1", "a2", "a2"]


def test_round_robin_takes_turns() -> None:
    queue = QueueSpec("q", strategy=Strategy.ROUND_ROBIN)
    engine, _ = engine_with([queue], [agent("a1"), agent("a2"), agent("a3")])
    order = []
    for i in range(6):
        [(contact_id, agent_id)] = offers(engine.add_contact(contact(f"c{i}", channel=CHAT)))
        order.append(agent_id)
        engine.accept(contact_id, agent_id)
        engine.complete(contact_id, agent_id, disposition=None, resolved=True)
    assert order[:3] == order[3:]
    assert sorted(order[:3]) == ["a1", "a2", "a3"]


def test_chat_capacity_allows_three_at_once_and_a_voice_call_blocks_other_channels() -> None:
    engine, _ = engine_with([QueueSpec("q")], [agent("a1")])
    assert len(offers(engine.add_contact(contact("v", channel=VOICE)))) == 1
    assert offers(engine.add_contact(contact("c1", channel=CHAT))) == []
    engine.accept("v", "a1")
    engine.complete("v", "a1", disposition=None, resolved=True)
    assert offers(engine.add_contact(contact("c2", channel=CHAT))) == [("c2", "a1")]
    assert offers(engine.add_contact(contact("c3", channel=CHAT))) == [("c3", "a1")]
    assert offers(engine.add_contact(contact("c4", channel=CHAT))) == []
    assert offers(engine.add_contact(contact("v2", channel=VOICE))) == []


def test_a_non_exclusive_agent_takes_a_call_while_chatting() -> None:
    engine, _ = engine_with([QueueSpec("q")], [agent("a1", voice_exclusive=False)])
    engine.add_contact(contact("c1", channel=CHAT))
    assert offers(engine.add_contact(contact("v1", channel=VOICE))) == [("v1", "a1")]


def test_a_freed_agent_takes_the_higher_priority_queue_first_then_the_longest_waiting() -> None:
    engine, clock = engine_with([QueueSpec("low"), QueueSpec("high", priority=5)],
                                [agent("a1", ("low", "high"))])
    engine.add_contact(contact("busy", "low"))
    engine.accept("busy", "a1")
    for name, queue in (("l1", "low"), ("h1", "high"), ("h2", "high")):
        clock.advance(1)
        engine.add_contact(contact(name, queue))
    found = engine.complete("busy", "a1", disposition="sale", resolved=True)
    assert offers(found) == [("h1", "a1")]


def test_contact_priority_wins_over_waiting_time_within_a_queue() -> None:
    engine, clock = engine_with([QueueSpec("q")], [agent("a1")], ready=False)
    engine.add_contact(contact("old"))
    clock.advance(30)
    engine.add_contact(contact("urgent", priority=50))
    assert offers(engine.log_in("a1")) == [("urgent", "a1")]


def test_overflow_step_widens_the_requirement_after_the_wait() -> None:
    queue = QueueSpec("q", requirement=Requirement.of({"billing": 8}),
                      overflow=(OverflowStep(20, Requirement.of({"billing": 3})),))
    engine, clock = engine_with([queue], [agent("junior", skills={"billing": 4})])
    assert offers(engine.add_contact(contact("c1"))) == []
    clock.advance(19.9)
    assert offers(engine.tick()) == []
    clock.advance(0.2)
    found = engine.tick()
    [step] = of_type(found, effects.StepAdvanced)
    [offer] = of_type(found, effects.Offered)
    assert isinstance(offer, effects.Offered)
    assert isinstance(step, effects.StepAdvanced)
    assert (offer.agent_id, offer.step, offer.rule, step.step) == ("junior", 1, "overflow", 1)


def test_overflow_step_adds_a_backup_queues_agents() -> None:
    queue = QueueSpec("q", overflow=(OverflowStep(10, add_queues=("backup",)),))
    engine, clock = engine_with([queue, QueueSpec("backup")], [agent("b1", ("backup",))])
    assert offers(engine.add_contact(contact("c1"))) == []
    clock.advance(10)
    assert offers(engine.tick()) == [("c1", "b1")]


def test_a_backup_agent_who_frees_up_takes_an_overflowed_contact() -> None:
    queue = QueueSpec("q", overflow=(OverflowStep(10, add_queues=("backup",)),))
    engine, clock = engine_with([queue, QueueSpec("backup")], [agent("b1", ("backup",))],
                                ready=False)
    engine.add_contact(contact("c1"))
    clock.advance(11)
    engine.tick()
    assert offers(engine.log_in("b1")) == [("c1", "b1")]


def test_email_waits_for_an_agent_with_email_capacity() -> None:
    engine, _ = engine_with([QueueSpec("q")], [agent("voice-only", capacity={VOICE: 1})])
    assert offers(engine.add_contact(contact("e1", channel=EMAIL))) == []
    engine.put_agent(agent("mail", capacity={EMAIL: 5}))
    assert offers(engine.log_in("mail")) == [("e1", "mail")]


def test_agent_states_follow_offer_accept_wrap_up_and_complete() -> None:
    engine, clock = engine_with([QueueSpec("q", wrap_up_s=0)], [agent("a1")])
    states = []

    def record(found: list[effects.Effect]) -> None:
        states.extend(e.state for e in found if isinstance(e, effects.AgentChanged))

    record(engine.add_contact(contact("c1")))
    record(engine.accept("c1", "a1"))
    record(engine.wrap_up("c1", "a1"))
    clock.advance(3)
    record(engine.complete("c1", "a1", disposition="info", resolved=True))
    assert states == [AgentState.RESERVED, AgentState.BUSY, AgentState.WRAP_UP,
                      AgentState.AVAILABLE]
