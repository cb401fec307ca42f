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
