"""Topic `selfservice`, keyed by customer id: what customers do on their own."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from ringway.shared.events.envelope import EventData
from ringway.shared.events.registry import event

TOPIC = "selfservice"


@event("customer.registered", topic=TOPIC, key="customer_id")
class CustomerRegistered(EventData):
    """A customer created an account.

    Carries the phone number and country because the welcome campaign must call;
    nothing else personal.
    """

    customer_id: str
    phone: str | None = Field(default=None, description="E.164.", examples=["+14155550100"])
    country: str | None = Field(default=None, min_length=2, max_length=2, examples=["US"])
    language: str | None = None
    registered_at: datetime


@event("selfservice.action_completed", topic=TOPIC, key="customer_id")
class SelfServiceActionCompleted(EventData):
    """A customer finished (or failed) an action without an agent."""

    customer_id: str | None = None
    session_id: str
    action: str = Field(examples=["payment", "order", "visit_booked", "kb_search"])
    outcome: str = Field(examples=["succeeded", "failed"])
    occurred_at: datetime

    def key(self) -> str:
        """The customer when known, else the session: anonymous actions spread over partitions."""
        return self.customer_id or self.session_id
