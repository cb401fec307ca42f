"""HTTP bodies of visit slots and service visits."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

CODE = r"^[a-z0-9][a-z0-9_-]{0,39}$"


class SlotCreate(BaseModel):
    """A window a field team can serve, and how many visits fit in it."""

    model_config = ConfigDict(extra="forbid")

    area: str = Field(pattern=CODE, examples=["madrid-north"])
    job_type: str = Field(pattern=CODE, examples=["boiler-repair"])
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    capacity: int = Field(ge=1, le=1000)


class SlotRead(BaseModel):
    """A slot and how many places are left."""

    id: str
    area: str
    job_type: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    available: int


class VisitBook(BaseModel):
    """Book (or move to) a slot."""

    model_config = ConfigDict(extra="forbid")

    slot_id: str = Field(min_length=1, max_length=26)


class VisitRead(BaseModel):
    """A service visit."""

    id: str
    customer_id: str
    slot_id: str
    area: str
    job_type: str
    starts_at: datetime
    ends_at: datetime
    status: str = Field(examples=["booked", "cancelled", "completed"])
    booked_at: datetime
    updated_at: datetime
