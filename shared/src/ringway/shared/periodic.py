"""A job run every few seconds in the background while this instance is the active one."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class Periodic:
    """Runs `job` every `every_s` seconds; a failing pass is logged and retried next time."""

    def __init__(self, name: str, every_s: float, job: Callable[[], Awaitable[object]]) -> None:
        self.name = name
        self.every_s = every_s
        self.job = job
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start the loop (the first pass after one interval)."""
        self._task = asyncio.create_task(self._loop(), name=self.name)

    async def stop(self) -> None:
        """Stop the loop, cancelling a pass in progress (each pass is its own transactions)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.every_s)
            try:
                await self.job()
            except Exception:
                log.exception("background job failed; retrying next pass",
                              extra={"job": self.name})
