"""HTTP bodies of the routing API."""

from datetime import date, datetime, time
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ringway.shared.contracts.common import Channel, Direction

Id = Field(min_length=1, max_length=100)


class RequirementBody(BaseModel):
    """Skills with a minimum proficiency and an optional language."""

    model_config = ConfigDict(extra="forbid")

    skills: dict[str, int] = Field(default_factory=dict, examples=[{"billing": 5}])
    language: str | None = Field(default=None, max_length=16, examples=["en"])


class OverflowBody(BaseModel):
    """After `after_s` of waiting, widen the requirement and/or add backup queues' agents."""

    model_config = ConfigDict(extra="forbid")

    after_s: float = Field(gt=0, le=86_400, examples=[30])
    requirement: RequirementBody | None = None
    add_queues: list[str] = Field(default_factory=list, max_length=20)


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def known_zone(value: str) -> str:
    """The zone name, if the tz database knows it."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r}") from None
    return value


class WindowBody(BaseModel):
    """An opening window in local wall time."""

    model_config = ConfigDict(extra="forbid")

    start: time = Field(examples=["08:00"])
    end: time = Field(examples=["18:00"])

    @model_validator(mode="after")
    def _ordered(self) -> "WindowBody":
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class HoursBody(BaseModel):
    """Business hours in the queue's time zone; outside them new contacts are closed."""

    model_config = ConfigDict(extra="forbid")

    timezone: str = Field(examples=["Europe/Berlin"])
    weekly: dict[Weekday, list[WindowBody]] = Field(default_factory=dict)
    holidays: list[date] = Field(default_factory=list, max_length=400)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return known_zone(value)


class ShiftWindow(BaseModel):
    """A working window in local wall time; an end not after the start runs past midnight."""

    model_config = ConfigDict(extra="forbid")

    start: time = Field(examples=["22:00"])
    end: time = Field(examples=["06:00"])


class ShiftBody(BaseModel):
    """An agent's working hours in their own time zone; off shift they are offered nothing."""

    model_config = ConfigDict(extra="forbid")

    timezone: str = Field(examples=["America/New_York"])
    weekly: dict[Weekday, list[ShiftWindow]] = Field(default_factory=dict)
    days_off: list[date] = Field(default_factory=list, max_length=400,
                                 description="Holidays and leave: no shift starts on these days.")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return known_zone(value)


class OutcomeBody(BaseModel):
    """What happens to a contact the queue cannot keep (full, waited too long, closed)."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["close", "overflow", "voicemail", "callback", "deflect"] = Field(
        default="close", description="`overflow` moves it to `queue_id` (keeping its arrival "
        "time); `voicemail` and `callback` end it with that offer; `deflect` sends the customer "
        "to self-service at `target`.")
    queue_id: str | None = Field(default=None, min_length=1, max_length=100)
    target: str | None = Field(default=None, min_length=1, max_length=200,
                               examples=["kb:returns"])

    @model_validator(mode="after")
    def _complete(self) -> "OutcomeBody":
        if self.action == "overflow" and self.queue_id is None:
            raise ValueError("an overflow outcome needs queue_id")
        if self.action == "deflect" and self.target is None:
            raise ValueError("a deflect outcome needs target")
        return self


class QueueOutcomes(BaseModel):
    """The defined outcome per cause; unset causes close the contact with the cause."""

    model_config = ConfigDict(extra="forbid")

    full: OutcomeBody | None = Field(default=None, description="`max_size` reached.")
    max_wait: OutcomeBody | None = Field(default=None, description="`max_wait_s` passed.")
    closed: OutcomeBody | None = Field(default=None, description="Outside business hours or "
                                       "on a holiday.")


class QueueConfig(BaseModel):
    """A queue's routing configuration (PUT creates or replaces it)."""

    model_config = ConfigDict(extra="forbid")

    requirement: RequirementBody = Field(default_factory=RequirementBody)
    channels: list[Channel] = Field(default_factory=list, description="Empty: every channel.")
    priority: int = Field(default=0, ge=0, le=100)
    strategy: Literal["longest_idle", "least_occupied", "most_skilled", "round_robin"] = (
        "longest_idle")
    overflow: list[OverflowBody] = Field(default_factory=list, max_length=10)
    accept_timeout_s: float = Field(default=15.0, gt=0, le=3600)
    wrap_up_s: float = Field(default=0.0, ge=0, le=3600,
                             description="Automatic end of wrap-up; 0 = the agent ends it.")
    max_wait_s: float | None = Field(default=None, gt=0)
    max_size: int | None = Field(default=None, ge=1)
    response_limit_s: float | None = Field(default=None, gt=0,
                                           description="Async work unanswered this long is "
                                           "reassigned.")
    callback_threshold_s: float | None = Field(default=None, gt=0,
                                               description="Offer a callback when EWT exceeds "
                                               "this.")
    hours: HoursBody | None = Field(default=None, description="None: always open.")
    service_level_s: float = Field(default=20.0, gt=0)
    service_level_target: float = Field(default=0.8, gt=0, le=1)
    outcomes: QueueOutcomes = Field(default_factory=QueueOutcomes)


class QueueRead(BaseModel):
    """A queue, with its live figures."""

    id: str
    config: QueueConfig
    waiting: int
    staffed_agents: int


class AgentCreate(BaseModel):
    """A new agent profile."""

    model_config = ConfigDict(extra="forbid")

    display_name: str = Field(min_length=1, max_length=200, examples=["Dana K."])
    skills: dict[str, int] = Field(default_factory=dict, examples=[{"billing": 7, "es": 9}],
                                   description="Skill -> proficiency 1-10.")
    languages: list[str] = Field(default_factory=list, max_length=20, examples=[["en", "es"]])
    capacity: dict[Channel, int] | None = Field(
        default=None, examples=[{"voice": 1, "chat": 3, "email": 5}],
        description="Concurrent contacts per channel (default voice 1, chat 3, e-mail 5, "
        "social 3).")
    queues: list[str] = Field(default_factory=list, max_length=200, examples=[["support-en"]])
    voice_exclusive: bool = Field(default=True, description="A voice contact blocks the rest.")
    blended: bool = Field(default=False, description="May take outbound work.")
    shift: ShiftBody | None = Field(default=None, description="None: no shift limits.")


class AgentUpdate(BaseModel):
    """Change an agent's routing profile (fields left out stay as they are)."""

    model_config = ConfigDict(extra="forbid")

    display_name: str | None = Field(default=None, min_length=1, max_length=200)
    skills: dict[str, int] | None = None
    languages: list[str] | None = Field(default=None, max_length=20)
    capacity: dict[Channel, int] | None = None
    queues: list[str] | None = Field(default=None, max_length=200)
    voice_exclusive: bool | None = None
    blended: bool | None = None
    shift: ShiftBody | None = None


class AgentRead(BaseModel):
    """An agent as routing knows it."""

    id: str
    display_name: str
    skills: dict[str, int]
    state: str
    created_at: datetime
    languages: list[str] = Field(default_factory=list)
    capacity: dict[str, int] = Field(default_factory=dict)
    queues: list[str] = Field(default_factory=list)
    voice_exclusive: bool = True
    blended: bool = False
    reason: str | None = None
    state_changed_at: datetime | None = None
    shift: ShiftBody | None = None


class AgentStateChange(BaseModel):
    """Log in, go ready or not-ready (with a reason code), or log out."""

    model_config = ConfigDict(extra="forbid")

    state: Literal["available", "not_ready", "offline"]
    reason: str | None = Field(default=None, min_length=1, max_length=100,
                               examples=["break", "lunch", "training", "meeting"])


class ContactCreate(BaseModel):
    """A contact arriving from an integration (PBX/IVR, chat widget, e-mail gateway, social)."""

    model_config = ConfigDict(extra="forbid")

    channel: Channel
    queue_id: str | None = Field(default=None, min_length=1, max_length=100,
                                 examples=["support-en"],
                                 description="None: the routing rules choose from the reason, "
                                 "channel, language and attributes.")
    reason: str | None = Field(default=None, min_length=1, max_length=100, examples=["billing"])
    priority: int = Field(default=0, ge=0, le=100)
    customer_id: str | None = Field(default=None, max_length=64)
    language: str | None = Field(default=None, max_length=16, examples=["en"])
    idempotency_key: str | None = Field(default=None, min_length=1, max_length=200,
                                        description="The same key returns the same contact.")
    preferred_agent_id: str | None = Field(default=None, max_length=26)
    preferred_wait_s: float = Field(default=30.0, ge=0, le=3600)
    attributes: dict[str, Any] = Field(default_factory=dict, max_length=50)


class ContactRead(BaseModel):
    """A contact in routing."""

    id: str
    channel: Channel
    queue_id: str
    reason: str | None
    priority: int
    customer_id: str | None
    language: str | None
    status: str
    arrived_at: datetime
    direction: Direction = Direction.INBOUND
    agent_id: str | None = None
    position: int | None = Field(default=None, description="In line while waiting (1 = next).")
    estimated_wait_s: float | None = None
    callback_offered: bool = False
    disposition: str | None = None
    resolved: bool | None = None
    end_reason: str | None = None
    category: str | None = Field(default=None, description="The reason's category.")
    rule_id: str | None = Field(default=None, description="The routing rule that chose the "
                                "queue, if one did.")
    repeat: bool = Field(default=False, description="The customer contacted again within the "
                         "repeat window (priority boosted).")
    consult_agent_id: str | None = Field(default=None, description="Warm transfer: the agent "
                                         "being consulted.")
    outcome: str | None = Field(default=None, description="Queue outcome that ended or moved it.")
    transfers: int = Field(default=0, description="Times an agent passed it on (cold or warm).")
    outcome_target: str | None = None


class AgentAction(BaseModel):
    """Who acts: an agent's own token implies it; supervisors name the agent."""

    model_config = ConfigDict(extra="forbid")

    agent_id: str | None = Field(default=None, max_length=26)


class ContactComplete(AgentAction):
    """End handling with a disposition (wrap-up code)."""

    disposition: str | None = Field(default=None, max_length=100, examples=["resolved-billing"])
    resolved: bool = False
    reason: str | None = Field(default=None, min_length=1, max_length=100, examples=["returns"],
                               description="The contact reason as the agent found it; replaces "
                               "the one given at arrival.")


class ContactTransfer(AgentAction):
    """Send to a queue (cold) or to a named agent."""

    queue_id: str | None = Field(default=None, min_length=1, max_length=100)
    to_agent_id: str | None = Field(default=None, max_length=26)
    wait_s: float = Field(default=30.0, gt=0, le=3600,
                          description="How long the named agent is waited for.")


class ConsultStart(AgentAction):
    """Warm transfer: the agent to consult."""

    to_agent_id: str = Field(min_length=1, max_length=26)


class CallbackAccept(BaseModel):
    """The customer takes the offered callback: the number to call."""

    model_config = ConfigDict(extra="forbid")

    phone: str = Field(pattern=r"^\+[1-9]\d{6,14}$", examples=["+14155550100"])


class RoutingSettingsBody(BaseModel):
    """Routing settings of this deployment (replacing the environment's defaults)."""

    model_config = ConfigDict(extra="forbid")

    repeat_window_s: float = Field(ge=0, le=366 * 86_400, examples=[259_200],
                                   description="A customer's contact within this many seconds "
                                   "of their previous one is a repeat.")
    repeat_boost: int = Field(ge=0, le=100, examples=[10],
                              description="Priority added to a repeat contact (0 = none).")


class RoutingSettingsRead(RoutingSettingsBody):
    """The routing settings in force."""

    source: Literal["environment", "admin"] = Field(
        description="`environment`: ROUTING_REPEAT_* defaults; `admin`: set over this API.")
    updated_at: datetime | None = None
