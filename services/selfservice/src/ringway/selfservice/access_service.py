"""Customer access use cases: log in, refresh, log out; integration keys; audit reads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select, update
from ulid import ULID

from ringway.selfservice import tables
from ringway.selfservice.access_schemas import (
    AuditEntryRead,
    IntegrationKeyCreate,
    IntegrationKeyRead,
    TokenPair,
)
from ringway.selfservice.domain import access
from ringway.selfservice.passwords import Passwords
from ringway.shared.contracts.selfservice import SelfServiceActionCompleted
from ringway.shared.db.uow import UnitOfWork, UnitOfWorkFactory
from ringway.shared.web.auth import Authenticator, Principal, Role
from ringway.shared.web.problems import NotFound, ProblemError

POLICY = access.LockoutPolicy()


def _bad_credentials() -> ProblemError:
    return ProblemError(401, "Unauthorized", "e-mail or password is wrong",
                        code="invalid-credentials")


def _locked(seconds: int) -> ProblemError:
    return ProblemError(429, "Too Many Requests",
                        f"too many failed logins: try again in {seconds} s",
                        code="login-locked", headers={"Retry-After": str(seconds)},
                        retry_after_s=seconds)


async def login(uow_factory: UnitOfWorkFactory, signer: Authenticator, passwords: Passwords, *,
                email: str, password: str, now: datetime) -> TokenPair:
    """Check the password (argon2id) under the lockout policy; issue a token pair."""
    key = access.login_key(email)
    async with uow_factory() as uow:
        await _refuse_if_locked(uow, key, now)
        row = (await uow.session.execute(
            select(tables.customers.c.id, tables.customers.c.password_hash)
            .where(tables.customers.c.email == email.strip().lower()))).first()
    # Verified even for an unknown e-mail: the answer takes as long either way.
    matched = await passwords.verify(row.password_hash if row is not None else None, password)
    if row is None or not matched:
        await _count_failure(uow_factory, key, now)
        raise _bad_credentials()
    async with uow_factory() as uow:
        await uow.session.execute(
            delete(tables.login_throttle).where(tables.login_throttle.c.login_key == key))
        session_id = f"ses_{ULID()}"
        pair = await _issue(uow, signer, row.id, session_id, now)
        _action(uow, row.id, session_id, "login", now)
    return pair


async def _refuse_if_locked(uow: UnitOfWork, key: str, now: datetime) -> None:
    locked_until = await uow.session.scalar(
        select(tables.login_throttle.c.locked_until)
        .where(tables.login_throttle.c.login_key == key))
    wait = access.retry_after_s(locked_until, now)
    if wait:
        raise _locked(wait)


async def _count_failure(uow_factory: UnitOfWorkFactory, key: str, now: datetime) -> None:
    t = tables.login_throttle
    async with uow_factory() as uow:
        statement = uow.db.insert(t).values(login_key=key, failures=1, last_failure_at=now)
        # One atomic increment, so parallel guesses are all counted.
        failures = await uow.session.scalar(statement.on_conflict_do_update(
            index_elements=[t.c.login_key],
            set_={"failures": t.c.failures + 1, "last_failure_at": now},
        ).returning(t.c.failures))
        locked_until = POLICY.locked_until(int(failures or 1), now)
        if locked_until is not None:
            await uow.session.execute(
                update(t).where(t.c.login_key == key).values(locked_until=locked_until))


async def _issue(uow: UnitOfWork, signer: Authenticator, customer_id: str, session_id: str,
                 now: datetime) -> TokenPair:
    refresh = access.new_refresh_token()
    await uow.session.execute(insert(tables.refresh_tokens).values(
        token_hash=access.token_digest(refresh), customer_id=customer_id, session_id=session_id,
        issued_at=now, expires_at=now + access.REFRESH_TTL))
    token = signer.mint(session_id, {Role.CUSTOMER}, customer_id=customer_id)
    return TokenPair(access_token=token, expires_in=int(signer.access_ttl.total_seconds()),
                     refresh_token=refresh, customer_id=customer_id)


def _action(uow: UnitOfWork, customer_id: str | None, session_id: str, action: str,
            now: datetime, outcome: str = "succeeded") -> None:
    uow.publish(SelfServiceActionCompleted(customer_id=customer_id, session_id=session_id,
                                           action=action, outcome=outcome, occurred_at=now))


async def refresh(uow_factory: UnitOfWorkFactory, signer: Authenticator, *, token: str,
                  now: datetime) -> TokenPair:
    """Rotate a refresh token; reusing a rotated one revokes the whole session (theft)."""
    t = tables.refresh_tokens
    async with uow_factory() as uow:
        row = (await uow.session.execute(
            select(t).where(t.c.token_hash == access.token_digest(token)))).first()
        if row is None or row.expires_at <= now:
            raise _invalid_refresh()
        if row.revoked_at is None and await _revoke_token(uow, row.token_hash, now):
            return await _issue(uow, signer, row.customer_id, row.session_id, now)
    await _revoke_session(uow_factory, row.session_id, now)
    raise _invalid_refresh()


async def _revoke_token(uow: UnitOfWork, token_hash: str, now: datetime) -> bool:
    # Conditional update: of two parallel refreshes with one token, only one rotates it.
    t = tables.refresh_tokens
    result = await uow.session.execute(
        update(t).where(t.c.token_hash == token_hash, t.c.revoked_at.is_(None))
        .values(revoked_at=now))
    return bool(getattr(result, "rowcount", 0) == 1)


def _invalid_refresh() -> ProblemError:
    return ProblemError(401, "Unauthorized", "refresh token is invalid, expired or revoked",
                        code="invalid-refresh-token")


async def _revoke_session(uow_factory: UnitOfWorkFactory, session_id: str, now: datetime) -> None:
    t = tables.refresh_tokens
    async with uow_factory() as uow:
        await uow.session.execute(update(t).where(t.c.session_id == session_id,
                                                  t.c.revoked_at.is_(None)).values(revoked_at=now))


async def logout(uow_factory: UnitOfWorkFactory, principal: Principal, *, everywhere: bool,
                 now: datetime) -> None:
    """Revoke this session's refresh tokens (or all of the customer's)."""
    t = tables.refresh_tokens
    which = (t.c.customer_id == principal.customer_id) if everywhere else (
        t.c.session_id == principal.subject)
    async with uow_factory() as uow:
        await uow.session.execute(update(t).where(which, t.c.customer_id == principal.customer_id,
                                                  t.c.revoked_at.is_(None)).values(revoked_at=now))
        _action(uow, principal.customer_id, principal.subject, "logout", now)


async def create_integration_key(uow_factory: UnitOfWorkFactory, signer: Authenticator, *,
                                 body: IntegrationKeyCreate, now: datetime) -> IntegrationKeyRead:
    """Store a scoped key and mint its (non-expiring, revocable) token once."""
    key_id = f"{access.INTEGRATION_KEY_PREFIX}{ULID()}"
    scopes = sorted(set(body.scopes))
    async with uow_factory() as uow:
        await uow.session.execute(insert(tables.integration_keys).values(
            id=key_id, name=body.name, scopes=" ".join(scopes), created_at=now))
    token = signer.mint(key_id, {Role.INTEGRATION}, kind="api-key", scopes=set(scopes))
    return IntegrationKeyRead(id=key_id, name=body.name, scopes=scopes, created_at=now,
                              token=token)


async def revoke_integration_key(uow_factory: UnitOfWorkFactory, *, key_id: str,
                                 now: datetime) -> IntegrationKeyRead:
    """Revoke a key: its token stops working at once."""
    t = tables.integration_keys
    async with uow_factory() as uow:
        await uow.session.execute(update(t).where(t.c.id == key_id, t.c.revoked_at.is_(None))
                                  .values(revoked_at=now))
        row = (await uow.session.execute(select(t).where(t.c.id == key_id))).first()
    if row is None:
        raise NotFound("integration key", key_id)
    return IntegrationKeyRead(id=row.id, name=row.name, scopes=row.scopes.split(),
                              created_at=row.created_at, revoked_at=row.revoked_at)


async def ensure_key_live(uow_factory: UnitOfWorkFactory, principal: Principal) -> None:
    """A scoped token minted here is honoured only while its key is not revoked."""
    key_id = access.integration_key_id(principal)
    if key_id is None:
        return
    t = tables.integration_keys
    async with uow_factory() as uow:
        row = (await uow.session.execute(select(t.c.revoked_at).where(t.c.id == key_id))).first()
    if row is None or row.revoked_at is not None:
        raise ProblemError(401, "Unauthorized", "integration key revoked", code="unauthorized",
                           headers={"WWW-Authenticate": "Bearer"})


async def audit_entries(uow_factory: UnitOfWorkFactory, *, customer_id: str | None,
                        limit: int) -> list[AuditEntryRead]:
    """The newest audit entries, optionally about one customer."""
    t = tables.audit_log
    query = select(t).order_by(t.c.id.desc()).limit(limit)
    if customer_id is not None:
        query = query.where(t.c.customer_id == customer_id)
    async with uow_factory() as uow:
        rows = (await uow.session.execute(query)).mappings().all()
    return [AuditEntryRead.model_validate(dict(row)) for row in rows]
