"""HTTP bodies of the routing API."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from ringway.shared.contracts.common import Channel


class AgentCreate(BaseModel):
    """A new agent profile."""

    model_config = ConfigDict(extra="forbid")

    display_name: str = Field(min_length=1, max_length=200, examples=["Dana K."])
    skills: dict[str, int] = Field(default_factory=dict, examples=[{"billing": 7, "es": 9}],
                                   description="Skill -> proficiency 1-10.")


class AgentRead(BaseModel):
    """An agent as routing knows it."""

    id: str
    display_name: str
    skills: dict[str, int]
    state: str
    created_at: datetime


class ContactCreate(BaseModel):
    """A contact arriving from an integration (PBX/IVR, chat widget, e-mail gateway, social)."""

    model_config = ConfigDict(extra="forbid")

    channel: Channel
    queue_id: str = Field(min_length=1, max_length=100, examples=["support-en"])
    reason: str | None = Field(default=None, max_length=100, examples=["billing"])
    priority: int = Field(default=0, ge=0, le=100)
    customer_id: str | None = Field(default=None, max_length=64)
    language: str | None = Field(default=None, max_length=16, examples=["en"])
    idempotency_key: str | None = Field(default=None, min_length=1, max_length=200,
                                        description="The same key returns the same contact.")


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
