"""Routing HTTP routes for queues and agents: parse, authorize, call the service."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from fastapi import APIRouter, Response
from fastapi.responses import StreamingResponse

from ringway.routing import queue_removal, staffing
from ringway.routing.api_contacts import router as contacts_router
from ringway.routing.deps import AgentOrSupervisor, RouterDep, Staff, Supervisor, acting_agent
from ringway.routing.schemas import (
    AgentCreate,
    AgentRead,
    AgentStateChange,
    AgentUpdate,
    QueueConfig,
    QueueRead,
)
from ringway.routing.staffing import queue_read

__all__ = ["agents_router", "contacts_router", "queues_router"]

queues_router = APIRouter(prefix="/queues", tags=["queues"])
agents_router = APIRouter(prefix="/agents", tags=["agents"])
KEEPALIVE_S = 15.0


@queues_router.put("/{queue_id}", response_model=QueueRead,
                   responses={201: {"description": "The queue was created"},
                              409: {"description": "The overflow outcomes would loop or "
                                    "break another queue's"}})
async def put_queue(queue_id: str, body: QueueConfig, router: RouterDep, response: Response,
                    principal: Supervisor) -> QueueRead:
    """Create or replace a queue's routing configuration.

    An overflow outcome to a missing queue, to itself or to a queue refusing its channels is
    a 422 naming the field; one that would loop, or a change that would break a queue that
    overflows here, is a 409 with the `reason`.
    """
    queue, created = await staffing.put_queue(router, queue_id=queue_id[:100], config=body,
                                              changed_by=principal.subject)
    response.status_code = 201 if created else 200
    return queue


@queues_router.delete("/{queue_id}", status_code=204,
                      responses={409: {"description": "Another queue, a rule, an agent or a "
                                       "contact still uses it (`reason`, `queues`)"}})
async def delete_queue(queue_id: str, router: RouterDep, principal: Supervisor) -> Response:
    """Delete a queue nothing uses any more."""
    await queue_removal.delete_queue(router, queue_id=queue_id, changed_by=principal.subject)
    return Response(status_code=204)


@queues_router.get("/{queue_id}", response_model=QueueRead)
async def get_queue(queue_id: str, router: RouterDep, _: Staff) -> QueueRead:
    """A queue with its live figures (waiting contacts, staffed agents)."""
    return queue_read(router, queue_id)


@queues_router.get("", response_model=list[QueueRead])
async def list_queues(router: RouterDep, _: Staff) -> list[QueueRead]:
    """Every queue with its live figures (the supervisor's view)."""
    return [queue_read(router, queue_id) for queue_id in sorted(router.configs)]


@agents_router.post("", status_code=201, response_model=AgentRead)
async def create_agent(body: AgentCreate, router: RouterDep, _: Supervisor) -> AgentRead:
    """Create an agent profile."""
    return await staffing.create_agent(router, body=body)


@agents_router.get("", response_model=list[AgentRead])
async def list_agents(router: RouterDep, _: Supervisor) -> list[AgentRead]:
    """Every agent with its live state (the supervisor's view)."""
    return await staffing.list_agents(router)


@agents_router.get("/{agent_id}", response_model=AgentRead)
async def get_agent(agent_id: str, router: RouterDep, _: Staff) -> AgentRead:
    """Read an agent profile and state."""
    return await staffing.get_agent(router, agent_id=agent_id)


@agents_router.patch("/{agent_id}", response_model=AgentRead)
async def update_agent(agent_id: str, body: AgentUpdate, router: RouterDep,
                       _: Supervisor) -> AgentRead:
    """Change skills, languages, capacity or served queues."""
    return await staffing.update_agent(router, agent_id=agent_id, body=body)


@agents_router.put("/{agent_id}/state", response_model=AgentRead)
async def change_state(agent_id: str, body: AgentStateChange, router: RouterDep,
                       principal: AgentOrSupervisor) -> AgentRead:
    """Log in, go ready, not-ready (with a reason) or offline; supervisors may force it."""
    acting_agent(principal, agent_id)
    forced_by = principal.subject if principal.subject != agent_id else None
    return await staffing.change_state(router, agent_id=agent_id, body=body,
                                       forced_by=forced_by)


@agents_router.get("/{agent_id}/offers", response_class=StreamingResponse,
                   responses={200: {"content": {"text/event-stream": {}}}})
async def offer_stream(agent_id: str, router: RouterDep,
                       principal: AgentOrSupervisor) -> StreamingResponse:
    """Server-sent events: each offer to this agent (and its end) as it happens."""
    acting_agent(principal, agent_id)
    await staffing.get_agent(router, agent_id=agent_id)
    return StreamingResponse(_events(router, agent_id), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store"})


async def _events(router: RouterDep, agent_id: str) -> AsyncIterator[str]:
    async with router.hub.listen(agent_id) as listener:
        yield ": connected\n\n"
        while True:
            try:
                notice = await asyncio.wait_for(listener.get(), timeout=KEEPALIVE_S)
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            if notice is None:
                return
            yield f"event: {notice['event']}\ndata: {json.dumps(notice)}\n\n"
