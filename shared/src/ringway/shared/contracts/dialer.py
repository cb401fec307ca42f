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


@event("preview.requested", topic=TOPIC, key="campaign_id")
class PreviewRequested(EventData):
    """A preview campaign needs an agent of its pool to review a contact before calling.

    Routing makes it an outbound contact in `queue_id` at top priority (no connect limit:
    nobody is on the line yet) and offers it like any other; the agent who accepts it is
    reserved for the preview. `attempt_id` is the id the call will have if the agent starts
    it, so routing's contact events close the dialer's attempt.
    """

    campaign_id: str
    attempt_id: str
    campaign_contact_id: str
    queue_id: str
    customer_id: str | None = None
    requested_at: datetime


@event("campaign.state_changed", topic=TOPIC, key="campaign_id")
class CampaignStateChanged(EventData):
    """A campaign moved in its life cycle (started, paused, resumed, stopped, completed)."""

    campaign_id: str
    previous: str = Field(examples=["draft", "running", "paused"])
    status: str = Field(examples=["running", "paused", "completed"])
    action: str = Field(examples=["start", "pause", "resume", "stop", "complete"])
    changed_at: datetime


@event("attempt.started", topic=TOPIC, key="campaign_id")
class AttemptStarted(EventData):
    """The dialer placed a call (no number in the event: the attempt id refers to it)."""

    campaign_id: str
    attempt_id: str
    campaign_contact_id: str | None = None
    customer_id: str | None = None
    mode: str = Field(examples=["preview", "progressive", "predictive", "agentless"])
    started_at: datetime


@event("attempt.finished", topic=TOPIC, key="campaign_id")
class AttemptFinished(EventData):
    """A call ended: its outcome, timings and, once known, the agent's disposition."""

    campaign_id: str
    attempt_id: str
    campaign_contact_id: str | None = None
    outcome: str = Field(examples=["human", "machine", "busy", "no_answer", "failed",
                                   "abandoned", "connected", "message_delivered"])
    ring_ms: int | None = Field(default=None, ge=0)
    answered_at: datetime | None = None
    finished_at: datetime
    disposition: str | None = Field(default=None, examples=["sale", "not_interested"])
    final: bool = Field(default=False, description="No further attempt will be made.")


@event("contact_list.loaded", topic=TOPIC, key="campaign_id")
class ContactListLoaded(EventData):
    """A contact list finished loading into a campaign (one event per list, not per row)."""

    campaign_id: str
    upload_id: str
    rows_read: int = Field(ge=0)
    accepted: int = Field(ge=0)
    merged: int = Field(ge=0)
    invalid: int = Field(ge=0)
    finished_at: datetime
