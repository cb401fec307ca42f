"""Topic `selfservice`, keyed by customer id: what customers do on their own."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from ringway.shared.contracts.common import Channel
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


@event("support_request.opened", topic=TOPIC, key="customer_id")
class SupportRequestOpened(EventData):
    """A customer opened a written support request; routing makes it a non-voice contact."""

    request_id: str
    customer_id: str
    channel: Channel = Channel.EMAIL
    reason: str | None = Field(default=None, description="Contact reason code.")
    language: str | None = None
    opened_at: datetime


@event("visit.completed", topic=TOPIC, key="customer_id")
class VisitCompleted(EventData):
    """A service visit was done (the dialer's feedback campaign may call)."""

    visit_id: str
    customer_id: str
    job_type: str
    completed_at: datetime


@event("customer.erased", topic=TOPIC, key="customer_id")
class CustomerErased(EventData):
    """The customer's personal data must be erased by every service, from its own copies."""

    customer_id: str
    erased_at: datetime
