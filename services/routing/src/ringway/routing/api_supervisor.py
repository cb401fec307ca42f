"""The supervisor's live view of queues and agents, and forcing an agent's state."""

from __future__ import annotations

from fastapi import APIRouter

from ringway.routing import live, staffing
from ringway.routing.deps import RouterDep, Supervisor
from ringway.routing.schemas import AgentStateChange
from ringway.routing.schemas_live import AgentLive, QueueLive

supervisor_router = APIRouter(prefix="/supervisor", tags=["supervisor"])


@supervisor_router.get("/queues", response_model=list[QueueLive])
async def queues(router: RouterDep, _: Supervisor) -> list[QueueLive]:
    """Every queue: depth, oldest wait, EWT, staffing and today's service level."""
    return await live.queues_live(router)


@supervisor_router.get("/agents", response_model=list[AgentLive])
async def agents(router: RouterDep, _: Supervisor) -> list[AgentLive]:
    """Every agent: state, since when, shift, load and the contacts they hold."""
    return live.agents_live(router)


@supervisor_router.get("/agents/{agent_id}", response_model=AgentLive)
async def agent(agent_id: str, router: RouterDep, _: Supervisor) -> AgentLive:
    """One agent's live state."""
    return live.agent_live(router, agent_id)


@supervisor_router.put("/agents/{agent_id}/state", response_model=AgentLive,
                       responses={409: {"description": "Not possible now (state in the body)"}})
async def force_state(agent_id: str, body: AgentStateChange, router: RouterDep,
                      principal: Supervisor) -> AgentLive:
    """Force an agent ready, not-ready (with a reason) or offline; the event names who."""
    await staffing.change_state(router, agent_id=agent_id, body=body,
                                forced_by=principal.subject)
    return live.agent_live(router, agent_id)
