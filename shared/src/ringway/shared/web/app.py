"""The FastAPI app factory every service uses."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from pydantic import BaseModel, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from ulid import ULID

from ringway.shared.web.auth import Authenticator, Principal, Role, public, require
from ringway.shared.web.logs import request_id_var
from ringway.shared.web.problems import install_problem_handlers, problem_response

log = logging.getLogger("ringway.http")

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[Any]]
ReadinessCheck = Callable[[], Any]


class Health(BaseModel):
    """Liveness answer."""

    status: Literal["ok"] = "ok"
    service: str = Field(examples=["routing"])


class Readiness(BaseModel):
    """Readiness answer: every dependency checked."""

    status: Literal["ready", "not-ready"]
    service: str
    checks: dict[str, bool]


class TokenCreate(BaseModel):
    """Ask for a signed token (admins only)."""

    subject: str = Field(min_length=1, max_length=200, examples=["pbx-eu-1"])
    roles: list[Role] = Field(min_length=1, examples=[["integration"]])
    customer_id: str | None = None
    kind: Literal["access", "api-key"] = Field(
        default="access", description="`api-key` tokens do not expire unless ttl_s is given."
    )
    ttl_s: int | None = Field(default=None, gt=0, le=366 * 24 * 3600)


class TokenRead(BaseModel):
    """A signed token."""

    token: str
    kind: str


class _RequestContext:
    """Request id, metrics and one log line per request, as plain ASGI middleware.

    Not a BaseHTTPMiddleware: that one runs the endpoint in a task group and streams the
    response through memory channels, which cost more than a whole account read's own work.
    """

    def __init__(self, app: ASGIApp, service: str, registry: CollectorRegistry) -> None:
        self.app = app
        self.service = service
        self.requests = Counter("http_requests", "HTTP requests", ["method", "route", "status"],
                                registry=registry)
        self.latency = Histogram("http_request_duration_seconds", "HTTP latency",
                                 ["method", "route"], registry=registry)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        header = (b"x-request-id", request_id.encode("latin-1"))
        status = [500]  # what the server error handler answers if nothing was started

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id_var.reset(token)
            self._record(scope, request_id, status[0], time.perf_counter() - started)

    def _record(self, scope: Scope, request_id: str, status: int, elapsed: float) -> None:
        method = scope["method"]
        template = getattr(scope.get("route"), "path", "unmatched")
        self.requests.labels(method, template, str(status)).inc()
        self.latency.labels(method, template).observe(elapsed)
        if log.isEnabledFor(logging.INFO):
            log.info("request", extra={"service": self.service, "method": method,
                                       "path": scope["path"], "status": status,
                                       "ms": round(elapsed * 1000, 2),
                                       "request_id": request_id})


def _request_id(scope: Scope) -> str:
    """The caller's X-Request-ID when sane (1..128 characters), else a new ULID."""
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            incoming: str = value.decode("latin-1")
            if 0 < len(incoming) <= 128:
                return incoming
            break
    return str(ULID())


def create_service_app(
    *,
    service: str,
    title: str,
    description: str,
    authenticator: Authenticator,
    routers: Sequence[APIRouter],
    lifespan: Lifespan,
    readiness: ReadinessCheck,
    openapi_tags: list[dict[str, Any]] | None = None,
) -> FastAPI:
    """Build a service app: health, readiness, problems, request ids, metrics, auth, tokens."""
    registry = CollectorRegistry()
    tags = [
        {"name": "operations", "description": "Health, readiness and Prometheus metrics."},
        {"name": "auth", "description": "Tokens for integrations, agents and supervisors."},
        *(openapi_tags or []),
    ]
    app = FastAPI(title=title, description=description, version="0.1.0", lifespan=lifespan,
                  openapi_tags=tags)
    app.state.authenticator = authenticator
    app.state.service = service
    app.state.metrics_registry = registry
    install_problem_handlers(app)
    app.add_middleware(_RequestContext, service=service, registry=registry)
    app.include_router(_operations_router(service, registry, readiness))
    for router in routers:
        app.include_router(router)
    return app


def _operations_router(service: str, registry: CollectorRegistry,
                       readiness: ReadinessCheck) -> APIRouter:
    router = APIRouter()

    @router.get("/healthz", tags=["operations"], response_model=Health,
                dependencies=[Depends(public)], summary="Liveness")
    async def healthz() -> Health:
        return Health(service=service)

    @router.get("/readyz", tags=["operations"], response_model=Readiness,
                dependencies=[Depends(public)], summary="Readiness: database and bus reachable",
                responses={503: {"description": "A dependency is not ready"}})
    async def readyz(request: Request) -> Response:
        checks: dict[str, bool] = await readiness()
        ok = all(checks.values())
        if not ok:
            failing = ", ".join(name for name, good in checks.items() if not good)
            return problem_response(request, 503, "Service Unavailable", code="not-ready",
                                    detail=f"not ready: {failing}", checks=checks,
                                    service=service)
        return JSONResponse(Readiness(status="ready", service=service, checks=checks).model_dump())

    @router.get("/metrics", tags=["operations"], summary="Prometheus exposition",
                response_class=Response)
    async def metrics(
        _: Annotated[Principal, Depends(require(Role.SUPERVISOR, Role.INTEGRATION))],
    ) -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    @router.post("/auth/tokens", tags=["auth"], response_model=TokenRead, status_code=201,
                 summary="Mint a token for an integration, agent or supervisor")
    async def create_token(
        body: TokenCreate, request: Request,
        _: Annotated[Principal, Depends(require(Role.ADMIN))],
    ) -> TokenRead:
        authenticator: Authenticator = request.app.state.authenticator
        ttl = timedelta(seconds=body.ttl_s) if body.ttl_s else None
        token = authenticator.mint(body.subject, set(body.roles), customer_id=body.customer_id,
                                   ttl=ttl, kind=body.kind)
        return TokenRead(token=token, kind=body.kind)

    return router


async def no_lifespan(_: FastAPI) -> AsyncIterator[None]:
    """A lifespan that does nothing (for tests of the factory)."""
    yield
