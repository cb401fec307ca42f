"""Authentication (bearer JWT or API key) and role checks, one dependency per endpoint."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated

import jwt
from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from ringway.shared.web.problems import ProblemError

VERIFIED_CACHE_SIZE = 10_000


class Role(StrEnum):
    """Who may call what."""

    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    AGENT = "agent"
    INTEGRATION = "integration"
    CUSTOMER = "customer"


@dataclass(frozen=True)
class Principal:
    """The authenticated caller."""

    subject: str
    roles: frozenset[Role]
    customer_id: str | None = None
    scopes: frozenset[str] = frozenset()

    def has_any(self, roles: frozenset[Role]) -> bool:
        """Admins pass every role check."""
        return Role.ADMIN in self.roles or bool(self.roles & roles)


class Authenticator:
    """Verifies credentials and mints tokens with one shared HMAC secret."""

    issuer = "ringway"

    def __init__(self, secret: str, *, admin_api_key: str | None = None,
                 admin_api_key_sha256: str | None = None,
                 access_ttl: timedelta = timedelta(minutes=15)) -> None:
        self._secret = secret
        # Only a digest is kept: the embedded mode stores it, never the key itself.
        self._admin_key_hash = sha256_hex(admin_api_key) if admin_api_key else admin_api_key_sha256
        self.access_ttl = access_ttl
        # Verified tokens -> (principal, expiry or None): a signature check per request cost
        # more than the account read's SQL. Bounded; an entry never outlives its token.
        self._verified: dict[str, tuple[Principal, float | None]] = {}

    def mint(self, subject: str, roles: set[Role], *, customer_id: str | None = None,
             ttl: timedelta | None = None, kind: str = "access",
             scopes: set[str] | None = None) -> str:
        """Sign a token; `ttl=None` for an access token means the default short lifetime."""
        now = datetime.now(UTC)
        claims: dict[str, object] = {
            "iss": self.issuer, "sub": subject, "iat": now, "typ": kind,
            "roles": sorted(r.value for r in roles),
        }
        lifetime = ttl if ttl is not None else (self.access_ttl if kind == "access" else None)
        if lifetime is not None:
            claims["exp"] = now + lifetime
        if customer_id:
            claims["cid"] = customer_id
        if scopes:
            claims["scp"] = sorted(scopes)
        return jwt.encode(claims, self._secret, algorithm="HS256")

    def verify_token(self, token: str) -> Principal:
        """Decode a signed token or raise a 401 problem (verified tokens are remembered)."""
        known = self._verified.get(token)
        if known is not None and (known[1] is None or time.time() < known[1]):
            return known[0]
        principal, expires = self._decode(token)
        if len(self._verified) >= VERIFIED_CACHE_SIZE:
            del self._verified[next(iter(self._verified))]  # the oldest entry
        self._verified[token] = (principal, expires)
        return principal

    def _decode(self, token: str) -> tuple[Principal, float | None]:
        try:
            claims = jwt.decode(token, self._secret, algorithms=["HS256"], issuer=self.issuer,
                                options={"require": ["sub", "iat"]})
            roles = frozenset(Role(r) for r in claims.get("roles", []))
        except (jwt.PyJWTError, ValueError) as error:
            raise _unauthorized(f"invalid token: {error}") from None
        principal = Principal(claims["sub"], roles, claims.get("cid"),
                              frozenset(claims.get("scp", [])))
        expires = claims.get("exp")
        return principal, float(expires) if expires is not None else None

    def verify_api_key(self, key: str) -> Principal:
        """The bootstrap admin key, or a signed API-key token."""
        if self._admin_key_hash and hmac.compare_digest(sha256_hex(key), self._admin_key_hash):
            return Principal("admin-api-key", frozenset({Role.ADMIN}))
        return self.verify_token(key)


def sha256_hex(value: str) -> str:
    """Hex SHA-256 of a high-entropy key (no salt needed for random keys)."""
    return hashlib.sha256(value.encode()).hexdigest()


def _unauthorized(detail: str) -> ProblemError:
    return ProblemError(401, "Unauthorized", detail, code="unauthorized",
                        headers={"WWW-Authenticate": "Bearer"})


_bearer = HTTPBearer(auto_error=False, description="A token from POST /auth/tokens or a login.")
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key.")


async def authenticate(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key)],
) -> Principal:
    """Resolve the caller from the Authorization or X-API-Key header (401 when absent/bad)."""
    authenticator: Authenticator = request.app.state.authenticator
    if bearer is not None:
        principal = authenticator.verify_token(bearer.credentials)
    elif api_key:
        principal = authenticator.verify_api_key(api_key)
    else:
        raise _unauthorized("credentials required: Authorization: Bearer <token> or X-API-Key")
    request.state.principal = principal
    return principal


def require(*roles: Role) -> Callable[..., Awaitable[Principal]]:
    """Dependency: the caller must hold one of `roles` (admins always may)."""
    wanted = frozenset(roles)

    async def check(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
        if not principal.has_any(wanted):
            raise ProblemError(403, "Forbidden",
                               f"requires one of the roles: {', '.join(sorted(wanted))}",
                               code="forbidden")
        return principal

    check.__name__ = f"require_{'_'.join(sorted(wanted)) or 'admin'}"
    return check


def public() -> None:
    """Marker dependency: this endpoint is deliberately open (health, public reads)."""
