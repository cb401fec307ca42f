"""Topic `surveys`, keyed by contact id: post-contact survey answers (CSAT, NPS)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from ringway.shared.contracts.common import Channel
from ringway.shared.events.envelope import EventData
from ringway.shared.events.registry import event

TOPIC = "surveys"


@event("survey.answered", topic=TOPIC, key="contact_id")
class SurveyAnswered(EventData):
    """A customer answered the survey after a contact."""

    survey_id: str
    contact_id: str
    customer_id: str | None = None
    agent_id: str | None = None
    queue_id: str | None = None
    channel: Channel | None = None
    reason: str | None = None
    csat: int | None = Field(default=None, ge=1, le=5, description="Satisfaction 1-5.")
    nps: int | None = Field(default=None, ge=0, le=10, description="Likelihood to recommend 0-10.")
    answered_at: datetime
