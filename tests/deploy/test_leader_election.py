"""Leader election on a real PostgreSQL: one leader, a standby that takes over, a watchdog."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from ringway.shared.leader import LeaderElector, lock_key
from tests.conftest import eventually

pytestmark = pytest.mark.postgres


class Instance:
    """One contender, recording its callbacks."""

    def __init__(self, url: str, name: str = "routing:routing") -> None:
        self.events: list[str] = []
        self.elector = LeaderElector(url, name, on_elected=self._elected,
                                     on_demoted=self._demoted, interval_s=0.2, timeout_s=2)

    async def _elected(self) -> None:
        self.events.append("elected")

    async def _demoted(self) -> None:
        self.events.append("demoted")


@pytest.fixture
async def pair(pg_url: str) -> AsyncIterator[tuple[Instance, Instance]]:
    first, second = Instance(pg_url), Instance(pg_url)
    yield first, second
    await first.elector.stop()
    await second.elector.stop()


async def test_first_contender_leads_and_the_other_stands_by(
    pair: tuple[Instance, Instance],
) -> None:
    first, second = pair
    await first.elector.start()
    await second.elector.start()
    await asyncio.sleep(0.6)  # several standby polls
    assert (first.elector.role, second.elector.role) == ("leader", "standby")
    assert (first.events, second.events) == (["elected"], [])
    assert first.elector.healthy()
    assert second.elector.healthy()


async def test_standby_takes_over_when_the_leader_stops(pair: tuple[Instance, Instance]) -> None:
    first, second = pair
    await first.elector.start()
    await second.elector.start()
    await first.elector.stop()
    assert first.events == ["elected", "demoted"]
    await eventually(lambda: second.elector.is_leader, timeout=5, what="takeover")
    assert second.events == ["elected"]


async def test_watchdog_steps_down_when_the_lock_session_is_killed(
    pair: tuple[Instance, Instance], pg_url: str,
) -> None:
    first, second = pair
    await first.elector.start()
    await second.elector.start()
    admin = create_async_engine(pg_url)
    async with admin.connect() as conn:
        # What a network partition or a PostgreSQL restart does to the lock's session.
        await conn.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
            "AND ((classid::bigint << 32) | objid::bigint) = :key"),
            {"key": lock_key("routing:routing")})
    await admin.dispose()
    await eventually(lambda: "demoted" in first.events, timeout=5, what="watchdog step-down")
    # Exactly one of the two leads again afterwards.
    await eventually(lambda: first.elector.is_leader != second.elector.is_leader, timeout=5,
                     what="a new leader")
    await asyncio.sleep(0.5)
    assert [first.elector.is_leader, second.elector.is_leader].count(True) == 1


async def test_elections_of_different_names_do_not_block_each_other(pg_url: str) -> None:
    one, other = Instance(pg_url, "routing:eu"), Instance(pg_url, "routing:us")
    await one.elector.start()
    await other.elector.start()
    try:
        assert one.elector.is_leader
        assert other.elector.is_leader
    finally:
        await one.elector.stop()
        await other.elector.stop()
