"""The pacing loop: every interval, one tick per running campaign, until the app stops."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import select

from ringway.dialer import tables
from ringway.dialer.context import DialerContext
from ringway.dialer.dialing import tick
from ringway.dialer.domain import CampaignStatus
from ringway.dialer.telephony import Telephony

log = logging.getLogger(__name__)

STOP_TIMEOUT_S = 30.0


async def running_campaigns(ctx: DialerContext) -> list[str]:
    """Ids of the campaigns that place calls now."""
    t = tables.campaigns
    async with ctx.uow() as uow:
        return list((await uow.session.execute(
            select(t.c.id).where(t.c.status == CampaignStatus.RUNNING.value))).scalars())


async def run(ctx: DialerContext, telephony: Telephony, interval_s: float,
              stop: asyncio.Event) -> None:
    """Tick every running campaign each interval until `stop`; a tick is never cut short.

    Cancelling mid-tick would leave a SQLite write transaction to a background close while
    the outbox relay waits for the same lock, so shutdown waits for the tick instead.
    """
    while not stop.is_set():
        for campaign_id in await _safely(running_campaigns(ctx), []):
            if stop.is_set():
                return
            await _safely(tick(ctx, telephony, campaign_id=campaign_id), None)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval_s)


async def _safely(work: Any, default: Any) -> Any:
    try:
        return await work
    except Exception:
        log.exception("pacing tick failed")
        return default


def with_loop(lifespan: Callable[[Any], Any],
              start: Callable[[asyncio.Event], asyncio.Task[None]]) -> Any:
    """Wrap an app lifespan so the loop runs inside it (after start-up, before shutdown)."""

    @asynccontextmanager
    async def wrapped(app: Any) -> AsyncIterator[None]:
        async with lifespan(app):
            stop = asyncio.Event()
            task = start(stop)
            try:
                yield
            finally:
                stop.set()
                try:
                    await asyncio.wait_for(task, timeout=STOP_TIMEOUT_S)
                except TimeoutError:
                    log.warning("pacing tick did not finish in time; cancelled")

    return wrapped
