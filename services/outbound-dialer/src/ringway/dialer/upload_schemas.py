"""HTTP bodies of list uploads."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ringway.dialer.schemas import UtcDateTime

MAX_JSON_ROWS = 10_000


class UploadRead(BaseModel):
    """A list upload's progress (while loading) or result."""

    id: str
    campaign_id: str
    format: str = Field(examples=["csv", "ndjson", "json"])
    status: str = Field(examples=["loading", "completed", "failed"])
    rows_read: int
    accepted: int = Field(description="New contacts added.")
    merged: int = Field(description="Rows merged into a contact with the same number.")
    invalid: int = Field(description="Rows rejected; see the errors.")
    started_at: UtcDateTime
    finished_at: UtcDateTime | None = None


class JsonList(BaseModel):
    """A small list as JSON; large lists go as CSV or NDJSON (streamed)."""

    model_config = ConfigDict(extra="forbid")

    contacts: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_JSON_ROWS, examples=[[
        {"phone": "+14155550100", "customer_id": "c-1", "priority": 5, "name": "Ada"}]])


class RowErrorRead(BaseModel):
    """A rejected row."""

    row: int = Field(description="1-based data row (the CSV header is row 0).")
    reason: str = Field(examples=["invalid_phone", "missing_phone", "do_not_call"])
    detail: str
