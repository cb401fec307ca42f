"""The CloudEvents-like envelope every Ringway event travels in."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field
from ulid import ULID

CONTENT_TYPE = "application/json"


def new_event_id() -> str:
    """Return a unique, time-sortable event id (a ULID string)."""
    return str(ULID())


def utcnow() -> datetime:
    """Return the current time, timezone-aware UTC."""
    return datetime.now(UTC)


class EventData(BaseModel):
    """Base of every event payload.

    Producers validate strictly (unknown fields are an error); consumers use
    `EventRegistry.decode`, which ignores fields they do not know yet.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_type: ClassVar[str]
    topic: ClassVar[str]
    version: ClassVar[int]
    key_field: ClassVar[str]

    def key(self) -> str:
        """Return the Kafka key: the entity whose order matters."""
        return str(getattr(self, self.key_field))


class Envelope(BaseModel):
    """Metadata around an event payload; JSON on the wire."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str = Field(default_factory=new_event_id, description="Unique, sortable event id (ULID).")
    type: str = Field(description="Event type, e.g. `contact.queued`.", examples=["contact.queued"])
    source: str = Field(description="Service that emitted the event.", examples=["routing"])
    time: datetime = Field(default_factory=utcnow, description="When the fact happened (UTC).")
    subject: str = Field(description="Id of the entity the event is about.")
    schemaversion: int = Field(default=1, ge=1, description="Version of the `data` schema.")
    datacontenttype: str = CONTENT_TYPE
    data: dict[str, Any] = Field(description="The event payload, per `type` and `schemaversion`.")

    @classmethod
    def wrap(cls, data: EventData, *, source: str, subject: str | None = None) -> Envelope:
        """Wrap a payload; the subject defaults to the payload's key."""
        return cls(
            type=data.event_type,
            source=source,
            subject=subject if subject is not None else data.key(),
            schemaversion=data.version,
            data=data.model_dump(mode="json"),
        )

    def to_bytes(self) -> bytes:
        """Serialize to JSON bytes."""
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> Envelope:
        """Parse JSON bytes (raises pydantic.ValidationError on a malformed envelope)."""
        return cls.model_validate_json(raw)
