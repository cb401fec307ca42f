"""Offers pushed to agents as they happen (the SSE stream reads from here)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from ringway.routing.domain import effects as fx

Offer = dict[str, object]


class OfferHub:
    """Per-agent queues of offer notices; only committed offers are published."""

    def __init__(self) -> None:
        self._listeners: dict[str, set[asyncio.Queue[Offer | None]]] = {}

    def publish(self, found: list[fx.Effect]) -> None:
        """Notify each offered (or consulted) agent's listeners."""
        for effect in found:
            if isinstance(effect, fx.Offered | fx.OfferEnded):
                self._send(effect.agent_id, _notice(effect))
            elif isinstance(effect, fx.ConsultStarted | fx.ConsultEnded):
                self._send(effect.consult_agent_id, _consult_notice(effect))

    def _send(self, agent_id: str, notice: Offer) -> None:
        for listener in self._listeners.get(agent_id, set()):
            listener.put_nowait(notice)

    @contextlib.asynccontextmanager
    async def listen(self, agent_id: str) -> AsyncIterator[asyncio.Queue[Offer | None]]:
        """A queue that receives this agent's offers while the context is open."""
        listener: asyncio.Queue[Offer | None] = asyncio.Queue()
        self._listeners.setdefault(agent_id, set()).add(listener)
        try:
            yield listener
        finally:
            self._listeners.get(agent_id, set()).discard(listener)

    def close(self) -> None:
        """End every stream (service stopping)."""
        for listeners in self._listeners.values():
            for listener in listeners:
                listener.put_nowait(None)


def _notice(effect: fx.Offered | fx.OfferEnded) -> Offer:
    if isinstance(effect, fx.Offered):
        return {"event": "offer", "contact_id": effect.contact_id, "queue_id": effect.queue_id,
                "reservation_id": effect.reservation_id, "expires_at": effect.expires_at,
                "rule": effect.rule, "strategy": effect.strategy, "score": effect.score}
    return {"event": "offer_ended", "contact_id": effect.contact_id,
            "reservation_id": effect.reservation_id, "outcome": effect.outcome}


def _consult_notice(effect: fx.ConsultStarted | fx.ConsultEnded) -> Offer:
    if isinstance(effect, fx.ConsultStarted):
        return {"event": "consult", "contact_id": effect.contact_id,
                "agent_id": effect.agent_id}
    return {"event": "consult_ended", "contact_id": effect.contact_id,
            "agent_id": effect.agent_id, "outcome": effect.outcome}
