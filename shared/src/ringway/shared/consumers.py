"""Explicit event-type -> handler tables, run idempotently through the inbox."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from pydantic import ValidationError

from ringway.shared.bus.base import Delivery, PoisonRecord
from ringway.shared.db.uow import UnitOfWork, UnitOfWorkFactory
from ringway.shared.events.envelope import Envelope
from ringway.shared.events.registry import REGISTRY, UnknownEventType

EventHandler = Callable[[UnitOfWork, Any, Envelope], Awaitable[None]]


class EventRouter:
    """A bus handler: decodes the envelope, picks the handler by type, runs it exactly once.

    The handler's effect and the inbox mark commit in one transaction, so a redelivered
    event changes nothing. Event types without a handler are skipped.
    """

    def __init__(self, group: str, uow: UnitOfWorkFactory,
                 handlers: Mapping[str, EventHandler]) -> None:
        self.group = group
        self.uow = uow
        self.handlers = dict(handlers)
        self.handled = 0
        self.duplicates = 0

    @property
    def topics(self) -> list[str]:
        """Topics that carry the handled event types."""
        return sorted({REGISTRY.model(t).topic for t in self.handlers})

    async def __call__(self, delivery: Delivery) -> None:
        try:
            envelope = delivery.envelope()
        except ValidationError as error:
            raise PoisonRecord(f"malformed envelope: {error.error_count()} error(s)") from error
        handler = self.handlers.get(envelope.type)
        if handler is None:
            return
        try:
            event = REGISTRY.decode(envelope)
        except (ValidationError, UnknownEventType) as error:
            raise PoisonRecord(f"cannot decode {envelope.type}: {error}") from error
        async with self.uow() as uow:
            if not await uow.claim(self.group, envelope.id):
                self.duplicates += 1
                return
            await handler(uow, event, envelope)
        self.handled += 1
