"""Customer access rules: login lockout with back-off, refresh tokens, integration scopes."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from ringway.shared.web.auth import Principal, Role

Clock = Callable[[], datetime]

# Integration scopes: a back-office key carries only the ones its job needs.
SCOPE_VISITS_COMPLETE = "visits:complete"
SCOPE_CATALOGUE_WRITE = "catalogue:write"
SCOPE_SLOTS_WRITE = "slots:write"
SCOPE_BILLING_WRITE = "billing:write"
SCOPE_ORDERS_WRITE = "orders:write"
SCOPES = frozenset({SCOPE_VISITS_COMPLETE, SCOPE_CATALOGUE_WRITE, SCOPE_SLOTS_WRITE,
                    SCOPE_BILLING_WRITE, SCOPE_ORDERS_WRITE})
INTEGRATION_KEY_PREFIX = "ik_"
REFRESH_TTL = timedelta(days=14)
# An agent keeps reading the customer this long after the contact ends (notes, follow-up).
AGENT_ACCESS_GRACE = timedelta(minutes=15)


@dataclass(frozen=True)
class LockoutPolicy:
    """Failures allowed before a lock, and how the lock grows with each further failure."""

    free_failures: int = 5
    first_lock: timedelta = timedelta(seconds=30)
    max_lock: timedelta = timedelta(minutes=15)

    def locked_until(self, failures: int, now: datetime) -> datetime | None:
        """After `failures` consecutive failures, the account is locked until this time."""
        if failures < self.free_failures:
            return None
        # Doubles with each failure past the allowance: 30 s, 1 min, 2 min, ... up to the cap.
        lock: timedelta = self.first_lock * (2 ** min(failures - self.free_failures, 16))
        return now + min(lock, self.max_lock)


def retry_after_s(locked_until: datetime | None, now: datetime) -> int:
    """Whole seconds until the lock ends (0 when not locked); rounds up."""
    if locked_until is None or locked_until <= now:
        return 0
    return max(1, int((locked_until - now).total_seconds() + 0.999))


def new_refresh_token() -> str:
    """An opaque, high-entropy refresh token (only its digest is stored)."""
    return "rt_" + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """SHA-256 of a random token: enough for a lookup key, no salt needed."""
    return hashlib.sha256(token.encode()).hexdigest()


def login_key(email: str) -> str:
    """The throttle key of an e-mail address: a digest, so the table holds no address."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def may_act_for(principal: Principal, customer_id: str) -> bool:
    """Only the customer (or an admin on their behalf) may change a customer's things."""
    if Role.ADMIN in principal.roles:
        return True
    return Role.CUSTOMER in principal.roles and principal.customer_id == customer_id


def has_scope(principal: Principal, scope: str) -> bool:
    """Admins may do anything; an integration only what its key's scopes name."""
    if Role.ADMIN in principal.roles:
        return True
    return Role.INTEGRATION in principal.roles and scope in principal.scopes


def integration_key_id(principal: Principal) -> str | None:
    """The stored key behind a scoped integration token, if it was minted here."""
    if principal.subject.startswith(INTEGRATION_KEY_PREFIX):
        return principal.subject
    return None


def limited_to_handled_contacts(principal: Principal) -> bool:
    """Agents read only customers of contacts they handle; supervisors and admins read any.

    Supervisors oversee every queue (monitoring, escalations, complaints), so they may read any
    customer; each read is in the audit log, which is how their access is checked afterwards.
    """
    return Role.AGENT in principal.roles and not principal.roles & {Role.ADMIN, Role.SUPERVISOR}


def access_ends(ended_at: datetime) -> datetime:
    """When an agent's access to a customer ends, after the contact left the agent."""
    return ended_at + AGENT_ACCESS_GRACE
