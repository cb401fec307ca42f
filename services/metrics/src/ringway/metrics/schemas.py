"""HTTP bodies of the metrics API."""

from datetime import datetime

from pydantic import BaseModel, Field

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
    service_level: float | None = Field(
        description="answered_within_sl / (answered + abandoned); null when both are 0.")
    asa_ms: float | None = Field(description="Average speed of answer: wait_ms_total / answered.")
    aht_ms: float | None = Field(description="Average handle time: handle_ms_total / handled.")
    abandon_rate: float | None = Field(description="abandoned / offered; null when offered is 0.")


class IntervalKpiReport(BaseModel):
    """Interval rows of a time range, oldest first."""

    start: datetime
    end: datetime
    interval_minutes: int
    service_level_threshold_s: int
    items: list[IntervalKpiRead]


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
