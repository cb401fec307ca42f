"""HTTP bodies of customer access and integration keys."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

ScopeName = Literal[
    "visits:complete", "catalogue:write", "slots:write", "billing:write", "orders:write"]


class LoginRequest(BaseModel):
    """A customer's credentials."""

    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=254, examples=["ana@example.com"])
    password: SecretStr = Field(min_length=1, max_length=1024,
                                json_schema_extra={"writeOnly": True, "format": "password"})


class RefreshRequest(BaseModel):
    """A refresh token to exchange (it is rotated: the old one stops working)."""

    model_config = ConfigDict(extra="forbid")

    refresh_token: SecretStr = Field(min_length=1, max_length=200)


class LogoutRequest(BaseModel):
    """End this session, or every session of the customer."""

    model_config = ConfigDict(extra="forbid")

    everywhere: bool = Field(default=False,
                             description="Revoke every refresh token of the customer.")


class TokenPair(BaseModel):
    """A short-lived access token and the refresh token that renews it."""

    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - the scheme name, not a secret
    access_token: str
    expires_in: int = Field(description="Seconds the access token stays valid.")
    refresh_token: str
    customer_id: str


class IntegrationKeyCreate(BaseModel):
    """A back-office system and the few scopes its job needs."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, examples=["field-service-eu"])
    scopes: list[ScopeName] = Field(min_length=1, max_length=5, examples=[["visits:complete"]])


class IntegrationKeyRead(BaseModel):
    """An integration key; `token` is shown only once, when it is created."""

    id: str
    name: str
    scopes: list[str]
    created_at: datetime
    revoked_at: datetime | None = None
    token: str | None = Field(default=None, description="Send as X-API-Key; shown once.")


class AuditEntryRead(BaseModel):
    """One audit entry: who did what to which resource."""

    id: str
    at: datetime
    actor: str
    roles: str
    action: str
    resource: str
    resource_id: str | None
    customer_id: str | None
