"""Blending: the dialer backs off while an inbound queue misses its service level."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from dialer_harness import Dialer, DialerFactory, envelope
from test_dialing import NOON_NY, ScriptedNetwork, start

from ringway.dialer.dialing import tick
from ringway.dialer.domain.blending import QueueLevel, queues_below_target
from ringway.shared.contracts.common import Channel, Direction
from ringway.shared.contracts.contacts import ContactAbandoned, ContactAccepted
from ringway.shared.contracts.routing import QueueConfigured


def test_only_protected_queues_with_enough_contacts_are_judged() -> None:
    levels = [QueueLevel("billing", 6, 10), QueueLevel("sales", 9, 10),
              QueueLevel("tiny", 0, 9)]
    assert queues_below_target(levels, 0.8, []) == ["billing"]
    assert queues_below_target(levels, 0.8, ["sales"]) == []
    assert queues_below_target(levels, None, []) == []
    assert QueueLevel("idle", 0, 0).level == 1.0


async def _inbound(dialer: Dialer, queue_id: str, waits_s: list[int],
                   abandoned_waits_s: tuple[int, ...] = ()) -> None:
    before = dialer.consumer.handled + dialer.consumer.duplicates
    events: list[Any] = [ContactAccepted(
        contact_id=f"{queue_id}-{n}", queue_id=queue_id, channel=Channel.VOICE,
        agent_id="a9", accepted_at=NOON_NY - timedelta(minutes=5), waited_ms=wait * 1000)
        for n, wait in enumerate(waits_s)]
    events += [ContactAbandoned(
        contact_id=f"{queue_id}-gone-{n}", queue_id=queue_id, channel=Channel.VOICE,
        abandoned_at=NOON_NY - timedelta(minutes=4), waited_ms=wait * 1000)
        for n, wait in enumerate(abandoned_waits_s)]
    # Outbound contacts in the same queue say nothing about the inbound service level.
    events.append(ContactAccepted(
        contact_id=f"{queue_id}-out", queue_id=queue_id, channel=Channel.VOICE, agent_id="a9",
        accepted_at=NOON_NY, waited_ms=90_000, direction=Direction.OUTBOUND))
    for event in events:
        await dialer.deliver(envelope(event, "routing"))
    await dialer.wait_consumed(before + len(events))


async def _reason(dialer: Dialer, campaign_id: str) -> tuple[str, int]:
    network = ScriptedNetwork()
    report = await tick(dialer.app.state.dialer, network, campaign_id=campaign_id)
    assert report.decision is not None
    return report.decision.reason, len(network.placed)


async def test_the_dialer_backs_off_while_an_inbound_queue_misses_its_service_level(
        dialer_factory: DialerFactory) -> None:
    dialer, _, campaign_id = await start(dialer_factory, agents=2)
    # 7 of 12 answered within 20 s (58% < 80%); two short abandons do not count.
    await _inbound(dialer, "q-billing", [5] * 7 + [45] * 3, abandoned_waits_s=(3, 4, 40, 50))
    assert await _reason(dialer, campaign_id) == ("inbound_below_service_level", 0)
    await _inbound(dialer, "q-billing-2", [5] * 10)  # another queue doing well changes nothing
    assert (await _reason(dialer, campaign_id))[0] == "inbound_below_service_level"


async def test_the_level_recovers_as_late_contacts_leave_the_window(
        dialer_factory: DialerFactory) -> None:
    dialer, clock, campaign_id = await start(dialer_factory, agents=2)
    await _inbound(dialer, "q-billing", [45] * 10)
    assert (await _reason(dialer, campaign_id))[0] == "inbound_below_service_level"
    clock.now += timedelta(minutes=11)  # the 15-minute window has moved past them
    assert await _reason(dialer, campaign_id) == ("progressive", 2)


async def test_a_campaign_protects_only_the_inbound_queues_it_names(
        dialer_factory: DialerFactory) -> None:
    dialer, _, campaign_id = await start(dialer_factory, agents=2, blend_queues=["q-sales"])
    await _inbound(dialer, "q-billing", [45] * 10)
    assert await _reason(dialer, campaign_id) == ("progressive", 2)


async def test_each_queue_is_judged_on_its_own_objective_from_routing(
        dialer_factory: DialerFactory) -> None:
    dialer, _, campaign_id = await start(dialer_factory, agents=2)
    before = dialer.consumer.handled + dialer.consumer.duplicates
    for queue_id, config in (("q-relaxed", {"service_level_s": 30, "service_level_target": 0.8}),
                             ("q-strict", {"service_level_s": 20, "service_level_target": 0.95})):
        await dialer.deliver(envelope(QueueConfigured(
            item=f"queue:{queue_id}", queue_id=queue_id, created=True, config=config,
            changed_at=NOON_NY - timedelta(days=1)), "routing"))
    await dialer.wait_consumed(before + 2)
    # 25 s answers meet q-relaxed's 30 s (the campaign's 20 s would call them late).
    await _inbound(dialer, "q-relaxed", [25] * 10)
    assert await _reason(dialer, campaign_id) == ("progressive", 2)
    # 9 of 10 within 20 s is 90%: under q-strict's own 95% (the campaign's 80% would pass).
    await _inbound(dialer, "q-strict", [5] * 9 + [40])
    report = await tick(dialer.app.state.dialer, ScriptedNetwork(), campaign_id=campaign_id)
    assert report.decision is not None
    assert report.decision.reason == "inbound_below_service_level"
