"""Self-service HTTP routes: parse, authorize, call the service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from ringway.selfservice import erasure_service, profile_service, service
from ringway.selfservice.deps import (
    Customer,
    CustomerReader,
    Integration,
    Now,
    State,
    reject_card_data,
)
from ringway.selfservice.schemas import (
    CustomerContactRead,
    CustomerCreate,
    CustomerRead,
    CustomerUpdate,
)
from ringway.shared.runtime import Runtime

router = APIRouter(dependencies=[Depends(reject_card_data)])

Limit = Annotated[int, Query(ge=1, le=500, description="At most this many, newest first.")]


@router.post("/customers", tags=["customers"], status_code=201, response_model=CustomerRead,
             responses={409: {"description": "The e-mail address is already registered"},
                        422: {"description": "Invalid field(s), each named in `errors`"}})
async def register_customer(body: CustomerCreate, rt: Runtime, state: State, now: Now,
                            _: Integration) -> CustomerRead:
    """Register a customer (called by the web front end)."""
    return await service.register_customer(rt.uow, state.passwords, body=body, now=now)


@router.get("/customers/{customer_id}", tags=["customers"], response_model=CustomerRead)
async def get_customer(customer_id: str, rt: Runtime, principal: CustomerReader,
                       now: Now) -> CustomerRead:
    """Read a customer; a customer token reads only its own."""
    return await service.get_customer(rt.uow, principal=principal, customer_id=customer_id,
                                      now=now)


@router.get("/customers/{customer_id}/contacts", tags=["customers"],
            response_model=list[CustomerContactRead])
async def list_customer_contacts(customer_id: str, rt: Runtime, principal: CustomerReader,
                                 limit: Limit = 100) -> list[CustomerContactRead]:
    """The customer's contact history; a customer token reads only its own."""
    return await service.list_customer_contacts(rt.uow, principal=principal,
                                                customer_id=customer_id, limit=limit)


@router.delete("/customers/{customer_id}", tags=["customers"], status_code=204)
async def erase_customer(customer_id: str, rt: Runtime, now: Now, principal: Customer) -> None:
    """Erase the customer's personal data (the customer, or an admin on their behalf)."""
    await erasure_service.erase_customer(rt.uow, principal=principal, customer_id=customer_id,
                                         now=now)


@router.patch("/customers/{customer_id}", tags=["customers"], response_model=CustomerRead)
async def update_profile(customer_id: str, body: CustomerUpdate, rt: Runtime, now: Now,
                         principal: Customer) -> CustomerRead:
    """Edit the profile: name, phone, country, language (each validated)."""
    return await profile_service.update_profile(rt.uow, principal=principal,
                                                customer_id=customer_id, body=body, now=now)
