"""Catalogue, order and purchase-registration routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from ringway.selfservice import orders_service
from ringway.selfservice.deps import Customer, CustomerReader, Now, State, reject_card_data, scoped
from ringway.selfservice.domain.access import SCOPE_CATALOGUE_WRITE, SCOPE_ORDERS_WRITE
from ringway.selfservice.orders_schemas import (
    SKU,
    OrderCreate,
    OrderRead,
    OrderStatusUpdate,
    ProductRead,
    ProductUpsert,
    PurchaseCreate,
    PurchaseRead,
)
from ringway.shared.runtime import Runtime
from ringway.shared.web.auth import Principal, Role, require

router = APIRouter(dependencies=[Depends(reject_card_data)])

Catalogue = Annotated[Principal, Depends(scoped(SCOPE_CATALOGUE_WRITE))]
Fulfilment = Annotated[Principal, Depends(scoped(SCOPE_ORDERS_WRITE))]
Anyone = Annotated[Principal, Depends(require(*Role))]
Sku = Annotated[str, Path(pattern=SKU)]


@router.put("/catalogue/products/{sku}", tags=["orders"], response_model=ProductRead)
async def upsert_product(sku: Sku, body: ProductUpsert, rt: Runtime, state: State, now: Now,
                         _: Catalogue) -> ProductRead:
    """Load a product into the catalogue (scope `catalogue:write`)."""
    return await orders_service.upsert_product(rt.uow, sku=sku, body=body,
                                               currency=state.settings.currency, now=now)


@router.get("/catalogue/products", tags=["orders"], response_model=list[ProductRead])
async def search_products(rt: Runtime, state: State, _: Anyone,
                          q: Annotated[str | None, Query(max_length=200)] = None,
                          limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[ProductRead]:
    """Search the catalogue: price and stock."""
    return await orders_service.search_products(rt.uow, q=q, currency=state.settings.currency,
                                                limit=limit)


@router.post("/customers/{customer_id}/orders", tags=["orders"], status_code=201,
             response_model=OrderRead,
             responses={409: {"description": "Out of stock (`sku` names the product)"}})
async def place_order(customer_id: str, body: OrderCreate, rt: Runtime, state: State, now: Now,
                      principal: Customer) -> OrderRead:
    """Order products; all lines are reserved or none."""
    return await orders_service.place_order(rt.uow, principal=principal, customer_id=customer_id,
                                            body=body, currency=state.settings.currency, now=now)


@router.get("/customers/{customer_id}/orders", tags=["orders"], response_model=list[OrderRead])
async def list_orders(customer_id: str, rt: Runtime, now: Now,
                      principal: CustomerReader) -> list[OrderRead]:
    """The customer's orders, newest first."""
    return await orders_service.list_orders(rt.uow, principal=principal,
                                            customer_id=customer_id, now=now)


@router.get("/customers/{customer_id}/orders/{order_id}", tags=["orders"],
            response_model=OrderRead)
async def get_order(customer_id: str, order_id: str, rt: Runtime, now: Now,
                    principal: CustomerReader) -> OrderRead:
    """One order and its status."""
    return await orders_service.get_order(rt.uow, principal=principal, customer_id=customer_id,
                                          order_id=order_id, now=now)


@router.post("/customers/{customer_id}/orders/{order_id}/cancel", tags=["orders"],
             response_model=OrderRead)
async def cancel_order(customer_id: str, order_id: str, rt: Runtime, now: Now,
                       principal: Customer) -> OrderRead:
    """Cancel a placed order within 24 hours; its stock is released."""
    return await orders_service.cancel_order(rt.uow, principal=principal,
                                             customer_id=customer_id, order_id=order_id, now=now)


@router.post("/orders/{order_id}/status", tags=["orders"], response_model=OrderRead)
async def set_order_status(order_id: str, body: OrderStatusUpdate, rt: Runtime, now: Now,
                           _: Fulfilment) -> OrderRead:
    """Move an order on (fulfilment integration, scope `orders:write`)."""
    return await orders_service.set_order_status(rt.uow, order_id=order_id, body=body, now=now)


@router.post("/customers/{customer_id}/purchases", tags=["orders"], status_code=201,
             response_model=PurchaseRead)
async def register_purchase(customer_id: str, body: PurchaseCreate, rt: Runtime, now: Now,
                            principal: Customer) -> PurchaseRead:
    """Register a product bought elsewhere: a warranty record."""
    return await orders_service.register_purchase(rt.uow, principal=principal,
                                                  customer_id=customer_id, body=body, now=now)


@router.get("/customers/{customer_id}/purchases", tags=["orders"],
            response_model=list[PurchaseRead])
async def list_purchases(customer_id: str, rt: Runtime, now: Now,
                         principal: CustomerReader) -> list[PurchaseRead]:
    """The customer's registered products and their warranty."""
    return await orders_service.list_purchases(rt.uow, principal=principal,
                                               customer_id=customer_id, now=now)
