"""Customer access routes (login, refresh, logout), integration keys and the audit log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from ringway.selfservice import access_service
from ringway.selfservice.access_schemas import (
    AuditEntryRead,
    IntegrationKeyCreate,
    IntegrationKeyRead,
    LoginRequest,
    LogoutRequest,
    RefreshRequest,
    TokenPair,
)
from ringway.selfservice.deps import Admin, Customer, Now, Signer, State, reject_card_data
from ringway.shared.runtime import Runtime
from ringway.shared.web.auth import public

router = APIRouter(dependencies=[Depends(reject_card_data)])

_UNAUTHORIZED: dict[int | str, dict[str, Any]] = {
    401: {"description": "Wrong credentials or token"}}


@router.post("/auth/login", tags=["auth"], response_model=TokenPair,
             dependencies=[Depends(public)],
             responses={**_UNAUTHORIZED, 429: {"description": "Locked after failed logins; "
                                                             "see Retry-After"}})
async def login(body: LoginRequest, rt: Runtime, state: State, signer: Signer,
                now: Now) -> TokenPair:
    """Log a customer in (public): an access token and a refresh token."""
    return await access_service.login(rt.uow, signer, state.passwords, email=body.email,
                                      password=body.password.get_secret_value(), now=now)


@router.post("/auth/refresh", tags=["auth"], response_model=TokenPair,
             dependencies=[Depends(public)], responses=_UNAUTHORIZED)
async def refresh(body: RefreshRequest, rt: Runtime, signer: Signer, now: Now) -> TokenPair:
    """Exchange a refresh token for a new pair (public: the refresh token is the credential)."""
    return await access_service.refresh(rt.uow, signer,
                                        token=body.refresh_token.get_secret_value(), now=now)


@router.post("/auth/logout", tags=["auth"], status_code=204)
async def logout(rt: Runtime, principal: Customer, now: Now,
                 body: LogoutRequest | None = None) -> None:
    """Revoke the session's refresh tokens (or all of them with `everywhere`)."""
    everywhere = body.everywhere if body is not None else False
    await access_service.logout(rt.uow, principal, everywhere=everywhere, now=now)


@router.post("/integration-keys", tags=["auth"], status_code=201,
             response_model=IntegrationKeyRead)
async def create_integration_key(body: IntegrationKeyCreate, rt: Runtime, signer: Signer,
                                 now: Now, _: Admin) -> IntegrationKeyRead:
    """Mint a revocable back-office key limited to a few scopes."""
    return await access_service.create_integration_key(rt.uow, signer, body=body, now=now)


@router.delete("/integration-keys/{key_id}", tags=["auth"], response_model=IntegrationKeyRead)
async def revoke_integration_key(key_id: str, rt: Runtime, now: Now,
                                 _: Admin) -> IntegrationKeyRead:
    """Revoke an integration key."""
    return await access_service.revoke_integration_key(rt.uow, key_id=key_id, now=now)


@router.get("/audit", tags=["auth"], response_model=list[AuditEntryRead])
async def audit_log(rt: Runtime, _: Admin,
                    customer_id: Annotated[str | None, Query(max_length=26)] = None,
                    limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[AuditEntryRead]:
    """Who read or changed what, newest first."""
    return await access_service.audit_entries(rt.uow, customer_id=customer_id, limit=limit)
