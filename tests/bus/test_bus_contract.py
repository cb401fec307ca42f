"""The EventBus contract: run identically against the in-process bus and real Kafka."""

from __future__ import annotations

import asyncio
from collections import defaultdict

from ringway.shared.bus.base import Delivery, Record, RetryPolicy
from tests.bus.conftest import BusUnderTest
from tests.conftest import eventually, unique

FAST_RETRY = RetryPolicy(max_attempts=3, initial_backoff_s=0.01, max_backoff_s=0.05)


def records(topic: str, keys: int, per_key: int) -> list[Record]:
    """Interleaved records: key k gets values k:0, k:1, ... in order."""
    return [
        Record(topic, f"k{k}", f"k{k}:{i}".encode())
        for i in range(per_key)
        for k in range(keys)
    ]


async def test_records_with_the_same_key_arrive_in_order(bus_under_test: BusUnderTest) -> None:
    bus, topic = bus_under_test.bus, await bus_under_test.make_topic()
    seen: dict[str, list[int]] = defaultdict(list)

    async def handler(d: Delivery) -> None:
        key, index = d.value.decode().split(":")
        seen[key].append(int(index))

    await bus.send(records(topic, keys=7, per_key=40))
    await bus.subscribe(unique("g"), [topic], handler)
    await eventually(lambda: sum(map(len, seen.values())) == 280, what="280 records")
    assert all(indexes == list(range(40)) for indexes in seen.values())
    assert len(seen) == 7


async def test_each_group_gets_every_record(bus_under_test: BusUnderTest) -> None:
    bus, topic = bus_under_test.bus, await bus_under_test.make_topic()
    got: dict[str, list[bytes]] = {"a": [], "b": []}

    def collector(name: str):  # type: ignore[no-untyped-def]
        async def handler(d: Delivery) -> None:
            got[name].append(d.value)
        return handler

    await bus.subscribe(unique("ga"), [topic], collector("a"))
    await bus.subscribe(unique("gb"), [topic], collector("b"))
    sent = records(topic, keys=3, per_key=10)
    await bus.send(sent)
    await eventually(lambda: len(got["a"]) == 30 and len(got["b"]) == 30, what="both groups")
    assert sorted(got["a"]) == sorted(got["b"]) == sorted(r.value for r in sent)


async def test_members_of_one_group_share_the_records(bus_under_test: BusUnderTest) -> None:
    bus, topic = bus_under_test.bus, await bus_under_test.make_topic()
    handled: list[tuple[str, bytes]] = []
    group = unique("g")

    def member(name: str):  # type: ignore[no-untyped-def]
        async def handler(d: Delivery) -> None:
            handled.append((name, d.value))
        return handler

    await bus.subscribe(group, [topic], member("m1"))
    await bus.subscribe(group, [topic], member("m2"))
    sent = records(topic, keys=12, per_key=5)
    await bus.send(sent)
    await eventually(lambda: len({v for _, v in handled}) == 60, what="60 distinct records")
    await asyncio.sleep(0.5)
    values = [v for _, v in handled]
    # At-least-once allows a repeat around a rebalance, never a loss.
    assert set(values) == {r.value for r in sent}
    assert len(values) - 60 <= 12


async def test_record_is_redelivered_after_a_crash_before_commit(
    bus_under_test: BusUnderTest,
) -> None:
    bus, topic = bus_under_test.bus, await bus_under_test.make_topic()
    group = unique("g")
    first: list[bytes] = []
    entered = asyncio.Event()

    async def crashing(d: Delivery) -> None:
        first.append(d.value)
        entered.set()
        await asyncio.Event().wait()  # the process "dies" while handling

    await bus.send([Record(topic, "only", b"payload-1")])
    member = await bus.subscribe(group, [topic], crashing)
    await asyncio.wait_for(entered.wait(), 30)
    await member.abort()

    second: list[Delivery] = []

    async def healthy(d: Delivery) -> None:
        second.append(d)

    await bus.subscribe(group, [topic], healthy)
    await eventually(lambda: len(second) == 1, what="redelivery")
    assert first == [b"payload-1"]
    assert second[0].value == b"payload-1"


async def test_poison_record_is_dead_lettered_and_consumption_goes_on(
    bus_under_test: BusUnderTest,
) -> None:
    bus, topic = bus_under_test.bus, await bus_under_test.make_topic()
    attempts: dict[bytes, int] = defaultdict(int)
    good: list[bytes] = []

    async def handler(d: Delivery) -> None:
        attempts[d.value] += 1
        if d.value == b"poison":
            raise ValueError("cannot handle this one")
        good.append(d.value)

    dead: list[Delivery] = []

    async def dlq_reader(d: Delivery) -> None:
        dead.append(d)

    await bus.send([Record(topic, "k", b"before"), Record(topic, "k", b"poison"),
                    Record(topic, "k", b"after")])
    await bus.subscribe(unique("g"), [topic], handler, retry=FAST_RETRY)
    await bus.subscribe(unique("dlq"), [f"{topic}.dlq"], dlq_reader)
    await eventually(lambda: good == [b"before", b"after"] and len(dead) == 1, what="dead letter")
    assert attempts[b"poison"] == 3
    letter = dead[0]
    assert letter.value == b"poison"
    assert letter.header("x-dlq-error-type") == "ValueError"
    assert "cannot handle this one" in (letter.header("x-dlq-error") or "")
    assert letter.header("x-dlq-topic") == topic
    assert letter.header("x-dlq-attempts") == "3"


async def test_transient_failure_is_retried_without_dead_letter(
    bus_under_test: BusUnderTest,
) -> None:
    bus, topic = bus_under_test.bus, await bus_under_test.make_topic()
    calls: list[int] = []

    async def flaky(d: Delivery) -> None:
        calls.append(d.attempt)
        if d.attempt < 3:
            raise ConnectionError("database blinked")

    await bus.send([Record(topic, "k", b"x")])
    await bus.subscribe(unique("g"), [topic], flaky, retry=FAST_RETRY)
    await eventually(lambda: calls == [1, 2, 3], what="three attempts")
    status = await bus.status()
    assert status.ready
