"""Both buses behind one fixture, so one contract suite runs against each."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import pytest

from ringway.shared.bus.base import EventBus
from ringway.shared.bus.inprocess import InProcessBus
from ringway.shared.bus.kafka import KafkaBus
from ringway.shared.contracts.topics import TopicSpec
from ringway.shared.testing.kafka import LocalKafka
from tests.conftest import unique


@dataclass
class BusUnderTest:
    """A started bus plus how to make a fresh topic on it."""

    bus: EventBus
    kind: str
    make_topic: Callable[[], Awaitable[str]]


@pytest.fixture(params=["inprocess", "kafka"])
async def bus_under_test(request: pytest.FixtureRequest) -> AsyncIterator[BusUnderTest]:
    """A started bus of each kind; topics are unique per test."""
    if request.param == "inprocess":
        bus: EventBus = InProcessBus()

        async def make_topic() -> str:
            return unique("t")
    else:
        broker: LocalKafka = request.getfixturevalue("kafka")
        bus = KafkaBus(broker.bootstrap_servers, stall_timeout_s=5.0, session_timeout_ms=6000)
        kafka_bus = bus

        async def make_topic() -> str:
            name = unique("t")
            await kafka_bus.ensure_topics([TopicSpec(name, "key", "test", partitions=3)])
            return name
    await bus.start()
    try:
        yield BusUnderTest(bus, request.param, make_topic)
    finally:
        await bus.stop()
