"""Topic `contacts`, keyed by contact id: a contact's life in routing."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from ringway.shared.contracts.common import Channel, Direction
from ringway.shared.events.envelope import EventData
from ringway.shared.events.registry import event

TOPIC = "contacts"


@event("contact.queued", topic=TOPIC, key="contact_id")
class ContactQueued(EventData):
    """A contact entered a queue and waits for an agent."""

    contact_id: str
    queue_id: str
    channel: Channel
    reason: str | None = Field(default=None, description="Contact reason code, e.g. `billing`.")
    priority: int = Field(default=0, ge=0, le=100)
    customer_id: str | None = None
    language: str | None = None
    arrived_at: datetime = Field(description="Original arrival time, kept across transfers.")
    direction: Direction = Direction.INBOUND
    campaign_id: str | None = Field(default=None, description="Outbound: the dialer campaign.")
    attempt_id: str | None = Field(default=None, description="Outbound: the dialer's attempt.")


@event("contact.offered", topic=TOPIC, key="contact_id")
class ContactOffered(EventData):
    """A contact was reserved for an agent, awaiting accept."""

    contact_id: str
    queue_id: str
    channel: Channel
    agent_id: str
    offered_at: datetime
    expires_at: datetime


@event("contact.accepted", topic=TOPIC, key="contact_id")
class ContactAccepted(EventData):
    """An agent accepted the contact: it is answered."""

    contact_id: str
    queue_id: str
    channel: Channel
    agent_id: str
    accepted_at: datetime
    waited_ms: int = Field(ge=0, description="Time from arrival to answer.")
    customer_id: str | None = None
    reason: str | None = None
    direction: Direction = Direction.INBOUND
    attempt_id: str | None = Field(default=None, description="Outbound: the dialer's attempt.")


@event("contact.abandoned", topic=TOPIC, key="contact_id")
class ContactAbandoned(EventData):
    """The customer left before an agent answered."""

    contact_id: str
    queue_id: str
    channel: Channel
    abandoned_at: datetime
    waited_ms: int = Field(ge=0)
    customer_id: str | None = None
    reason: str | None = None
    direction: Direction = Direction.INBOUND
    attempt_id: str | None = Field(default=None, description="Outbound: the dialer's attempt.")


@event("contact.completed", topic=TOPIC, key="contact_id")
class ContactCompleted(EventData):
    """Handling and wrap-up are over."""

    contact_id: str
    queue_id: str
    channel: Channel
    agent_id: str
    completed_at: datetime
    disposition: str | None = None
    resolved: bool = False
    talk_ms: int = Field(default=0, ge=0)
    hold_ms: int = Field(default=0, ge=0)
    wrap_up_ms: int = Field(default=0, ge=0)
    customer_id: str | None = None
    reason: str | None = None
    direction: Direction = Direction.INBOUND
    attempt_id: str | None = Field(default=None, description="Outbound: the dialer's attempt.")
