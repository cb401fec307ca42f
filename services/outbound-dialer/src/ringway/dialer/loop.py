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


async def running_campaigns(ctx: DialerContext) -> list[str]:
    """Ids of the campaigns that place calls now."""
    t = tables.campaigns
    async with ctx.uow() as uow:
        return list((await uow.session.execute(
            select(t.c.id).where(t.c.status == CampaignStatus.RUNNING.value))).scalars())


async def run(ctx: DialerContext, telephony: Telephony, interval_s: float) -> None:
    """Tick every running campaign each interval; one campaign's failure stops no other."""
    while True:
        for campaign_id in await _safely(running_campaigns(ctx), []):
            await _safely(tick(ctx, telephony, campaign_id=campaign_id), None)
        await asyncio.sleep(interval_s)


async def _safely(work: Any, default: Any) -> Any:
    try:
        return await work
    except Exception:
        log.exception("pacing tick failed")
        return default


def with_loop(lifespan: Callable[[Any], Any], start: Callable[[], asyncio.Task[None]]) -> Any:
    """Wrap an app lifespan so the loop runs inside it (after start-up, before shutdown)."""

    @asynccontextmanager
    async def wrapped(app: Any) -> AsyncIterator[None]:
        async with lifespan(app):
            task = start()
            try:
                yield
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    return wrapped
