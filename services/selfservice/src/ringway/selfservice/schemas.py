"""HTTP bodies of the self-service API."""

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr

from ringway.selfservice.domain import MIN_PASSWORD_LENGTH
from ringway.shared.contracts.common import Channel

LANGUAGE_TAG = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"


def _as_utc(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; every time we store is UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]


class CustomerCreate(BaseModel):
    """A customer registering through the web front end."""

    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=254, examples=["ana@example.com"],
                       description="Unique, case-insensitive; stored lower-cased.")
    password: SecretStr = Field(max_length=1024, json_schema_extra={
        "minLength": MIN_PASSWORD_LENGTH, "writeOnly": True, "format": "password"})
    display_name: str = Field(min_length=1, max_length=200, examples=["Ana Souza"])
    phone: str | None = Field(default=None, min_length=1, max_length=40,
                              examples=["(415) 555-0100"],
                              description="Any common format; stored in E.164. Numbers "
                              "without `+` are read with `country` as the region.")
    country: str = Field(min_length=2, max_length=2, examples=["US"],
                         description="ISO 3166-1 alpha-2.")
    language: str = Field(max_length=16, pattern=LANGUAGE_TAG, examples=["en"])
    session_id: str | None = Field(default=None, min_length=1, max_length=64,
                                   description="The web session, so self-service metrics "
                                   "can follow it; default: a new id.")


class CustomerRead(BaseModel):
    """A customer as self-service shows it (never the password or its hash)."""

    id: str
    email: str
    display_name: str
    phone: str | None = Field(description="E.164.")
    country: str
    language: str
    created_at: UtcDatetime


class CustomerContactRead(BaseModel):
    """One contact in a customer's history, as routing reported it."""

    contact_id: str
    channel: Channel
    queue_id: str
    reason: str | None
    status: str
    arrived_at: UtcDatetime


class KbArticleCreate(BaseModel):
    """A new knowledge-base article."""

    model_config = ConfigDict(extra="forbid")

    language: str = Field(max_length=16, pattern=LANGUAGE_TAG, examples=["en"])
    title: str = Field(min_length=1, max_length=200, examples=["How do I reset my password?"])
    body: str = Field(min_length=1, max_length=50_000)
    category: str | None = Field(default=None, min_length=1, max_length=100,
                                 examples=["account"])


class KbArticleRead(BaseModel):
    """A knowledge-base article."""

    id: str
    language: str
    title: str
    body: str
    category: str | None
    created_at: UtcDatetime
    helpful_yes: int = Field(default=0, description="Readers who found it helpful.")
    helpful_no: int = 0


class CustomerUpdate(BaseModel):
    """Profile fields a customer may change; omitted fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    display_name: str | None = Field(default=None, min_length=1, max_length=200)
    phone: str | None = Field(default=None, min_length=1, max_length=40,
                              description="Read with the (new or current) country as region.")
    country: str | None = Field(default=None, min_length=2, max_length=2)
    language: str | None = Field(default=None, max_length=16, pattern=LANGUAGE_TAG)
