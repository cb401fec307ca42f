"""The hottest routes served straight from ASGI, under the same rules as their FastAPI routes.

A customer reading its own account (or staff reading one) and a customer paying are most of
the traffic. Here they skip FastAPI's per-request work (dependency graph, validation of a
known shape, response model) and share group-committed statements on PostgreSQL. Anything
else — no or bad credentials, another role, a foreign or unknown id, a body that does not
validate, a storage error — goes on to the FastAPI route, which answers as it always has.
The FastAPI routes stay the contract (OpenAPI) and serve SQLite.
"""

from __future__ import annotations

import inspect
import json
import re
from typing import Any

import orjson
from fastapi import FastAPI, Request
from pydantic import ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ringway.selfservice import payments_api, payments_service
from ringway.selfservice.account_batch import AccountReads
from ringway.selfservice.domain import may_read_customer
from ringway.selfservice.domain.access import limited_to_handled_contacts, may_act_for
from ringway.selfservice.domain.cards import card_fields
from ringway.selfservice.idempotency import StoredResponse
from ringway.selfservice.payment_batch import Payments, Reservation, Settlement
from ringway.selfservice.payments_schemas import PaymentCreate
from ringway.selfservice.payments_service import PaymentContext
from ringway.shared.runtime import ServiceRuntime
from ringway.shared.web.auth import Authenticator, Principal, Role
from ringway.shared.web.problems import ProblemError

_PREFIX = "/customers/"
_READERS = frozenset({Role.CUSTOMER, Role.SUPERVISOR, Role.AGENT})
_PAYERS = frozenset({Role.CUSTOMER})
_JSON = [(b"content-type", b"application/json")]
_PROBLEM = [(b"content-type", b"application/problem+json")]
# As the route's Idempotency-Key header declares it.
_KEY = re.compile(r"[\x21-\x7e]{1,100}")


class HotPaths:
    """ASGI middleware in front of the FastAPI router for the account read (and payment)."""

    def __init__(self, app: ASGIApp, *, service: FastAPI, runtime: ServiceRuntime) -> None:
        self.app = app
        self.state = service.state
        self.service = service
        self.runtime = runtime
        self.accounts = AccountReads(runtime)
        self.payments = Payments(runtime)
        self.account_route = _route("/customers/{customer_id}/account", "GET")
        self.payment_route = _route("/customers/{customer_id}/payments", "POST")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(_PREFIX):
            customer_id, _, rest = scope["path"][len(_PREFIX):].partition("/")
            if (rest == "account" and customer_id and scope["method"] == "GET"
                    and await self._account(scope, customer_id, send)):
                return
            if rest == "payments" and customer_id and scope["method"] == "POST":
                payer = self._payer(scope, customer_id)
                if payer is not None:
                    body = await _read_body(receive)
                    if body is None or await self._pay(scope, customer_id, *payer, body, send):
                        return  # answered (or the client left)
                    receive = _replay(body, receive)
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

    def _payer(self, scope: Scope, customer_id: str) -> tuple[Principal, str] | None:
        """Who pays, and the Idempotency-Key, of a permitted JSON payment; None: the route
        answers."""
        principal = self._principal(scope)
        if (principal is None or not principal.has_any(_PAYERS)
                or not may_act_for(principal, customer_id)):
            return None
        found: dict[bytes, str] = {}
        for name, value in scope["headers"]:
            if name in (b"idempotency-key", b"content-type"):
                found[name] = "" if name in found else value.decode("latin-1")
        key, kind = found.get(b"idempotency-key", ""), found.get(b"content-type", "")
        if not _KEY.fullmatch(key) or kind.split(";")[0].strip() != "application/json":
            return None
        return principal, key

    async def _pay(self, scope: Scope, customer_id: str, principal: Principal, key: str,
                   raw: bytes, send: Send) -> bool:
        """Reserve, charge and settle a valid payment; False: the route answers."""
        try:
            parsed = json.loads(raw)
            body = PaymentCreate.model_validate(parsed)
        except (ValueError, ValidationError):
            return False  # the route names what is wrong (422)
        if card_fields(parsed):
            return False  # the route refuses it without echoing it
        settings = self.state.selfservice.settings
        now = self.state.clock()
        try:
            payment = await self.payments.reservations.submit(
                Reservation(customer_id, key, body, settings.currency, now))
        except Exception:  # noqa: BLE001 - rolled back: the route reruns it alone
            return False
        if payment is None:
            return False  # not simply reserved (replay, 404, 409): nothing was kept
        ctx = PaymentContext(self.state.selfservice.provider, settings.currency,
                             settings.payment_timeout_s)
        result = await payments_service.charge(ctx, payment, body.payment_method_token)
        settled = Settlement(principal, payment, result, key, now)
        answer: StoredResponse | None
        try:
            answer = await self.payments.settlements.submit(settled)
        except Exception:  # noqa: BLE001 - settle this one alone, as the route would
            answer = await self._settle_alone(scope, settled, send)
        if answer is None:
            return True
        scope["route"] = self.payment_route
        await _send_json(send, answer.status_code, answer.body,
                         _PROBLEM if answer.status_code >= 400 else None)
        return True

    async def _settle_alone(self, scope: Scope, settled: Settlement,
                            send: Send) -> StoredResponse | None:
        """The payment settled by its own statement; None if that failed too (answered)."""
        try:
            return await payments_service.settle_alone(
                self.runtime.uow(), settled.principal, settled.payment, settled.result,
                settled.key, settled.now)
        except Exception as error:  # noqa: BLE001 - answered as the route's handler would
            handler = self.service.exception_handlers[Exception]
            response = handler(Request(scope), error)
            if inspect.isawaitable(response):
                response = await response
            await response(scope, _nothing, send)
            return None

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


async def _read_body(receive: Receive) -> bytes | None:
    """The whole request body; None if the client went away."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that hands the route the body already read, then the client's messages."""
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def again() -> Message:
        return pending.pop() if pending else await receive()

    return again


async def _nothing() -> Message:
    return {"type": "http.disconnect"}


async def _send_json(send: Send, status: int, body: object,
                     headers: list[tuple[bytes, bytes]] | None = None) -> None:
    payload = orjson.dumps(body)
    await send({"type": "http.response.start", "status": status,
                "headers": [*(headers or _JSON), (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})
