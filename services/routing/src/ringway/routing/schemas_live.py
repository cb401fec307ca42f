"""HTTP bodies of the supervisor's live view."""

from datetime import datetime

from pydantic import BaseModel, Field

from ringway.shared.contracts.common import Channel


class QueueLive(BaseModel):
    """A queue right now, and its service level since midnight in its zone (else UTC)."""

    id: str
    waiting: int
    oldest_wait_s: float | None = Field(description="Longest wait among waiting contacts.")
    ewt_s: dict[str, float | None] = Field(description="Per channel: estimated wait of a "
                                           "contact arriving now; None when nobody is staffed.")
    staffed_agents: int
    available_agents: int
    answered_today: int
    abandoned_today: int
    service_level: float | None = Field(description="Share answered within service_level_s "
                                        "of answered + abandoned today.")
    service_level_target: float
    service_level_s: float
    closed: bool = Field(description="Outside business hours or on a holiday now.")


class HeldContact(BaseModel):
    """A contact an agent holds (offered, handled, in wrap-up, or consulted on)."""

    id: str
    queue_id: str
    channel: Channel
    status: str
    consult: bool = Field(description="The agent is consulted on it (warm transfer).")


class AgentLive(BaseModel):
    """An agent right now."""

    id: str
    state: str
    reason: str | None
    since: datetime
    on_shift: bool
    load: dict[str, int]
    contacts: list[HeldContact]
