"""Group commit: requests waiting while a batch is written share the next one, in order."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from ringway.selfservice.groupcommit import Coalesced, GroupCommit


class Recorder:
    """A batch writer that records its batches and waits for the test to let each one end."""

    def __init__(self, fail_on: str | None = None) -> None:
        self.batches: list[list[str]] = []
        self.release = asyncio.Event()
        self.fail_on = fail_on

    async def write(self, items: Sequence[str]) -> list[str]:
        self.batches.append(list(items))
        await self.release.wait()
        if self.fail_on in items:
            raise ConnectionError("storage down")
        return [item.upper() for item in items]


async def test_requests_arriving_during_a_write_share_the_next_batch_in_order() -> None:
    recorder = Recorder()
    group: GroupCommit[str, str] = GroupCommit(recorder.write)
    first = asyncio.create_task(group.submit("a"))
    await asyncio.sleep(0)
    await asyncio.sleep(0)  # the writer took "a" and waits inside write()
    rest = [asyncio.create_task(group.submit(item)) for item in "bcd"]
    await asyncio.sleep(0)
    recorder.release.set()

    assert await first == "A"
    assert [await task for task in rest] == ["B", "C", "D"]
    assert recorder.batches == [["a"], ["b", "c", "d"]]


async def test_an_idle_group_writes_a_lone_request_at_once() -> None:
    recorder = Recorder()
    recorder.release.set()
    group: GroupCommit[str, str] = GroupCommit(recorder.write)

    assert await group.submit("x") == "X"
    assert await group.submit("y") == "Y"
    assert recorder.batches == [["x"], ["y"]]


async def test_a_failing_batch_fails_each_of_its_callers_and_not_the_next_batch() -> None:
    recorder = Recorder(fail_on="b")
    group: GroupCommit[str, str] = GroupCommit(recorder.write)
    first = asyncio.create_task(group.submit("a"))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    failing = [asyncio.create_task(group.submit(item)) for item in "bc"]
    await asyncio.sleep(0)
    recorder.release.set()
    assert await first == "A"
    for task in failing:
        with pytest.raises(ConnectionError):
            await task

    assert await group.submit("d") == "D"
    assert recorder.batches == [["a"], ["b", "c"], ["d"]]


async def test_a_batch_holds_at_most_max_batch_requests() -> None:
    recorder = Recorder()
    group: GroupCommit[str, str] = GroupCommit(recorder.write, max_batch=2)
    tasks = [asyncio.create_task(group.submit(item)) for item in "abcde"]
    await asyncio.sleep(0)
    recorder.release.set()

    assert [await task for task in tasks] == list("ABCDE")
    assert recorder.batches == [["a", "b"], ["c", "d"], ["e"]]


async def test_many_wake_requests_within_the_delay_wake_the_relay_once() -> None:
    woken: list[int] = []
    nudge = Coalesced(lambda: woken.append(1), delay_s=0.01)

    for _ in range(5):
        nudge()
    assert woken == []  # not at once: later batches join this wake-up
    await asyncio.sleep(0.05)  # a later timer: fires after the nudge's
    nudge()
    await asyncio.sleep(0.05)

    assert woken == [1, 1]


async def test_with_two_writers_a_request_during_a_long_batch_starts_its_own() -> None:
    recorder = Recorder()
    group: GroupCommit[str, str] = GroupCommit(recorder.write, writers=2)
    first = asyncio.create_task(group.submit("a"))
    await asyncio.sleep(0)
    await asyncio.sleep(0)  # "a" is being written
    second = asyncio.create_task(group.submit("b"))
    await asyncio.sleep(0)
    await asyncio.sleep(0)  # "b" is being written beside it
    rest = [asyncio.create_task(group.submit(item)) for item in "cd"]
    await asyncio.sleep(0)
    recorder.release.set()

    assert [await first, await second] == ["A", "B"]
    assert [await task for task in rest] == ["C", "D"]
    assert recorder.batches[:2] == [["a"], ["b"]]
    assert sorted(recorder.batches[2:]) in ([["c", "d"]], [["c"], ["d"]])
    assert await group.submit("e") == "E"  # a writer slot is free again
