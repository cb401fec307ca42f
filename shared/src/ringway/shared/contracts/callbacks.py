"""Topic `callbacks`, keyed by callback id: requests to call a customer back."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from ringway.shared.events.envelope import EventData
from ringway.shared.events.registry import event

TOPIC = "callbacks"


@event("callback.requested", topic=TOPIC, key="callback_id")
class CallbackRequested(EventData):
    """A customer asked to be called back (from a queue or self-service)."""

    callback_id: str
    customer_id: str | None = None
    phone: str = Field(description="E.164 number to call.", examples=["+14155550100"])
    queue_id: str | None = None
    reason: str | None = None
    requested_for: datetime | None = Field(
        default=None, description="None means as soon as possible."
    )
    original_arrived_at: datetime | None = Field(
        default=None, description="Arrival in the inbound queue, so the callback keeps its place."
    )
