"""HTTP bodies of knowledge-base categories and feedback."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

CATEGORY = r"^[a-z0-9][a-z0-9_-]{0,99}$"


class KbCategoryCreate(BaseModel):
    """A category and the contact reason whose questions it answers."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=CATEGORY, examples=["billing"])
    title: str = Field(min_length=1, max_length=200, examples=["Bills and payments"])
    contact_reason: str | None = Field(default=None, min_length=1, max_length=100,
                                       examples=["billing"],
                                       description="Routing's contact-reason code.")


class KbCategoryRead(BaseModel):
    """A category."""

    code: str
    title: str
    contact_reason: str | None


class KbFeedback(BaseModel):
    """Was this article helpful?"""

    model_config = ConfigDict(extra="forbid")

    helpful: bool
