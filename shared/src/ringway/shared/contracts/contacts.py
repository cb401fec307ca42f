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
    category: str | None = Field(default=None, description="The reason's category, e.g. "
                                 "`post-sale`.")
    repeat: bool = Field(default=False, description="The customer contacted again within the "
                         "repeat window; the priority includes the repeat boost.")
    rule_id: str | None = Field(default=None, description="The routing rule that chose the queue.")


@event("contact.offered", topic=TOPIC, key="contact_id")
class ContactOffered(EventData):
    """A contact was reserved for an agent, awaiting accept."""

    contact_id: str
    queue_id: str
    channel: Channel
    agent_id: str
    offered_at: datetime
    expires_at: datetime
    reservation_id: str | None = Field(default=None, description="Id of this offer.")
    rule: str | None = Field(default=None, examples=["queue"],
                             description="Why: `queue`, `overflow` or `preferred_agent`.")
    step: int | None = Field(default=None, ge=0, description="Overflow step (0 = base).")
    strategy: str | None = Field(default=None, examples=["longest_idle"],
                                 description="The queue's agent-selection strategy.")
    score: float | None = Field(default=None, description="The figure the strategy chose by "
                                "(idle seconds, free share, skill sum, offers since last).")


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
    category: str | None = Field(default=None, description="The reason's category, e.g. "
                                 "`post-sale`.")


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
    category: str | None = Field(default=None, description="The reason's category, e.g. "
                                 "`post-sale`.")


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
    category: str | None = Field(default=None, description="The reason's category, e.g. "
                                 "`post-sale`.")


@event("contact.offer_ended", topic=TOPIC, key="contact_id")
class ContactOfferEnded(EventData):
    """An offer ended without an accept; a rejected or expired contact keeps its place."""

    contact_id: str
    queue_id: str
    agent_id: str
    reservation_id: str
    outcome: str = Field(examples=["rejected"], description="`rejected`, `expired`, `withdrawn`.")
    ended_at: datetime


@event("contact.held", topic=TOPIC, key="contact_id")
class ContactHeld(EventData):
    """The agent put the contact on hold."""

    contact_id: str
    agent_id: str
    held_at: datetime


@event("contact.resumed", topic=TOPIC, key="contact_id")
class ContactResumed(EventData):
    """The agent took the contact off hold."""

    contact_id: str
    agent_id: str
    resumed_at: datetime


@event("contact.transferred", topic=TOPIC, key="contact_id")
class ContactTransferred(EventData):
    """The contact left its agent for a queue (cold) or a named agent."""

    contact_id: str
    from_agent_id: str
    queue_id: str
    to_agent_id: str | None = None
    channel: Channel
    transferred_at: datetime
    arrived_at: datetime = Field(description="Original arrival, kept for reporting.")
    warm: bool = Field(default=False, description="Completed after a consult with the agent.")


@event("contact.reassigned", topic=TOPIC, key="contact_id")
class ContactReassigned(EventData):
    """Async work left unanswered past the queue's response limit went back to the queue."""

    contact_id: str
    agent_id: str
    queue_id: str
    reason: str = Field(examples=["response_limit"])
    reassigned_at: datetime


@event("contact.overflowed", topic=TOPIC, key="contact_id")
class ContactOverflowed(EventData):
    """A waiting contact reached an overflow step: its requirement widened or backups joined."""

    contact_id: str
    queue_id: str
    step: int = Field(ge=1)
    overflowed_at: datetime


@event("contact.wrap_up_started", topic=TOPIC, key="contact_id")
class ContactWrapUpStarted(EventData):
    """The conversation ended; the agent does after-contact work."""

    contact_id: str
    agent_id: str
    started_at: datetime


@event("contact.closed", topic=TOPIC, key="contact_id")
class ContactClosed(EventData):
    """The queue ended the contact without an agent (full, closed, maximum wait, callback)."""

    contact_id: str
    queue_id: str
    channel: Channel
    reason: str = Field(examples=["queue_full"],
                        description="`queue_full`, `closed_hours`, `max_wait`, `callback`.")
    closed_at: datetime
    waited_ms: int = Field(default=0, ge=0)
    customer_id: str | None = None
    outcome: str | None = Field(default=None, examples=["voicemail"],
                                description="The queue's defined outcome: `closed`, `voicemail`, "
                                "`callback_offer` or `deflected`.")
    target: str | None = Field(default=None, examples=["kb:returns"],
                               description="Deflection: where self-service takes over.")
    contact_reason: str | None = Field(default=None, description="The contact's reason code.")


@event("contact.rerouted", topic=TOPIC, key="contact_id")
class ContactRerouted(EventData):
    """A queue's outcome moved a contact to a backup queue (full, waited too long, closed)."""

    contact_id: str
    from_queue_id: str
    queue_id: str
    channel: Channel
    cause: str = Field(examples=["max_wait"], description="`queue_full`, `max_wait`, "
                       "`closed_hours`.")
    rerouted_at: datetime
    arrived_at: datetime = Field(description="Original arrival, kept for reporting.")


@event("contact.consult_started", topic=TOPIC, key="contact_id")
class ContactConsultStarted(EventData):
    """Warm transfer: the handling agent consults another agent before handing over."""

    contact_id: str
    agent_id: str
    consult_agent_id: str
    started_at: datetime


@event("contact.consult_ended", topic=TOPIC, key="contact_id")
class ContactConsultEnded(EventData):
    """The consult ended: `completed` hands the contact over, `cancelled` keeps it."""

    contact_id: str
    agent_id: str
    consult_agent_id: str
    outcome: str = Field(examples=["completed"], description="`completed` or `cancelled`.")
    ended_at: datetime
