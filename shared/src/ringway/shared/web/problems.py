"""RFC 9457 problem details for every 4xx/5xx, validation errors included."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://ringway.dev/problems/"


class ProblemError(Exception):
    """Raise from a service to answer with a problem document."""

    def __init__(self, status: int, title: str, detail: str | None = None, *,
                 code: str | None = None, headers: dict[str, str] | None = None,
                 **extensions: Any) -> None:
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail
        self.code = code or _slug(title)
        self.headers = headers
        self.extensions = extensions


class NotFound(ProblemError):
    """The resource does not exist (or is not the caller's to see)."""

    def __init__(self, what: str, ident: str) -> None:
        super().__init__(404, "Not found", f"{what} {ident!r} does not exist", code="not-found")


class Conflict(ProblemError):
    """The request conflicts with the current state."""

    def __init__(self, detail: str, *, code: str = "conflict", **extensions: Any) -> None:
        super().__init__(409, "Conflict", detail, code=code, **extensions)


STORAGE_RETRY_AFTER_S = 2


def storage_unavailable(exc: BaseException) -> bool:
    """True when the error means the database could not be reached, not that a query was wrong."""
    if isinstance(exc, ConnectionError | TimeoutError | InterfaceError):
        return True
    if isinstance(exc, OperationalError):
        # SQLite reports a missing table as OperationalError too: only outages and busy files count.
        message = str(exc.orig).lower()
        return any(m in message for m in ("connect", "shutting down", "database is locked"))
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def _slug(title: str) -> str:
    return "-".join(title.lower().split())


def problem_response(request: Request, status: int, title: str, *, code: str,
                     detail: str | None = None, headers: dict[str, str] | None = None,
                     **extensions: Any) -> JSONResponse:
    """Build an application/problem+json response."""
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + code,
        "title": title,
        "status": status,
        "instance": request.url.path,
    }
    if detail:
        body["detail"] = detail
    request_id = getattr(request.state, "request_id", None)
    if request_id:
        body["request_id"] = request_id
    body.update(extensions)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def install_problem_handlers(app: FastAPI) -> None:
    """Map every error FastAPI can raise to a problem document."""

    @app.exception_handler(ProblemError)
    async def _problem(request: Request, exc: ProblemError) -> JSONResponse:
        return problem_response(request, exc.status, exc.title, code=exc.code, detail=exc.detail,
                                headers=exc.headers, **exc.extensions)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return problem_response(request, 422, "Validation failed", code="validation-error",
                                detail=f"{len(errors)} invalid field(s)", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        title = HTTPStatus(exc.status_code).phrase
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail != title else None
        return problem_response(request, exc.status_code, title, code=_slug(title), detail=detail,
                                headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, PoolTimeout):
            # Every database connection busy for the pool's whole timeout: shed load.
            return problem_response(request, 503, "Service Unavailable", code="overloaded",
                                    detail="too many requests in flight; retry shortly",
                                    headers={"Retry-After": "1"})
        if storage_unavailable(exc):
            # A database outage is transient for the caller: retry later, nothing was applied.
            log.warning("storage unavailable", extra={"path": request.url.path,
                                                      "error": type(exc).__name__})
            return problem_response(request, 503, "Service Unavailable",
                                    code="storage-unavailable",
                                    detail="the database is unreachable; retry later",
                                    headers={"Retry-After": str(STORAGE_RETRY_AFTER_S)})
        log.exception("unhandled error", extra={"path": request.url.path})
        return problem_response(request, 500, "Internal Server Error", code="internal-error")
