"""HTTP bodies of the dialer API."""

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from ringway.dialer.domain import CampaignStatus, DialingMode, Purpose


def _as_utc(value: datetime) -> datetime:
    """SQLite drops the offset of stored times; every time the dialer writes is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


UtcDateTime = Annotated[datetime, AfterValidator(_as_utc)]


class CampaignCreate(BaseModel):
    """A new campaign; it starts as a draft."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, examples=["Welcome new customers"])
    purpose: Purpose
    dialing_mode: DialingMode
    enrol_on: list[str] = Field(
        default_factory=list, max_length=20, examples=[["customer.registered"]],
        description="Event types that enrol people automatically while the campaign runs.",
    )


class CampaignRead(BaseModel):
    """A campaign as the dialer knows it."""

    id: str
    name: str
    purpose: Purpose
    dialing_mode: DialingMode
    status: CampaignStatus
    enrol_on: list[str]
    created_at: UtcDateTime


class CampaignContactRead(BaseModel):
    """A person enrolled in a campaign, waiting to be called."""

    id: str
    campaign_id: str
    customer_id: str | None
    phone: str = Field(description="E.164.", examples=["+14155550100"])
    trigger: str = Field(description="`list`, or the event type that enrolled the person.")
    status: str
    enrolled_at: UtcDateTime


class CampaignContactPage(BaseModel):
    """One page of a campaign's contacts, oldest enrolment first."""

    items: list[CampaignContactRead]
    total: int = Field(description="Contacts in the campaign, all pages.")
    limit: int
    offset: int
