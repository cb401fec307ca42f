"""HTTP bodies of support requests and callback requests."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

REASON = r"^[a-z0-9][a-z0-9_.-]{0,99}$"


class SupportRequestCreate(BaseModel):
    """A written request for help; it becomes a contact in routing."""

    model_config = ConfigDict(extra="forbid")

    channel: Literal["email", "chat", "social"] = "email"
    reason: str | None = Field(default=None, pattern=REASON, examples=["billing"],
                               description="Contact-reason code routing knows.")
    subject: str = Field(min_length=1, max_length=200)
    message: str = Field(min_length=1, max_length=10_000)


class SupportRequestRead(BaseModel):
    """A support request."""

    id: str
    customer_id: str
    channel: str
    reason: str | None
    subject: str
    message: str
    status: str
    opened_at: datetime


class CallbackCreate(BaseModel):
    """Call me back, at this time or as soon as possible."""

    model_config = ConfigDict(extra="forbid")

    requested_for: AwareDatetime | None = Field(
        default=None, description="When to call; none means as soon as possible.")
    phone: str | None = Field(default=None, min_length=1, max_length=40,
                              description="Default: the number on the account.")
    reason: str | None = Field(default=None, pattern=REASON)


class CallbackRead(BaseModel):
    """A callback request."""

    id: str
    customer_id: str
    phone: str
    reason: str | None
    requested_for: datetime | None
    created_at: datetime
