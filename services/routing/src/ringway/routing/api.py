"""Routing HTTP routes: parse, authorize, call the service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from ringway.routing import service
from ringway.routing.schemas import AgentCreate, AgentRead, ContactCreate, ContactRead
from ringway.shared.runtime import Runtime
from ringway.shared.web.auth import Principal, Role, require

router = APIRouter()

Supervisor = Annotated[Principal, Depends(require(Role.SUPERVISOR))]
Staff = Annotated[Principal, Depends(require(Role.SUPERVISOR, Role.AGENT, Role.INTEGRATION))]
Integration = Annotated[Principal, Depends(require(Role.INTEGRATION))]





@router.post("/agents", tags=["agents"], status_code=201, response_model=AgentRead)
async def create_agent(body: AgentCreate, rt: Runtime, _: Supervisor) -> AgentRead:
    """Create an agent profile."""
    return await service.create_agent(rt.uow, body=body)


@router.get("/agents/{agent_id}", tags=["agents"], response_model=AgentRead)
async def get_agent(agent_id: str, rt: Runtime, _: Staff) -> AgentRead:
    """Read an agent profile."""
    return await service.get_agent(rt.uow, agent_id=agent_id)


@router.post("/contacts", tags=["contacts"], status_code=201, response_model=ContactRead,
             responses={200: {"description": "Same idempotency key: the existing contact"}})
async def create_contact(body: ContactCreate, rt: Runtime, response: Response,
                         _: Integration) -> ContactRead:
    """Queue a contact of any channel."""
    contact, created = await service.create_contact(rt.uow, body=body)
    if not created:
        response.status_code = 200
    return contact


@router.get("/contacts/{contact_id}", tags=["contacts"], response_model=ContactRead)
async def get_contact(contact_id: str, rt: Runtime, _: Staff) -> ContactRead:
    """Read a contact."""
    return await service.get_contact(rt.uow, contact_id=contact_id)
