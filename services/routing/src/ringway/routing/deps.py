"""Request dependencies of the routing API: the engine holder and who acts."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ringway.routing.domain.reasons import RepeatPolicy
from ringway.routing.router import Router
from ringway.shared.web.auth import Principal, Role, require
from ringway.shared.web.problems import ProblemError


# Both are `async def` on purpose: FastAPI runs a plain `def` dependency in a worker thread,
# and that hand-off cost more CPU per request than everything these two do.
async def current_router(request: Request) -> Router:
    """The routing instance's engine holder."""
    router: Router = request.app.state.runtime.router
    return router


RouterDep = Annotated[Router, Depends(current_router)]


async def repeat_policy(request: Request) -> RepeatPolicy:
    """How repeat contacts are recognized and boosted."""
    policy: RepeatPolicy = request.app.state.runtime.repeat_policy
    return policy


PolicyDep = Annotated[RepeatPolicy, Depends(repeat_policy)]
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]
Supervisor = Annotated[Principal, Depends(require(Role.SUPERVISOR))]
Staff = Annotated[Principal, Depends(require(Role.SUPERVISOR, Role.AGENT, Role.INTEGRATION))]
Integration = Annotated[Principal, Depends(require(Role.INTEGRATION))]
AgentOrSupervisor = Annotated[Principal, Depends(require(Role.SUPERVISOR, Role.AGENT))]

_SUPERVISING = frozenset({Role.SUPERVISOR})


def acting_agent(principal: Principal, requested: str | None) -> str | None:
    """Supervisors act for the agent they name; an agent acts only as itself (token subject)."""
    if principal.has_any(_SUPERVISING):
        return requested
    if requested is not None and requested != principal.subject:
        raise ProblemError(403, "Forbidden", "agents act only on their own behalf",
                           code="forbidden")
    return principal.subject
