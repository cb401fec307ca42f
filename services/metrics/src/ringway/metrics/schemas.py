"""HTTP bodies of the metrics API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ringway.shared.contracts.common import Channel


class IntervalKpiRead(BaseModel):
    """One interval of one queue and channel: raw counts and the KPIs derived from them."""

    interval_start: datetime = Field(description="Start of the interval (UTC).")
    queue_id: str
    channel: Channel
    offered: int = Field(description="Contacts that entered the queue.")
    answered: int = Field(description="Contacts an agent accepted.")
    abandoned: int = Field(description="Contacts the customer left before an answer.")
    answered_within_sl: int = Field(description="Answered within the service-level threshold.")
    wait_ms_total: int = Field(description="Sum of the waits of answered contacts.")
    handled: int = Field(description="Contacts whose handling and wrap-up ended.")
    handle_ms_total: int = Field(description="Sum of talk + hold + wrap-up of handled contacts.")
    short_abandoned: int = Field(description="Abandoned before the short-abandon threshold.")
    abandoned_within_sl: int = Field(description="Abandoned within the service-level threshold.")
    abandon_wait_ms_total: int = Field(description="Sum of the waits of abandoned contacts.")
    longest_wait_ms: int = Field(description="Longest wait of a contact answered or abandoned.")
    talk_ms_total: int
    hold_ms_total: int
    wrap_up_ms_total: int
    transfers: int = Field(description="Contacts queued again from this queue (transferred).")
    resolved: int = Field(description="Handled contacts the agent marked resolved.")
    repeats: int = Field(description="Handled contacts followed by another contact of the same "
                         "customer and reason within the FCR window.")
    service_level: float | None = Field(
        description="answered_within_sl / (answered + abandoned); null when both are 0.")
    asa_ms: float | None = Field(description="Average speed of answer: wait_ms_total / answered.")
    aht_ms: float | None = Field(description="Average handle time: handle_ms_total / handled.")
    abandon_rate: float | None = Field(description="abandoned / offered; null when offered is 0.")
    service_level_of_answered: float | None = Field(
        description="answered_within_sl / answered.")
    service_level_excluding_early_abandons: float | None = Field(
        description="answered_within_sl / (answered + abandoned after the threshold).")
    service_level_left_within: float | None = Field(
        description="(answered_within_sl + abandoned_within_sl) / offered (Amazon Connect).")
    abandon_rate_excluding_short: float | None = Field(
        description="(abandoned - short_abandoned) / (offered - short_abandoned).")
    avg_abandon_wait_ms: float | None
    avg_talk_ms: float | None
    avg_hold_ms: float | None
    avg_wrap_up_ms: float | None
    transfer_rate: float | None = Field(description="transfers / answered.")
    fcr_rate: float | None = Field(description="1 - repeats / handled.")
    resolved_rate: float | None = Field(description="resolved / handled.")


class IntervalKpiReport(BaseModel):
    """Interval rows of a time range, oldest first."""

    start: datetime
    end: datetime
    interval_minutes: int
    service_level_threshold_s: int
    short_abandon_s: int = 5
    items: list[IntervalKpiRead]


class AgentKpiRead(BaseModel):
    """One agent over one interval: contacts, handle time and where the time went."""

    interval_start: datetime
    agent_id: str
    answered: int
    handled: int
    aht_ms: float | None
    avg_talk_ms: float | None
    avg_hold_ms: float | None
    avg_wrap_up_ms: float | None
    logged_in_ms: int
    ready_ms: int = Field(description="Available, reserved, busy and wrap-up time.")
    handling_ms: int = Field(description="Busy and wrap-up time.")
    not_ready_ms: int
    not_ready_by_reason: dict[str, int]
    occupancy: float | None = Field(description="handling_ms / ready_ms.")
    utilization: float | None = Field(description="handling_ms / logged_in_ms.")


class AgentKpiReport(BaseModel):
    """Agent rows of a time range, oldest first."""

    start: datetime
    end: datetime
    interval_minutes: int
    items: list[AgentKpiRead]


class ReasonRead(BaseModel):
    """Contacts of one reason over a range, with its category."""

    reason: str
    category: str = Field(description="e.g. pre_purchase or post_sale; `other` if unmapped.")
    offered: int
    handled: int
    resolved: int
    share: float = Field(description="This reason's share of all offered contacts with a reason.")


class ReasonReport(BaseModel):
    """The contact-reasons breakdown of a range, by reason and by category."""

    start: datetime
    end: datetime
    reasons: list[ReasonRead]
    categories: dict[str, int] = Field(description="Offered contacts per category.")


class SelfServiceCountRead(BaseModel):
    """How often an action ended with an outcome in one interval."""

    interval_start: datetime = Field(description="Start of the interval (UTC).")
    action: str = Field(examples=["payment"])
    outcome: str = Field(examples=["succeeded"])
    count: int


class SelfServiceReport(BaseModel):
    """Self-service rows of a time range, oldest first."""

    start: datetime
    end: datetime
    interval_minutes: int
    items: list[SelfServiceCountRead]


class SurveyIn(BaseModel):
    """A customer's answer to the survey after a contact: CSAT 1-5 and/or NPS 0-10."""

    model_config = ConfigDict(extra="forbid")

    contact_id: str = Field(min_length=1, max_length=100)
    csat: int | None = Field(default=None, ge=1, le=5, description="Satisfaction 1-5.")
    nps: int | None = Field(default=None, ge=0, le=10, description="Likelihood to recommend.")
    customer_id: str | None = Field(default=None, max_length=100)
    agent_id: str | None = Field(default=None, max_length=100)
    queue_id: str | None = Field(default=None, max_length=100,
                                 description="Defaults to the queue the contact was last in.")
    channel: Channel | None = None
    reason: str | None = Field(default=None, max_length=100)

    @model_validator(mode="after")
    def _some_score(self) -> SurveyIn:
        if self.csat is None and self.nps is None:
            raise ValueError("give csat, nps or both")
        return self


class SurveyGroupRead(BaseModel):
    """CSAT and NPS of one queue, channel, agent or reason ("" = not known)."""

    group: str
    csat_responses: int
    csat_total: int
    csat_satisfied: int
    nps_responses: int
    promoters: int
    detractors: int
    csat: float | None = Field(description="csat_satisfied / csat_responses (answers of 4-5).")
    avg_csat: float | None = Field(description="csat_total / csat_responses.")
    nps: float | None = Field(description="100 x (promoters - detractors) / nps_responses.")


class SurveyReport(BaseModel):
    """Customer experience over a range, grouped as asked."""

    start: datetime
    end: datetime
    group_by: str
    items: list[SurveyGroupRead]


class ContainmentRead(BaseModel):
    """Self-service sessions started in a range and how many reached an agent within 24 h."""

    start: datetime
    end: datetime
    sessions: int
    escalated: int = Field(description="Sessions followed by an assisted contact within 24 h.")
    containment_rate: float | None = Field(description="(sessions - escalated) / sessions.")
    kb_sessions: int = Field(description="Sessions that used the knowledge base.")
    kb_escalated: int
    kb_deflection_rate: float | None = Field(
        description="(kb_sessions - kb_escalated) / kb_sessions.")


class CampaignRead(BaseModel):
    """One campaign: outbound counts and rates in the range, abandon rate on its windows."""

    campaign_id: str
    attempts: int
    finished: int
    connected: int = Field(description="Finished attempts a person answered and an agent took.")
    abandoned: int = Field(description="A person answered but no agent was there in time.")
    right_party: int
    conversions: int
    connect_rate: float | None = Field(description="connected / finished.")
    right_party_rate: float | None = Field(description="right_party / connected.")
    conversion_rate: float | None = Field(description="conversions / connected.")
    abandon_rate: float | None = Field(description="abandoned / (connected + abandoned).")
    abandon_rate_24h: float | None = Field(description="The same over the last 24 hours.")
    abandon_rate_30d: float | None = Field(description="The same over the last 30 days.")


class CampaignReport(BaseModel):
    """Outbound KPIs per campaign."""

    start: datetime
    end: datetime
    items: list[CampaignRead]
