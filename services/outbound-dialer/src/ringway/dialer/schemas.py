"""HTTP bodies of the dialer API."""

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from ringway.dialer.domain import CampaignStatus, DialingMode, Purpose
from ringway.dialer.domain.hours import InvalidHours, parse_hours
from ringway.dialer.domain.phones import InvalidNumber, normalize, valid_zone


def _as_utc(value: datetime) -> datetime:
    """SQLite drops the offset of stored times; every time the dialer writes is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


UtcDateTime = Annotated[datetime, AfterValidator(_as_utc)]
HoursSpec = dict[str, list[tuple[str, str]]]
DEFAULT_WINDOW: HoursSpec = {"mon-sun": [("08:00", "21:00")]}


def _check_hours(spec: HoursSpec) -> HoursSpec:
    try:
        parse_hours(spec)
    except InvalidHours as error:
        raise ValueError(str(error)) from None
    return spec


def _check_caller_id(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return normalize(value)[0]
    except InvalidNumber as error:
        raise ValueError(f"caller_id: {error}") from None


class RetryDelays(BaseModel):
    """Minutes to wait before the next attempt, per outcome of the last one."""

    model_config = ConfigDict(extra="forbid")

    busy: int = Field(default=15, ge=1, le=100_000)
    no_answer: int = Field(default=120, ge=1, le=100_000)
    machine: int = Field(default=240, ge=1, le=100_000)
    abandoned: int = Field(default=4320, ge=1, le=100_000,
                           description="Never below the profiles' no-redial period (72 h).")
    failed: int = Field(default=60, ge=1, le=100_000)


class Schedule(BaseModel):
    """When the campaign operates, on its own clock (e.g. the contact center's hours)."""

    model_config = ConfigDict(extra="forbid")

    time_zone: str = Field(default="UTC", examples=["Europe/London"])
    hours: Annotated[HoursSpec, AfterValidator(_check_hours)] = Field(
        default_factory=lambda: {"mon-sun": [("00:00", "24:00")]})

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        if valid_zone(value) is None:
            raise ValueError(f"unknown time zone {value!r}")
        return value


class CampaignSettings(BaseModel):
    """How and when a campaign calls."""

    model_config = ConfigDict(extra="forbid")

    calling_window: Annotated[HoursSpec, AfterValidator(_check_hours)] = Field(
        default_factory=lambda: dict(DEFAULT_WINDOW),
        description="Hours on the CALLED party's clock, e.g. {'mon-sun': [['08:00','21:00']]}.")
    schedule: Schedule | None = None
    max_attempts: int = Field(default=3, ge=1, le=20)
    retry_delays_min: RetryDelays = Field(default_factory=RetryDelays)
    compliance_profiles: list[str] = Field(default_factory=lambda: ["US"], min_length=1,
                                           max_length=10, examples=[["US", "UK", "FR"]])
    default_region: str | None = Field(
        default=None, min_length=2, max_length=2, examples=["US"],
        description="Country of list numbers written without a +country code.")
    enrol_delay_min: int = Field(default=0, ge=0, le=60 * 24 * 60,
                                 description="Wait after the trigger event before calling.")
    ring_timeout_s: int = Field(default=25, ge=15, le=120)
    blend_max_inbound_wait_s: int | None = Field(
        default=20, ge=1, le=3600,
        description="Back off while an inbound contact has waited longer (None: never).")
    blend_service_level_s: int = Field(
        default=20, ge=1, le=3600,
        description="Answer-time threshold of the inbound service level the dialer protects.")
    blend_service_level_target: float | None = Field(
        default=0.8, gt=0, le=1,
        description="Back off while an inbound queue answers a smaller share within the "
        "threshold over the window (None: never).")
    blend_window_min: int = Field(default=15, ge=1, le=24 * 60,
                                  description="Minutes of inbound history the level is taken on.")
    blend_queues: list[str] = Field(default_factory=list, max_length=100,
                                    description="Inbound queues protected; empty: every one.")
    abandon_message: str = Field(
        default="Sorry, nobody was free to take this call. We will call you again later.",
        min_length=1, max_length=500,
        description="What a person hears when no agent takes the answered call in time.")
    abandon_cap: float | None = Field(
        default=None, gt=0, lt=1, description="A stricter cap than the profiles' (e.g. 0.01).")


CallerId = Annotated[str | None, AfterValidator(_check_caller_id)]


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
    queue_id: str | None = Field(default=None, max_length=64,
                                 description="The agent pool: the routing queue of the agents.")
    caller_id: CallerId = Field(default=None, examples=["+14155550000"])
    settings: CampaignSettings = Field(default_factory=CampaignSettings)


class CampaignUpdate(BaseModel):
    """Changes to a campaign; mode, pool and profiles only while not running."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    dialing_mode: DialingMode | None = None
    enrol_on: list[str] | None = Field(default=None, max_length=20)
    queue_id: str | None = Field(default=None, max_length=64)
    caller_id: CallerId = None
    settings: CampaignSettings | None = None


class CampaignRead(BaseModel):
    """A campaign as the dialer knows it."""

    id: str
    name: str
    purpose: Purpose
    dialing_mode: DialingMode
    status: CampaignStatus
    enrol_on: list[str]
    queue_id: str | None = None
    caller_id: str | None = None
    settings: CampaignSettings = Field(default_factory=CampaignSettings)
    created_at: UtcDateTime
    updated_at: UtcDateTime | None = None


class CampaignContactRead(BaseModel):
    """A person enrolled in a campaign, waiting to be called."""

    id: str
    campaign_id: str
    customer_id: str | None
    phone: str = Field(description="E.164.", examples=["+14155550100"])
    trigger: str = Field(description="`list`, or the event type that enrolled the person.")
    status: str
    enrolled_at: UtcDateTime
    region: str | None = None
    zones: list[str] | None = None
    attributes: dict[str, str] | None = None
    priority: int = 0
    attempts: int = 0
    next_attempt_at: UtcDateTime | None = None
    outcome: str | None = None


class CampaignContactPage(BaseModel):
    """One page of a campaign's contacts, oldest enrolment first."""

    items: list[CampaignContactRead]
    total: int = Field(description="Contacts in the campaign, all pages.")
    limit: int
    offset: int


class DoNotCallEntries(BaseModel):
    """Numbers to add to a do-not-call list (bulk import)."""

    model_config = ConfigDict(extra="forbid")

    phones: list[str] = Field(min_length=1, max_length=10_000)
    reason: Literal["customer_request", "opt_out", "regulator", "other"] = "customer_request"
    default_region: str | None = Field(default=None, min_length=2, max_length=2)


class DoNotCallResult(BaseModel):
    """What a bulk do-not-call import did."""

    added: int
    already_listed: int
    invalid: list[dict[str, str | int]] = Field(
        description="Per entry: index, reason, detail.")


class SuppressionRead(BaseModel):
    """A number the dialer did not call, and why."""

    id: str
    campaign_id: str
    campaign_contact_id: str | None
    reason: str
    detail: str
    at: UtcDateTime


class SuppressionPage(BaseModel):
    """A page of suppressions, newest first."""

    items: list[SuppressionRead]
    limit: int
    offset: int
