"""Engine refusals as problem documents."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from ringway.routing.domain import InvalidRequest, InvalidTransition, UnknownEntity
from ringway.shared.web.problems import Conflict, NotFound, ProblemError

T = TypeVar("T")


def problem(error: Exception) -> ProblemError:
    """404 for unknown ids, 409 with the current state, 422 for impossible requests."""
    if isinstance(error, UnknownEntity):
        return NotFound(error.kind, error.ident)
    if isinstance(error, InvalidTransition):
        return Conflict(error.detail, code="invalid-transition", kind=error.kind, id=error.ident,
                        state=error.state)
    if isinstance(error, InvalidRequest):
        return ProblemError(422, "Unprocessable request", str(error), code="invalid-request")
    raise error


async def mapped(call: Callable[[], Awaitable[T]]) -> T:
    """Run a use case; engine refusals become problems."""
    try:
        return await call()
    except (UnknownEntity, InvalidTransition, InvalidRequest) as error:
        raise problem(error) from None
