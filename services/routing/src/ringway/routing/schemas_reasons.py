"""HTTP bodies of the contact-reason taxonomy and the routing rules."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from ringway.shared.contracts.common import Channel


class ReasonBody(BaseModel):
    """A contact reason and the category it belongs to."""

    model_config = ConfigDict(extra="forbid")

    category: str = Field(min_length=1, max_length=100, examples=["post-sale"])
    label: str = Field(min_length=1, max_length=200, examples=["Billing question"])


class ReasonRead(ReasonBody):
    """A contact reason as stored."""

    code: str
    created_at: datetime
    updated_at: datetime


class CategoryRead(BaseModel):
    """A category with its reason codes (the taxonomy as a tree)."""

    category: str
    reasons: list[str]


class RuleBody(BaseModel):
    """Conditions (all must hold; unset = any) and where a matching contact goes."""

    model_config = ConfigDict(extra="forbid")

    position: int = Field(default=100, ge=0, le=1_000_000,
                          description="Rules are tried lowest position first.")
    reason: str | None = Field(default=None, min_length=1, max_length=100, examples=["billing"])
    category: str | None = Field(default=None, min_length=1, max_length=100,
                                 examples=["post-sale"])
    channels: list[Channel] = Field(default_factory=list, max_length=4)
    languages: list[str] = Field(default_factory=list, max_length=20, examples=[["es"]])
    attributes: dict[str, str] = Field(default_factory=dict, max_length=20,
                                       examples=[{"tier": "gold"}],
                                       description="Customer/contact attributes that must equal "
                                       "these values.")
    queue_id: str = Field(min_length=1, max_length=100, examples=["billing-es"])
    priority: int | None = Field(default=None, ge=0, le=100,
                                 description="Priority of matching contacts; unset keeps the "
                                 "contact's own.")


class RuleRead(RuleBody):
    """A routing rule as stored."""

    id: str
    created_at: datetime
    updated_at: datetime
