"""Visit slot and service-visit routes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime

from ringway.selfservice import visits_service
from ringway.selfservice.deps import Customer, CustomerReader, Now, reject_card_data, scoped
from ringway.selfservice.domain.access import SCOPE_SLOTS_WRITE, SCOPE_VISITS_COMPLETE
from ringway.selfservice.visits_schemas import CODE, SlotCreate, SlotRead, VisitBook, VisitRead
from ringway.shared.runtime import Runtime
from ringway.shared.web.auth import Principal, Role, require

router = APIRouter(tags=["visits"], dependencies=[Depends(reject_card_data)])

Slots = Annotated[Principal, Depends(scoped(SCOPE_SLOTS_WRITE))]
FieldService = Annotated[Principal, Depends(scoped(SCOPE_VISITS_COMPLETE))]
Anyone = Annotated[Principal, Depends(require(*Role))]
_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "Slot taken, started, or the visit can no longer change"}}


@router.post("/visit-slots", status_code=201, response_model=SlotRead)
async def create_slot(body: SlotCreate, rt: Runtime, _: Slots) -> SlotRead:
    """Offer a slot (field-service integration, scope `slots:write`)."""
    return await visits_service.create_slot(rt.uow, body=body)


@router.get("/visit-slots", response_model=list[SlotRead])
async def available_slots(
    rt: Runtime, now: Now, _: Anyone,
    area: Annotated[str, Query(pattern=CODE)],
    job_type: Annotated[str, Query(pattern=CODE)],
    until: AwareDatetime | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[SlotRead]:
    """Future slots with a place left for an area and job type."""
    return await visits_service.available_slots(rt.uow, area=area, job_type=job_type, now=now,
                                                until=until, limit=limit)


@router.post("/customers/{customer_id}/visits", status_code=201, response_model=VisitRead,
             responses=_CONFLICT)
async def book(customer_id: str, body: VisitBook, rt: Runtime, now: Now,
               principal: Customer) -> VisitRead:
    """Book a service visit in a slot."""
    return await visits_service.book(rt.uow, principal=principal, customer_id=customer_id,
                                     slot_id=body.slot_id, now=now)


@router.get("/customers/{customer_id}/visits", response_model=list[VisitRead])
async def list_visits(customer_id: str, rt: Runtime, now: Now,
                      principal: CustomerReader) -> list[VisitRead]:
    """The customer's service visits."""
    return await visits_service.list_visits(rt.uow, principal=principal,
                                            customer_id=customer_id, now=now)


@router.post("/customers/{customer_id}/visits/{visit_id}/reschedule", response_model=VisitRead,
             responses=_CONFLICT)
async def reschedule(customer_id: str, visit_id: str, body: VisitBook, rt: Runtime, now: Now,
                     principal: Customer) -> VisitRead:
    """Move a visit to another slot of the same job type."""
    return await visits_service.reschedule(rt.uow, principal=principal, customer_id=customer_id,
                                           visit_id=visit_id, slot_id=body.slot_id, now=now)


@router.post("/customers/{customer_id}/visits/{visit_id}/cancel", response_model=VisitRead,
             responses=_CONFLICT)
async def cancel(customer_id: str, visit_id: str, rt: Runtime, now: Now,
                 principal: Customer) -> VisitRead:
    """Cancel a visit before it starts."""
    return await visits_service.cancel(rt.uow, principal=principal, customer_id=customer_id,
                                       visit_id=visit_id, now=now)


@router.post("/visits/{visit_id}/complete", response_model=VisitRead, responses=_CONFLICT)
async def complete(visit_id: str, rt: Runtime, now: Now, principal: FieldService) -> VisitRead:
    """Report a visit done (field-service integration, scope `visits:complete`)."""
    return await visits_service.complete(rt.uow, principal=principal, visit_id=visit_id, now=now)
