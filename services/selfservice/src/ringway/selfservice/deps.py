"""Request dependencies shared by the self-service routers: clock, roles, scopes."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request

from ringway.selfservice import access_service, contact_access
from ringway.selfservice.domain.access import Clock, has_scope, limited_to_handled_contacts
from ringway.selfservice.domain.cards import card_fields, contains_card_number
from ringway.selfservice.passwords import Passwords
from ringway.selfservice.provider import PaymentProvider
from ringway.selfservice.settings import SelfServiceSettings
from ringway.shared.runtime import ServiceRuntime, current_runtime
from ringway.shared.web.auth import Authenticator, Principal, Role, require
from ringway.shared.web.problems import ProblemError


# Dependencies are `async def` even when they never await: FastAPI runs plain `def` ones on
# a worker thread, and that hop cost more than the whole account read's own work.
async def current_time(request: Request) -> datetime:
    """Now, from the app's clock (tests set their own)."""
    clock: Clock = request.app.state.clock
    return clock()


async def current_authenticator(request: Request) -> Authenticator:
    """The app's token signer and verifier."""
    authenticator: Authenticator = request.app.state.authenticator
    return authenticator


def scoped(scope: str) -> Callable[..., Awaitable[Principal]]:
    """Dependency: an admin, or an integration whose live key carries `scope`."""

    async def check(principal: Annotated[Principal, Depends(require(Role.INTEGRATION))],
                    rt: Annotated[ServiceRuntime, Depends(current_runtime)]) -> Principal:
        if not has_scope(principal, scope):
            raise ProblemError(403, "Forbidden", f"requires the scope {scope!r}",
                               code="missing-scope")
        await access_service.ensure_key_live(rt.uow, principal)
        return principal

    check.__name__ = f"scope_{scope.replace(':', '_')}"
    return check


Now = Annotated[datetime, Depends(current_time)]
Signer = Annotated[Authenticator, Depends(current_authenticator)]
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]
Supervisor = Annotated[Principal, Depends(require(Role.SUPERVISOR))]
Integration = Annotated[Principal, Depends(require(Role.INTEGRATION))]
Customer = Annotated[Principal, Depends(require(Role.CUSTOMER))]
Reader = Annotated[Principal, Depends(require(Role.CUSTOMER, Role.SUPERVISOR, Role.AGENT))]


async def customer_reader(customer_id: str, principal: Reader,
                          rt: Annotated[ServiceRuntime, Depends(current_runtime)],
                          now: Annotated[datetime, Depends(current_time)]) -> Principal:
    """A caller who may read this customer: agents only during a contact they handle."""
    if limited_to_handled_contacts(principal):
        await contact_access.ensure_agent_handles(rt.uow, agent_id=principal.subject,
                                                  customer_id=customer_id, now=now)
    return principal


# Customers pass this check too; the service then limits them to their own id.
CustomerReader = Annotated[Principal, Depends(customer_reader)]


async def reject_card_data(request: Request) -> None:
    """Refuse any write whose body carries a card number or a CVV-like field."""
    if request.method not in {"POST", "PUT", "PATCH"}:
        return
    raw = await request.body()
    try:
        fields = card_fields(json.loads(raw)) if raw else []
    except ValueError:
        fields = ["body"] if contains_card_number(raw.decode("utf-8", "replace")) else []
    if fields:
        # The value itself is never echoed or logged: only where it was.
        raise ProblemError(422, "Card data rejected",
                           "card numbers and security codes are never accepted; "
                           "send a payment-method token", code="card-data-rejected",
                           fields=fields)


@dataclass(frozen=True)
class SelfServiceState:
    """What self-service routes need beyond the runtime: its settings and its ports."""

    settings: SelfServiceSettings
    provider: PaymentProvider
    passwords: Passwords


async def current_state(request: Request) -> SelfServiceState:
    """The app's self-service state."""
    state: SelfServiceState = request.app.state.selfservice
    return state


State = Annotated[SelfServiceState, Depends(current_state)]
