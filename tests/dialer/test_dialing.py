"""Placing calls through the telephony port: pacing, dial-time compliance, routing hand-off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from dialer_harness import Dialer, DialerFactory, campaign, envelope
from sqlalchemy import select

from ringway.dialer import tables
from ringway.dialer.dialing import tick
from ringway.dialer.telephony import CallOutcome, CallResult
from ringway.shared.contracts.agents import AgentState, AgentStateChanged
from ringway.shared.contracts.common import Channel, Direction
from ringway.shared.contracts.contacts import (
    ContactAbandoned,
    ContactAccepted,
    ContactCompleted,
    ContactQueued,
)

# Wednesday 2026-01-14 18:00 UTC: 13:00 in New York, 10:00 in Los Angeles.
NOON_NY = datetime(2026, 1, 14, 18, 0, tzinfo=UTC)


@dataclass
class Clock:
    now: datetime = NOON_NY

    def __call__(self) -> datetime:
        return self.now


class ScriptedNetwork:
    """The telephony port answering each number the way a test says (default: a person)."""

    def __init__(self, **outcomes: CallOutcome) -> None:
        self.outcomes = outcomes
        self.placed: list[str] = []
        self.messages: list[tuple[str, str]] = []

    async def dial(self, number: str, caller_id: str | None, ring_timeout_s: float) -> CallResult:
        self.placed.append(number)
        outcome = self.outcomes.get(number.lstrip("+"), CallOutcome.HUMAN)
        return CallResult(outcome, 8000)

    async def play_message(self, number: str, message: str) -> None:
        self.messages.append((number, message))


async def start(factory: DialerFactory, mode: str = "progressive", agents: int = 3,
                numbers: int = 3, app: dict[str, Any] | None = None,
                **settings: Any) -> tuple[Dialer, Clock, str]:
    clock = Clock()
    dialer = await factory(clock=clock, **(app or {}))
    campaign_id = await campaign(dialer, start=False, enrol_on=[], purpose="sales",
                                 dialing_mode=mode, settings=settings,
                                 caller_id="+14155550000")
    rows = "".join(f"+1212555{100 + n:04d}\n" for n in range(numbers))
    headers = {**await dialer.headers("supervisor"), "content-type": "text/csv"}
    loaded = await dialer.client.post(f"/campaigns/{campaign_id}/lists",
                                      content=f"phone\n{rows}".encode(), headers=headers)
    assert loaded.status_code == 201, loaded.text
    started = await dialer.client.post(f"/campaigns/{campaign_id}/start",
                                       headers=await dialer.headers("supervisor"))
    assert started.status_code == 200, started.text
    for n in range(agents):
        await dialer.deliver(envelope(AgentStateChanged(
            agent_id=f"a{n}", previous=AgentState.OFFLINE, state=AgentState.AVAILABLE,
            changed_at=NOON_NY - timedelta(minutes=5), queue_ids=["q-outbound"],
            blended=True), "routing"))
    await dialer.wait_consumed(agents)
    return dialer, clock, campaign_id


async def rows(dialer: Dialer, table: Any, **where: Any) -> list[Any]:
    async with dialer.runtime.db.session() as session:
        query = select(table).where(*(table.c[k] == v for k, v in where.items()))
        return list((await session.execute(query)).mappings().all())


async def test_progressive_places_one_call_per_ready_agent_and_hands_answers_to_routing(
        dialer_factory: DialerFactory) -> None:
    dialer, _, campaign_id = await start(dialer_factory, agents=2, numbers=3)
    network = ScriptedNetwork(**{"12125550101": CallOutcome.BUSY})
    report = await tick(dialer.app.state.dialer, network, campaign_id=campaign_id)
    assert report.decision is not None
    assert (report.decision.dial, report.decision.reason) == (2, "progressive")
    assert network.placed == ["+12125550100", "+12125550101"]
    answered = await dialer.wait_events("outbound_call.answered", 1)
    assert answered[0].data["queue_id"] == "q-outbound"
    assert answered[0].data["connect_limit_ms"] == 2000
    assert len(await dialer.wait_events("attempt.started", 2)) == 2
    [busy] = await dialer.wait_events("attempt.finished", 1)
    assert (busy.data["outcome"], busy.data["final"]) == ("busy", False)
    [decision] = await rows(dialer, tables.pacing_decisions, campaign_id=campaign_id)
    assert decision["inputs"]["inputs"]["agents_ready"] == 2
    assert decision["reason"] == "progressive"


async def test_nothing_is_dialed_when_no_agent_is_logged_in(
        dialer_factory: DialerFactory) -> None:
    dialer, _, campaign_id = await start(dialer_factory, agents=0)
    network = ScriptedNetwork()
    report = await tick(dialer.app.state.dialer, network, campaign_id=campaign_id)
    assert report.decision is not None
    assert report.decision.reason == "no_agents_logged_in"
    assert network.placed == []
    await tick(dialer.app.state.dialer, network, campaign_id=campaign_id)
    decisions = await rows(dialer, tables.pacing_decisions, campaign_id=campaign_id)
    assert [d["reason"] for d in decisions] == ["no_agents_logged_in"]  # idle repeats: once


async def test_a_number_put_on_do_not_call_mid_campaign_is_never_dialed(
        dialer_factory: DialerFactory) -> None:
    dialer, _, campaign_id = await start(dialer_factory, agents=3, numbers=3)
    added = await dialer.client.post(f"/campaigns/{campaign_id}/do-not-call",
                                     json={"phones": ["+12125550101"]},
                                     headers=await dialer.headers("supervisor"))
    assert added.json()["added"] == 1
    network = ScriptedNetwork()
    report = await tick(dialer.app.state.dialer, network, campaign_id=campaign_id)
    assert "+12125550101" not in network.placed
    assert len(network.placed) == 2
    page = await dialer.client.get(f"/campaigns/{campaign_id}/suppressions",
                                   headers=await dialer.headers("supervisor"))
    [suppression] = page.json()["items"]
    assert suppression["reason"] == "campaign_do_not_call"
    assert "phone" not in suppression
    [contact] = await rows(dialer, tables.campaign_contacts, phone="+12125550101")
    assert contact["status"] == "suppressed"
    assert report.suppressed[0][0] == contact["id"]


async def test_outside_calling_hours_the_contact_waits_for_the_window(
        dialer_factory: DialerFactory) -> None:
    dialer, clock, campaign_id = await start(dialer_factory, agents=1, numbers=1)
    clock.now = datetime(2026, 1, 15, 3, 0, tzinfo=UTC)  # 22:00 in New York
    network = ScriptedNetwork()
    await tick(dialer.app.state.dialer, network, campaign_id=campaign_id)
    assert network.placed == []
    [contact] = await rows(dialer, tables.campaign_contacts, campaign_id=campaign_id)
    assert contact["status"] == "pending"
    assert contact["next_attempt_at"] == datetime(2026, 1, 15, 13, 0, tzinfo=UTC)
    [suppression] = await rows(dialer, tables.suppressions, campaign_id=campaign_id)
    assert suppression["reason"] == "outside_calling_hours"


async def test_an_abandoned_call_hears_a_message_and_is_not_redialed_for_72_hours(
        dialer_factory: DialerFactory) -> None:
    dialer, clock, campaign_id = await start(dialer_factory, agents=1, numbers=1)
    await tick(dialer.app.state.dialer, ScriptedNetwork(), campaign_id=campaign_id)
    [attempt] = await rows(dialer, tables.attempts, campaign_id=campaign_id)
    dialer.app.state.telephony = line = ScriptedNetwork()
    for _ in range(2):  # routing reports it twice (two events): one message, one abandon
        await dialer.deliver(envelope(ContactAbandoned(
            contact_id="k1", queue_id="q-outbound", channel=Channel.VOICE,
            abandoned_at=NOON_NY + timedelta(seconds=10), waited_ms=2000,
            direction=Direction.OUTBOUND, attempt_id=attempt["id"]), "routing"))
    await dialer.wait_consumed(3)
    [attempt] = await rows(dialer, tables.attempts, campaign_id=campaign_id)
    assert attempt["outcome"] == "abandoned"
    # The person who answered hears the campaign's message instead of silence.
    [(number, message)] = line.messages
    assert number == "+12125550100"
    assert message.startswith("Sorry, nobody was free")
    [contact] = await rows(dialer, tables.campaign_contacts, campaign_id=campaign_id)
    assert contact["next_attempt_at"] >= NOON_NY + timedelta(hours=72)
    # Even if a supervisor's change made it due sooner, dial time says no.
    clock.now = NOON_NY + timedelta(hours=24)
    async with dialer.runtime.uow() as uow:
        await uow.session.execute(tables.campaign_contacts.update().values(
            next_attempt_at=clock.now))
    network = ScriptedNetwork()
    await tick(dialer.app.state.dialer, network, campaign_id=campaign_id)
    assert network.placed == []
    reasons = [s["reason"] for s in await rows(dialer, tables.suppressions)]
    assert reasons == ["abandon_cooldown"]


async def test_an_opt_out_disposition_puts_the_number_on_the_global_list(
        dialer_factory: DialerFactory) -> None:
    dialer, _, campaign_id = await start(dialer_factory, agents=1, numbers=1)
    await tick(dialer.app.state.dialer, ScriptedNetwork(), campaign_id=campaign_id)
    [attempt] = await rows(dialer, tables.attempts, campaign_id=campaign_id)
    await dialer.deliver(envelope(ContactCompleted(
        contact_id="k1", queue_id="q-outbound", channel=Channel.VOICE, agent_id="a0",
        completed_at=NOON_NY + timedelta(minutes=4), disposition="do_not_call",
        direction=Direction.OUTBOUND, attempt_id=attempt["id"]), "routing"))
    await dialer.wait_consumed(2)
    [entry] = await rows(dialer, tables.do_not_call, phone="+12125550100")
    assert (entry["scope"], entry["reason"]) == ("global", "opt_out")
    [contact] = await rows(dialer, tables.campaign_contacts, campaign_id=campaign_id)
    assert (contact["status"], contact["outcome"]) == ("done", "do_not_call")
    finished = await dialer.wait_events("attempt.finished", 1)
    assert finished[-1].data["disposition"] == "do_not_call"
    assert finished[-1].data["final"] is True


async def test_retries_stop_after_max_attempts(dialer_factory: DialerFactory) -> None:
    dialer, clock, campaign_id = await start(dialer_factory, agents=1, numbers=1,
                                             max_attempts=2)
    network = ScriptedNetwork(**{"12125550100": CallOutcome.NO_ANSWER})
    await tick(dialer.app.state.dialer, network, campaign_id=campaign_id)
    clock.now += timedelta(hours=2, minutes=1)  # the no-answer retry delay
    await tick(dialer.app.state.dialer, network, campaign_id=campaign_id)
    clock.now += timedelta(hours=2, minutes=1)
    await tick(dialer.app.state.dialer, network, campaign_id=campaign_id)
    assert network.placed == ["+12125550100", "+12125550100"]
    [contact] = await rows(dialer, tables.campaign_contacts, campaign_id=campaign_id)
    assert (contact["status"], contact["attempts"]) == ("exhausted", 2)


async def test_an_agentless_campaign_delivers_its_message_without_agents(
        dialer_factory: DialerFactory) -> None:
    dialer, _, campaign_id = await start(dialer_factory, mode="agentless", agents=0,
                                         numbers=2)
    network = ScriptedNetwork()
    await tick(dialer.app.state.dialer, network, campaign_id=campaign_id)
    assert len(network.placed) == 2
    outcomes = {a["outcome"] for a in await rows(dialer, tables.attempts)}
    assert outcomes == {"message_delivered"}
    assert dialer.events("outbound_call.answered") == []


async def test_a_paused_campaign_places_no_call(dialer_factory: DialerFactory) -> None:
    dialer, _, campaign_id = await start(dialer_factory, agents=2)
    await dialer.client.post(f"/campaigns/{campaign_id}/pause",
                             headers=await dialer.headers("supervisor"))
    network = ScriptedNetwork()
    report = await tick(dialer.app.state.dialer, network, campaign_id=campaign_id)
    assert report.decision is None
    assert network.placed == []


async def test_the_running_app_paces_its_campaigns_on_its_own(
        dialer_factory: DialerFactory) -> None:
    dialer, _, campaign_id = await start(
        dialer_factory, agents=2, numbers=5,
        app={"dialing_enabled": True, "dialing_interval_s": 0.05})
    await dialer.wait_events("attempt.started", 2)
    assert dialer.app.state.telephony.placed[:2] == ["+12125550100", "+12125550101"]
    decisions = await rows(dialer, tables.pacing_decisions, campaign_id=campaign_id)
    reasons = {d["reason"] for d in decisions}
    assert "progressive" in reasons
    assert reasons <= {"progressive", "no_agents_logged_in"}  # before the agents logged in


async def test_campaign_statistics_count_outcomes_and_abandons_per_window(
        dialer_factory: DialerFactory) -> None:
    dialer, _, campaign_id = await start(dialer_factory, agents=3, numbers=3,
                                         compliance_profiles=["US", "UK"])
    network = ScriptedNetwork(**{"12125550102": CallOutcome.MACHINE})
    await tick(dialer.app.state.dialer, network, campaign_id=campaign_id)
    first, second = sorted((a for a in await rows(dialer, tables.attempts)
                            if a["outcome"] == "human"), key=lambda a: a["phone"])
    await dialer.deliver(envelope(ContactCompleted(
        contact_id="k1", queue_id="q-outbound", channel=Channel.VOICE, agent_id="a0",
        completed_at=NOON_NY + timedelta(minutes=4), disposition="sale",
        direction=Direction.OUTBOUND, attempt_id=first["id"]), "routing"))
    await dialer.deliver(envelope(ContactAbandoned(
        contact_id="k2", queue_id="q-outbound", channel=Channel.VOICE,
        abandoned_at=NOON_NY + timedelta(seconds=10), waited_ms=2000,
        direction=Direction.OUTBOUND, attempt_id=second["id"]), "routing"))
    await dialer.wait_consumed(5)
    response = await dialer.client.get(f"/campaigns/{campaign_id}/stats",
                                       headers=await dialer.headers("supervisor"))
    stats = response.json()
    assert stats["outcomes"] == {"connected": 1, "abandoned": 1, "machine": 1}
    assert (stats["connects"], stats["conversions"], stats["right_party_contacts"]) == (1, 1, 1)
    us, uk = stats["abandon_windows"]
    assert (us["profile"], us["live_answers"], us["abandoned"], us["rate"]) == ("US", 2, 1, 0.5)
    assert uk["amd_false_positive_estimate"] == pytest.approx(0.05)
    assert uk["rate"] == pytest.approx(1.05 / 2.05, abs=1e-6)


async def test_pacing_decisions_can_be_read_back_for_an_audit(
        dialer_factory: DialerFactory) -> None:
    dialer, _, campaign_id = await start(dialer_factory, agents=2)
    await tick(dialer.app.state.dialer, ScriptedNetwork(), campaign_id=campaign_id)
    headers = await dialer.headers("supervisor")
    path = f"/campaigns/{campaign_id}/pacing-decisions"
    [decision] = (await dialer.client.get(path, headers=headers)).json()
    assert (decision["dial"], decision["reason"], decision["mode"]) == (2, "progressive",
                                                                        "progressive")
    inputs = decision["inputs"]["inputs"]
    assert (inputs["agents_ready"], inputs["calls_in_flight"]) == (2, 0)
    assert inputs["window_rates"] == {"US": 0.0}
    later = await dialer.client.get(path, params={"since": "2030-01-01T00:00:00Z"},
                                    headers=headers)
    assert later.json() == []
    naive = await dialer.client.get(path, params={"since": "2030-01-01T00:00:00"},
                                    headers=headers)
    assert naive.status_code == 422


async def test_the_dialer_backs_off_while_inbound_contacts_wait_too_long(
        dialer_factory: DialerFactory) -> None:
    dialer, _, campaign_id = await start(dialer_factory, agents=2)
    queued = ContactQueued(contact_id="in-1", queue_id="q-billing", channel=Channel.VOICE,
                           arrived_at=NOON_NY - timedelta(seconds=45))
    await dialer.deliver(envelope(queued, "routing"))
    await dialer.wait_consumed(3)
    network = ScriptedNetwork()
    report = await tick(dialer.app.state.dialer, network, campaign_id=campaign_id)
    assert report.decision is not None
    assert report.decision.reason == "inbound_over_target"
    assert network.placed == []
    await dialer.deliver(envelope(ContactAccepted(
        contact_id="in-1", queue_id="q-billing", channel=Channel.VOICE, agent_id="a9",
        accepted_at=NOON_NY, waited_ms=45000), "routing"))
    await dialer.wait_consumed(4)
    await tick(dialer.app.state.dialer, network, campaign_id=campaign_id)
    assert len(network.placed) == 2


class FlakyNetwork(ScriptedNetwork):
    """A network that refuses one number and connects the others."""

    async def dial(self, number: str, caller_id: str | None, ring_timeout_s: float) -> CallResult:
        if number == "+12125550100":
            raise ConnectionError("carrier refused the call")
        return await super().dial(number, caller_id, ring_timeout_s)


async def test_a_call_the_network_refuses_fails_without_losing_the_others(
        dialer_factory: DialerFactory) -> None:
    dialer, _, campaign_id = await start(dialer_factory, agents=2, numbers=2)
    network = FlakyNetwork()
    await tick(dialer.app.state.dialer, network, campaign_id=campaign_id)
    outcomes = {a["phone"]: a["outcome"] for a in await rows(dialer, tables.attempts)}
    assert outcomes == {"+12125550100": "failed", "+12125550101": "human"}


async def test_a_call_never_reported_ends_as_failed_and_frees_its_line(
        dialer_factory: DialerFactory) -> None:
    dialer, clock, campaign_id = await start(dialer_factory, agents=1, numbers=2)
    [contact] = await rows(dialer, tables.campaign_contacts, phone="+12125550100")
    async with dialer.runtime.uow() as uow:  # placed by a dialer that died before dialing
        await uow.session.execute(tables.attempts.insert().values(
            id="01LOSTATTEMPT0000000000000", campaign_id=campaign_id,
            campaign_contact_id=contact["id"], phone="+12125550100", mode="progressive",
            started_at=clock.now - timedelta(minutes=2)))
        await uow.session.execute(tables.campaign_contacts.update().where(
            tables.campaign_contacts.c.id == contact["id"]).values(status="dialing",
                                                                  attempts=1))
    network = ScriptedNetwork()
    await tick(dialer.app.state.dialer, network, campaign_id=campaign_id)
    [failed] = await rows(dialer, tables.attempts, id="01LOSTATTEMPT0000000000000")
    assert failed["outcome"] == "failed"
    assert network.placed == ["+12125550101"]  # the line is free again
