"""Routing HTTP routes for contacts: integrations create them, agents handle them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from ringway.routing import service
from ringway.routing.deps import (
    AgentOrSupervisor,
    Integration,
    PolicyDep,
    RouterDep,
    Staff,
    acting_agent,
)
from ringway.routing.schemas import (
    AgentAction,
    CallbackAccept,
    ConsultStart,
    ContactComplete,
    ContactCreate,
    ContactRead,
    ContactTransfer,
)

router = APIRouter(prefix="/contacts", tags=["contacts"])
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "Not possible in the contact's current state (in the body)"},
    404: {"description": "No such contact"},
}


@router.post("", status_code=201, response_model=ContactRead,
             responses={200: {"description": "Same idempotency key: the existing contact"}})
async def create_contact(body: ContactCreate, router: RouterDep, policy: PolicyDep,
                         response: Response, _: Integration) -> ContactRead:
    """Queue a contact of any channel; with no queue, the routing rules choose one."""
    contact, created = await service.create_contact(router, body=body, policy=policy)
    if not created:
        response.status_code = 200
    return contact


@router.get("", response_model=list[ContactRead])
async def customer_history(router: RouterDep, _: Staff,
                           customer_id: Annotated[str, Query(min_length=1, max_length=64)],
                           limit: Annotated[int, Query(ge=1, le=500)] = 50,
                           ) -> list[ContactRead]:
    """A customer's contact history, newest first."""
    return await service.customer_history(router, customer_id=customer_id, limit=limit)


@router.get("/{contact_id}", response_model=ContactRead)
async def get_contact(contact_id: str, router: RouterDep, _: Staff) -> ContactRead:
    """Read a contact; while it waits: its position, estimated wait and callback offer."""
    return await service.get_contact(router, contact_id=contact_id)


@router.post("/{contact_id}/accept", response_model=ContactRead, responses=CONFLICT)
async def accept(contact_id: str, body: AgentAction, router: RouterDep,
                 principal: AgentOrSupervisor) -> ContactRead:
    """Accept the offer (only the reserved agent, only before it expires)."""
    agent = acting_agent(principal, body.agent_id)
    return await service.act(router, contact_id, agent,
                             lambda engine, who: engine.accept(contact_id, who))


@router.post("/{contact_id}/reject", response_model=ContactRead, responses=CONFLICT)
async def reject(contact_id: str, body: AgentAction, router: RouterDep,
                 principal: AgentOrSupervisor) -> ContactRead:
    """Decline the offer: the contact keeps its place for another agent."""
    agent = acting_agent(principal, body.agent_id)
    return await service.act(router, contact_id, agent,
                             lambda engine, who: engine.reject(contact_id, who))


@router.post("/{contact_id}/hold", response_model=ContactRead, responses=CONFLICT)
async def hold(contact_id: str, body: AgentAction, router: RouterDep,
               principal: AgentOrSupervisor) -> ContactRead:
    """Put the contact on hold."""
    agent = acting_agent(principal, body.agent_id)
    return await service.act(router, contact_id, agent,
                             lambda engine, who: engine.hold(contact_id, who, on_hold=True))


@router.post("/{contact_id}/resume", response_model=ContactRead, responses=CONFLICT)
async def resume(contact_id: str, body: AgentAction, router: RouterDep,
                 principal: AgentOrSupervisor) -> ContactRead:
    """Take the contact off hold."""
    agent = acting_agent(principal, body.agent_id)
    return await service.act(router, contact_id, agent,
                             lambda engine, who: engine.hold(contact_id, who, on_hold=False))


@router.post("/{contact_id}/respond", response_model=ContactRead, responses=CONFLICT)
async def respond(contact_id: str, body: AgentAction, router: RouterDep,
                  principal: AgentOrSupervisor) -> ContactRead:
    """The agent answered an async contact (it will not be reassigned)."""
    agent = acting_agent(principal, body.agent_id)
    return await service.act(router, contact_id, agent,
                             lambda engine, who: engine.responded(contact_id, who))


@router.post("/{contact_id}/wrap-up", response_model=ContactRead, responses=CONFLICT)
async def wrap_up(contact_id: str, body: AgentAction, router: RouterDep,
                  principal: AgentOrSupervisor) -> ContactRead:
    """The conversation is over: after-contact work starts."""
    agent = acting_agent(principal, body.agent_id)
    return await service.act(router, contact_id, agent,
                             lambda engine, who: engine.wrap_up(contact_id, who))


@router.post("/{contact_id}/complete", response_model=ContactRead, responses=CONFLICT)
async def complete(contact_id: str, body: ContactComplete, router: RouterDep,
                   principal: AgentOrSupervisor) -> ContactRead:
    """Finish with a disposition (wrap-up code), whether it was resolved, and the reason found."""
    agent = acting_agent(principal, body.agent_id)
    return await service.complete(router, contact_id, agent, body)


@router.post("/{contact_id}/transfer", response_model=ContactRead, responses=CONFLICT)
async def transfer(contact_id: str, body: ContactTransfer, router: RouterDep,
                   principal: AgentOrSupervisor) -> ContactRead:
    """Send to another queue (cold) or to a named agent; the arrival time is kept."""
    agent = acting_agent(principal, body.agent_id)
    if body.queue_id is not None:
        await service.ensure_queue(router, body.queue_id)
    return await service.act(router, contact_id, agent, lambda engine, who: engine.transfer(
        contact_id, who, queue_id=body.queue_id, to_agent_id=body.to_agent_id,
        wait_s=body.wait_s))


@router.post("/{contact_id}/consult", response_model=ContactRead, responses=CONFLICT)
async def consult(contact_id: str, body: ConsultStart, router: RouterDep,
                  principal: AgentOrSupervisor) -> ContactRead:
    """Warm transfer, step 1: consult a named agent, who must be free on the channel."""
    agent = acting_agent(principal, body.agent_id)
    return await service.act(router, contact_id, agent, lambda engine, who: engine.consult(
        contact_id, who, body.to_agent_id))


@router.post("/{contact_id}/consult/complete", response_model=ContactRead, responses=CONFLICT)
async def complete_consult(contact_id: str, body: AgentAction, router: RouterDep,
                           principal: AgentOrSupervisor) -> ContactRead:
    """Warm transfer, step 2: the consulted agent takes the contact (arrival time kept)."""
    agent = acting_agent(principal, body.agent_id)
    return await service.act(router, contact_id, agent, lambda engine, who: engine.end_consult(
        contact_id, who, complete=True))


@router.post("/{contact_id}/consult/cancel", response_model=ContactRead, responses=CONFLICT)
async def cancel_consult(contact_id: str, body: AgentAction, router: RouterDep,
                         principal: AgentOrSupervisor) -> ContactRead:
    """End the consult and keep the contact."""
    agent = acting_agent(principal, body.agent_id)
    return await service.act(router, contact_id, agent, lambda engine, who: engine.end_consult(
        contact_id, who, complete=False))


@router.post("/{contact_id}/abandon", response_model=ContactRead, responses=CONFLICT)
async def abandon(contact_id: str, router: RouterDep, _: Integration) -> ContactRead:
    """The customer hung up or left before an agent answered."""
    return await service.act(router, contact_id, None,
                             lambda engine, _who: engine.abandon(contact_id))


@router.post("/{contact_id}/callback", response_model=ContactRead, responses=CONFLICT)
async def accept_callback(contact_id: str, body: CallbackAccept, router: RouterDep,
                          _: Integration) -> ContactRead:
    """The customer takes the callback offer: `callback.requested` keeps their place."""
    return await service.accept_callback(router, contact_id=contact_id, phone=body.phone)
