"""The batch's write-behind flush: rows stored as written, whatever their order or offset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from metrics_harness import MetricsFactory
from sqlalchemy import select

from ringway.metrics import store, tables

PARIS = timezone(timedelta(hours=1))


@pytest.mark.postgres
async def test_a_flush_stores_times_of_any_offset_as_the_same_instants(
        metrics_factory: MetricsFactory, pg_url: str) -> None:
    metrics = await metrics_factory(database_url=pg_url)
    uow_factory = metrics.router.uow
    noon = datetime(2026, 11, 23, 12, tzinfo=UTC)
    times = {"c3": noon, "c1": noon.astimezone(PARIS), "c2": noon + timedelta(minutes=5)}
    async with uow_factory() as uow:
        with store.write_behind() as memory:
            for contact, moment in times.items():  # not in key order
                await store.put(uow, tables.contact_seen, {"contact_id": contact},
                                {"queue_id": "q1", "channel": "voice", "queued_at": moment})
            await memory.flush(uow)
    async with uow_factory() as uow:
        rows = (await uow.session.execute(select(tables.contact_seen))).mappings().all()
    assert {r["contact_id"]: r["queued_at"] for r in rows} == times
    assert all(r["queued_at"].utcoffset() == timedelta(0) for r in rows)


@pytest.mark.postgres
async def test_a_flush_refuses_a_naive_time_and_writes_nothing(
        metrics_factory: MetricsFactory, pg_url: str) -> None:
    metrics = await metrics_factory(database_url=pg_url)
    uow_factory = metrics.router.uow
    noon = datetime(2026, 11, 23, 12, tzinfo=UTC)

    async def write_both() -> None:
        async with uow_factory() as uow:
            with store.write_behind() as memory:
                for contact, moment in (("c1", noon), ("c2", noon.replace(tzinfo=None))):
                    await store.put(uow, tables.contact_seen, {"contact_id": contact},
                                    {"queue_id": "q1", "channel": "voice", "queued_at": moment})
                await memory.flush(uow)

    with pytest.raises(ValueError, match="naive"):
        await write_both()
    async with uow_factory() as uow:
        assert (await uow.session.execute(select(tables.contact_seen))).first() is None


def test_rows_are_sent_in_key_order_even_when_keys_do_not_compare() -> None:
    pending = store._Pending(tables.contact_seen, ("contact_id",))
    pending.rows = {("b",): {"n": 2}, ("a",): {"n": 1}, ("c",): {"n": 3}}
    assert [r["n"] for r in store._in_key_order(pending)] == [1, 2, 3]
    pending.rows = {(2,): {"n": 2}, ("1",): {"n": 1}}  # int and str: compared as text
    assert [r["n"] for r in store._in_key_order(pending)] == [1, 2]


AWKWARD = ["plain", "with,comma", "{braces}", " spaced ", "NULL", "", 'quote"d', "back\\slash",
           "é ü 日本", "tab\there"]


@pytest.mark.postgres
async def test_a_flush_and_a_prefetch_keep_awkward_text_and_large_counts_exactly(
        metrics_factory: MetricsFactory, pg_url: str) -> None:
    metrics = await metrics_factory(database_url=pg_url)
    uow_factory = metrics.router.uow
    noon = datetime(2026, 11, 23, 12, tzinfo=UTC)
    async with uow_factory() as uow:
        with store.write_behind() as memory:
            for n, queue in enumerate(AWKWARD):
                await store.put(uow, tables.contact_seen, {"contact_id": f"c{n}"},
                                {"queue_id": queue, "channel": "voice", "queued_at": noon})
                await store.increment(uow, tables.agent_stats,
                                      {"interval_start": noon, "agent_id": queue,
                                       "queue_id": "q", "channel": "chat"},
                                      {"answered": n, "handled": 1, "talk_ms_total": 2**40 + n,
                                       "hold_ms_total": 0, "wrap_up_ms_total": 0})
            await memory.flush(uow)
    async with uow_factory() as uow:
        with store.write_behind() as memory:
            await store.prefetch(uow, tables.agent_stats, "agent_id", AWKWARD)
            await store.prefetch(uow, tables.contact_seen, "contact_id", ["c0", "c9", "nobody"])
        stats = (await uow.session.execute(select(tables.agent_stats))).mappings().all()
    assert {r["agent_id"]: (r["answered"], r["talk_ms_total"]) for r in stats} == {
        queue: (n, 2**40 + n) for n, queue in enumerate(AWKWARD)}
    assert {key[1][0]: row["queue_id"] if row else None
            for key, row in memory.known.items() if key[0] == "contact_seen"} == {
        "c0": "plain", "c9": "tab\there", "nobody": None}
    assert {key[1][0] for key, row in memory.known.items()
            if key[0] == "agent_stats" and row is not None} == set(AWKWARD)


def test_only_plain_strings_and_integers_travel_as_an_array_literal() -> None:
    assert store.array_literal(["a,b", "NULL", ""]) == '{"a,b","NULL",""}'
    assert store.array_literal([3, -1, 2**40]) == "{3,-1,1099511627776}"
    assert store.array_literal(['a"b']) is None  # would need escaping: sent as a list
    assert store.array_literal(["a\\b"]) is None
    assert store.array_literal([True, 1]) is None  # not text the server reads as integers
    assert store.array_literal(["a", None]) is None
    assert store.array_literal([datetime(2026, 1, 1, tzinfo=UTC)]) is None
