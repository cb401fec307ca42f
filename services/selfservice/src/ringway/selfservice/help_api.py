"""Ask-for-help routes: support requests and callbacks."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from ringway.selfservice import help_service
from ringway.selfservice.deps import Customer, CustomerReader, Now, reject_card_data
from ringway.selfservice.help_schemas import (
    CallbackCreate,
    CallbackRead,
    SupportRequestCreate,
    SupportRequestRead,
)
from ringway.shared.runtime import Runtime

router = APIRouter(tags=["help"], dependencies=[Depends(reject_card_data)])


@router.post("/customers/{customer_id}/support-requests", status_code=201,
             response_model=SupportRequestRead)
async def open_support_request(customer_id: str, body: SupportRequestCreate, rt: Runtime,
                               now: Now, principal: Customer) -> SupportRequestRead:
    """Open a written support request; an agent picks it up as a contact."""
    return await help_service.open_support_request(rt.uow, principal=principal,
                                                   customer_id=customer_id, body=body, now=now)


@router.get("/customers/{customer_id}/support-requests", response_model=list[SupportRequestRead])
async def list_support_requests(customer_id: str, rt: Runtime, now: Now,
                                principal: CustomerReader) -> list[SupportRequestRead]:
    """The customer's support requests."""
    return await help_service.list_support_requests(rt.uow, principal=principal,
                                                    customer_id=customer_id, now=now)


@router.post("/customers/{customer_id}/callbacks", status_code=201, response_model=CallbackRead)
async def request_callback(customer_id: str, body: CallbackCreate, rt: Runtime, now: Now,
                           principal: Customer) -> CallbackRead:
    """Ask to be called back at a chosen time (or as soon as possible)."""
    return await help_service.request_callback(rt.uow, principal=principal,
                                               customer_id=customer_id, body=body, now=now)
