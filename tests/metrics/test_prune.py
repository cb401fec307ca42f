"""Per-contact state is pruned behind the newest event; the aggregates stay as they were."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from metrics_harness import Metrics, accepted, at, intervals, queued
from sqlalchemy import func, select

from ringway.metrics import tables
from ringway.metrics.prune import Retention, prune
from ringway.shared.db.uow import UnitOfWorkFactory

DAY = timedelta(days=1)


def uow_factory(metrics: Metrics) -> UnitOfWorkFactory:
    factory: UnitOfWorkFactory = metrics.app.state.runtime.uow
    return factory


async def rows(metrics: Metrics, table: object) -> set[str]:
    async with uow_factory(metrics)() as uow:
        column = table.c.contact_id  # type: ignore[attr-defined]
        return set((await uow.session.execute(select(column))).scalars())


async def test_old_finished_contacts_leave_the_state_tables_and_recent_ones_stay(
        metrics: Metrics) -> None:
    await metrics.deliver(queued("done", at(0)), accepted("done", at(1), waited_ms=60_000),
                          queued("lost", at(0)),  # its end event never comes
                          queued("recent", at(0) + 2 * DAY))
    kept = await prune(uow_factory(metrics), Retention())
    assert kept[tables.waiting_contacts.name] == 1
    assert await rows(metrics, tables.waiting_contacts) == {"lost", "recent"}
    assert await rows(metrics, tables.contact_seen) == {"done", "lost", "recent"}

    await metrics.deliver(queued("later", at(0) + 10 * DAY))
    await prune(uow_factory(metrics), Retention())
    assert await rows(metrics, tables.waiting_contacts) == {"later"}  # "lost" went stale
    assert await rows(metrics, tables.contact_seen) == {"later"}
    board = (await metrics.get("/realtime")).json()
    assert [q["waiting"] for q in board["queues"] if q["waiting"]] == [1]
    day_one = await intervals(metrics)  # the aggregates are untouched
    assert sum(r["offered"] for r in day_one) == 2
    assert sum(r["answered"] for r in day_one) == 1


async def test_state_grows_with_the_retention_not_with_the_history(metrics: Metrics) -> None:
    for day in range(12):
        start = at(0) + day * DAY
        await metrics.deliver(*(e for n in range(5) for e in (
            queued(f"d{day}-{n}", start), accepted(f"d{day}-{n}", start, waited_ms=1_000))))
        await prune(uow_factory(metrics), Retention())
    async with uow_factory(metrics)() as uow:
        seen = await uow.session.scalar(select(func.count()).select_from(tables.contact_seen))
        live = await uow.session.scalar(select(func.count()).select_from(
            tables.waiting_contacts))
    assert seen == 5 * 8  # the newest day and the seven before it
    assert live == 5 * 2  # today's and yesterday's (within 24 h of the newest)


async def test_a_transfer_is_still_recognised_after_pruning(metrics: Metrics) -> None:
    await metrics.deliver(queued("c1", at(0)))
    await prune(uow_factory(metrics), Retention())
    await metrics.deliver(queued("c1", at(3), queue="q2"))  # queued again elsewhere
    # Queued again counts in the interval the event was published (now): read up to tomorrow.
    until = (datetime.now(UTC) + DAY).isoformat()
    transfers: dict[str, int] = {}
    for row in await intervals(metrics, end=until):
        transfers[row["queue_id"]] = transfers.get(row["queue_id"], 0) + row["transfers"]
    assert transfers == {"q1": 1, "q2": 0}
