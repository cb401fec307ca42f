"""The hottest routes served straight from ASGI, under the same rules as their FastAPI routes.

A customer reading its own account (or staff reading one) and a customer paying are most of
the traffic. Here they skip FastAPI's per-request work (dependency graph, validation of a
known shape, response model) and share group-committed statements on PostgreSQL. Anything
else — no or bad credentials, another role, a foreign or unknown id, a body that does not
validate, a storage error — goes on to the FastAPI route, which answers as it always has.
The FastAPI routes stay the contract (OpenAPI) and serve SQLite.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from ringway.selfservice import payments_api
from ringway.selfservice.account_batch import AccountReads
from ringway.selfservice.domain import may_read_customer
from ringway.selfservice.domain.access import limited_to_handled_contacts
from ringway.shared.runtime import ServiceRuntime
from ringway.shared.web.auth import Authenticator, Principal, Role
from ringway.shared.web.problems import ProblemError

_PREFIX = "/customers/"
_READERS = frozenset({Role.CUSTOMER, Role.SUPERVISOR, Role.AGENT})
_JSON = [(b"content-type", b"application/json")]


class HotPaths:
    """ASGI middleware in front of the FastAPI router for the account read (and payment)."""

    def __init__(self, app: ASGIApp, *, service: FastAPI, runtime: ServiceRuntime) -> None:
        self.app = app
        self.state = service.state
        self.accounts = AccountReads(runtime)
        self.account_route = _route("/customers/{customer_id}/account", "GET")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(_PREFIX):
            customer_id, _, rest = scope["path"][len(_PREFIX):].partition("/")
            if (rest == "account" and customer_id and scope["method"] == "GET"
                    and await self._account(scope, customer_id, send)):
                return
        await self.app(scope, receive, send)

    async def _account(self, scope: Scope, customer_id: str, send: Send) -> bool:
        """Answer a permitted read of an existing customer; False: the route answers."""
        principal = self._principal(scope)
        if (principal is None or not principal.has_any(_READERS)
                or not may_read_customer(principal, customer_id)
                or limited_to_handled_contacts(principal)):
            return False
        try:
            figures = await self.accounts.read(principal, customer_id, self.state.clock())
        except Exception:  # noqa: BLE001 - the route reruns it alone and answers the error
            return False
        if figures is None:
            return False  # nothing was written; the route answers the 404
        scope["route"] = self.account_route  # metrics label the request by its route
        await _send_json(send, 200, {
            "customer_id": customer_id, "currency": self.state.selfservice.settings.currency,
            "balance_cents": figures[0], "pending_cents": figures[1],
            "open_invoices": figures[2]})
        return True

    def _principal(self, scope: Scope) -> Principal | None:
        """The bearer token's caller; None when absent or invalid (the route says why)."""
        for name, value in scope["headers"]:
            if name == b"authorization":
                scheme, _, token = value.decode("latin-1").partition(" ")
                if scheme.lower() != "bearer" or not token:
                    return None
                authenticator: Authenticator = self.state.authenticator
                try:
                    return authenticator.verify_token(token)
                except ProblemError:
                    return None
        return None


def install(app: FastAPI, runtime: ServiceRuntime) -> None:
    """Serve the hot routes ahead of FastAPI's router, inside the request-id/metrics layer."""
    from starlette.middleware import Middleware

    # Appended last: innermost of the user middleware, so request ids, metrics and the
    # server-error handler still wrap these routes.
    app.user_middleware.append(Middleware(HotPaths, service=app, runtime=runtime))


def _route(path: str, method: str) -> Any:
    """The FastAPI route a hot path stands in for (metrics label requests by its path)."""
    for route in payments_api.router.routes:
        if getattr(route, "path", None) == path and method in getattr(route, "methods", ()):
            return route
    raise LookupError(f"{method} {path} is not a route")


async def _send_json(send: Send, status: int, body: object,
                     headers: list[tuple[bytes, bytes]] | None = None) -> None:
    payload = json.dumps(body, separators=(",", ":")).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [*(headers or _JSON), (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})
