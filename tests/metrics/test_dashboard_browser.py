"""The dashboard in headless Chromium against a running metrics service fed through its consumer."""

from __future__ import annotations

import asyncio
import re
import socket
from datetime import UTC, datetime, timedelta

import uvicorn
from browser import dump_dom, ensure_chromium
from metrics_harness import Metrics, wrap

from ringway.shared.contracts.agents import AgentState, AgentStateChanged
from ringway.shared.contracts.common import Channel
from ringway.shared.contracts.contacts import (
    ContactAbandoned,
    ContactAccepted,
    ContactCompleted,
    ContactQueued,
)
from ringway.shared.events.envelope import Envelope
from ringway.shared.web.auth import Role


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def interval_start(now: datetime) -> datetime:
    """A 15-minute interval of today that holds a whole past minute (or today's first)."""
    earlier = now - timedelta(seconds=60)
    start = earlier.replace(minute=earlier.minute - earlier.minute % 15, second=0,
                            microsecond=0)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return max(start, midnight)


def todays_events(start: datetime) -> list[Envelope]:
    """A minute of the web queue: one answered in 6 s, one abandoned late, one still waiting."""
    ago = lambda seconds: start + timedelta(seconds=60 - seconds)  # noqa: E731 - shorthand
    web, voice = "web", Channel.VOICE
    return [
        wrap(ContactQueued(contact_id="c1", queue_id=web, channel=voice, arrived_at=ago(55),
                           reason="billing")),
        wrap(ContactAccepted(contact_id="c1", queue_id=web, channel=voice, agent_id="a1",
                             accepted_at=ago(49), waited_ms=6_000)),
        wrap(ContactCompleted(contact_id="c1", queue_id=web, channel=voice, agent_id="a1",
                              completed_at=ago(20), talk_ms=25_000, hold_ms=0,
                              wrap_up_ms=4_000, reason="billing")),
        wrap(ContactQueued(contact_id="c2", queue_id=web, channel=voice, arrived_at=ago(50),
                           reason="billing")),
        wrap(ContactAbandoned(contact_id="c2", queue_id=web, channel=voice,
                              abandoned_at=ago(15), waited_ms=35_000)),
        wrap(ContactQueued(contact_id="c3", queue_id=web, channel=voice, arrived_at=ago(10))),
        wrap(AgentStateChanged(agent_id="a1", previous=AgentState.AVAILABLE,
                               state=AgentState.BUSY, changed_at=ago(49))),
    ]


def tiles(dom: str) -> dict[str, str]:
    """Wallboard tiles as label -> shown value."""
    found = re.findall(r'<div class="tile"><b[^>]*>([^<]*)</b>([^<]*)</div>', dom)
    return {label: value for value, label in found}


def svg(dom: str, name: str) -> str:
    match = re.search(rf'<svg id="{name}"[^>]*>(.*?)</svg>', dom, re.S)
    assert match is not None, f"no chart {name}"
    return match.group(1)


async def test_the_dashboard_draws_the_wallboard_and_charts_from_consumed_events(
        metrics: Metrics) -> None:
    chromium = await asyncio.to_thread(ensure_chromium)
    await metrics.deliver(*todays_events(interval_start(datetime.now(UTC))))
    port = free_port()
    # The app's lifespan already runs (consumers, relay): the server only serves HTTP.
    server = uvicorn.Server(uvicorn.Config(metrics.app, host="127.0.0.1", port=port,
                                           lifespan="off", log_level="warning"))
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:  # noqa: ASYNC110 - uvicorn exposes a flag, not an event
            await asyncio.sleep(0.05)
        key = metrics.authenticator.mint("wall", {Role.SUPERVISOR}, ttl=timedelta(hours=1))
        dom = await dump_dom(chromium, f"http://127.0.0.1:{port}/dashboard#key={key}")
    finally:
        server.should_exit = True
        await serving

    board = tiles(dom)
    assert board["web · voice: waiting"] == "1"  # c3 still waits
    assert board["service level today"] == "50%"  # 1 within 20 s of 1 answered + 1 abandoned
    assert board["agents busy"] == "1"
    volume = svg(dom, "volume")
    heights = [float(h) for h in re.findall(r'<rect[^>]*height="([0-9.]+)"', volume)]
    # Empty bars for the rest of the day's intervals; one interval holds our contacts:
    # offered (3) at the top of the axis, answered (1) a third as high.
    assert [h for h in heights if h] == [180.0, 60.0]
    reasons = svg(dom, "reasons")
    assert ">billing<" in reasons
    assert ">2 (post_sale)<" in reasons  # offered, and the reason's category
