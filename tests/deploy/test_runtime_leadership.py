"""ServiceRuntime with leader election: consumers and leader hooks run on the leader only;
without it (the default) nothing changes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, text

from ringway.routing.settings import RoutingSettings
from ringway.shared.bus.inprocess import InProcessBus
from ringway.shared.db.outbox import add_outbox_tables
from ringway.shared.runtime import ServiceRuntime
from tests.conftest import eventually

METADATA = MetaData()
OUTBOX, INBOX = add_outbox_tables(METADATA)


async def _ignore(*_: Any) -> None:
    """A contacts handler; what it does is beside the point here."""


class Node:
    """A runtime and the record of its leader hooks."""

    def __init__(self, url: str | None, bus: InProcessBus, data_dir: Path, *,
                 election: bool | None) -> None:
        settings = RoutingSettings(database_url=url, data_dir=data_dir,
                                   leader_election_interval_s=0.2)
        self.runtime = ServiceRuntime(settings, bus, outbox=OUTBOX, inbox=INBOX,
                                      migrations=data_dir, leader_election=election)
        self.runtime.add_consumer({"contact.queued": _ignore})
        self.hooks: list[str] = []
        self.runtime.on_leadership(self._start, self._stop)

    async def _start(self) -> None:
        self.hooks.append("start")

    async def _stop(self) -> None:
        self.hooks.append("stop")

    async def start(self) -> None:
        async with self.runtime.db.engine.begin() as conn:
            if self.runtime.db.is_postgres:
                await conn.execute(text('CREATE SCHEMA IF NOT EXISTS "routing"'))
            await conn.run_sync(METADATA.create_all)
        await self.runtime.start(migrate=False)


@pytest.fixture
async def bus() -> AsyncIterator[InProcessBus]:
    bus = InProcessBus()
    await bus.start()
    yield bus
    await bus.stop()


async def test_without_election_consumers_and_hooks_run_as_before(
    bus: InProcessBus, tmp_path: Path,
) -> None:
    node = Node(None, bus, tmp_path, election=None)
    await node.start()
    assert node.runtime.is_leader
    assert len(node.runtime.subscriptions) == 1
    assert set(await node.runtime.readiness()) == {"database", "bus", "consumers"}
    await node.runtime.stop()
    assert node.hooks == ["start", "stop"]


@pytest.mark.postgres
async def test_only_the_leader_consumes_and_the_standby_takes_over_with_its_hooks(
    bus: InProcessBus, pg_url: str, tmp_path: Path,
) -> None:
    leader = Node(pg_url, bus, tmp_path, election=True)
    standby = Node(pg_url, bus, tmp_path, election=True)
    await leader.start()
    await standby.start()
    try:
        assert (len(leader.runtime.subscriptions), len(standby.runtime.subscriptions)) == (1, 0)
        assert (leader.hooks, standby.hooks) == (["start"], [])
        assert (await leader.runtime.readiness())["leader"] is True
        assert (await standby.runtime.readiness())["standby"] is True
        await leader.runtime.stop()
        assert leader.hooks == ["start", "stop"]
        await eventually(lambda: standby.runtime.is_leader, timeout=5, what="takeover")
        assert standby.hooks == ["start"]
        assert len(standby.runtime.subscriptions) == 1
    finally:
        await standby.runtime.stop()
    assert standby.hooks == ["start", "stop"]
