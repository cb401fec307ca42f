"""Topic `dialer`, keyed by campaign id: campaigns and their enrolments."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from ringway.shared.events.envelope import EventData
from ringway.shared.events.registry import event

TOPIC = "dialer"


@event("campaign.created", topic=TOPIC, key="campaign_id")
class CampaignCreated(EventData):
    """A campaign was defined."""

    campaign_id: str
    name: str
    purpose: str = Field(examples=["welcome", "feedback", "follow_up", "notice", "callback"])
    dialing_mode: str = Field(examples=["preview", "progressive", "predictive", "agentless"])
    created_at: datetime


@event("campaign.contact_enrolled", topic=TOPIC, key="campaign_id")
class CampaignContactEnrolled(EventData):
    """A person to call was added to a campaign."""

    campaign_id: str
    campaign_contact_id: str
    customer_id: str | None = None
    trigger: str = Field(
        description="What enrolled it: `list`, or the event type that triggered it."
    )
    enrolled_at: datetime


@event("outbound_call.answered", topic=TOPIC, key="campaign_id")
class OutboundCallAnswered(EventData):
    """A live person answered a dialer call that needs an agent.

    Routing makes it a contact in `queue_id` at top priority; no agent within
    `connect_limit_ms` is an abandoned call (reported as `contact.abandoned`).
    """

    campaign_id: str
    attempt_id: str
    queue_id: str
    customer_id: str | None = None
    answered_at: datetime
    connect_limit_ms: int = Field(default=2000, gt=0)
