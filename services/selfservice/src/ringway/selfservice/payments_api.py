"""Account, invoice and payment routes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header
from fastapi.responses import JSONResponse

from ringway.selfservice import account_service, payments_service
from ringway.selfservice.deps import (
    Customer,
    CustomerReader,
    Now,
    State,
    reject_card_data,
    scoped,
)
from ringway.selfservice.domain.access import SCOPE_BILLING_WRITE
from ringway.selfservice.payments_schemas import (
    AccountRead,
    InvoiceCreate,
    InvoiceRead,
    LedgerEntryRead,
    PaymentCreate,
    PaymentRead,
)
from ringway.selfservice.payments_service import PaymentContext
from ringway.shared.runtime import Runtime
from ringway.shared.web.auth import Principal
from ringway.shared.web.problems import PROBLEM_JSON

router = APIRouter(tags=["account"], dependencies=[Depends(reject_card_data)])

Billing = Annotated[Principal, Depends(scoped(SCOPE_BILLING_WRITE))]
IdempotencyKey = Annotated[str, Header(
    alias="Idempotency-Key", min_length=1, max_length=100, pattern=r"^[\x21-\x7e]+$",
    description="Unique per payment attempt; a retry with the same key and body gets the "
    "first answer without a second charge.")]
_PAYMENT_RESPONSES: dict[int | str, dict[str, Any]] = {
    402: {"description": "Declined by the provider (the payment is in `payment`)"},
    409: {"description": "Nothing to pay, or the key was used with another body"},
    422: {"description": "Invalid body, or card data in it"},
    504: {"description": "The provider did not answer; nothing was booked"},
}


@router.post("/customers/{customer_id}/invoices", status_code=201, response_model=InvoiceRead)
async def create_invoice(customer_id: str, body: InvoiceCreate, rt: Runtime, state: State,
                         now: Now, principal: Billing) -> InvoiceRead:
    """Bill a customer (billing integration, scope `billing:write`)."""
    return await payments_service.create_invoice(
        rt.uow, principal=principal, customer_id=customer_id, body=body,
        currency=state.settings.currency, now=now)


@router.post("/customers/{customer_id}/payments", status_code=201, response_model=PaymentRead,
             responses=_PAYMENT_RESPONSES)
async def pay(customer_id: str, body: PaymentCreate, key: IdempotencyKey, rt: Runtime,
              state: State, now: Now, principal: Customer) -> JSONResponse:
    """Pay the balance, part of it, or an invoice, with a payment-method token."""
    ctx = PaymentContext(state.provider, state.settings.currency,
                         state.settings.payment_timeout_s)
    answer = await payments_service.pay(rt.uow, ctx, principal=principal,
                                        customer_id=customer_id, body=body, key=key, now=now)
    media = PROBLEM_JSON if answer.status_code >= 400 else "application/json"
    headers = {"Idempotent-Replayed": "true"} if answer.replayed else None
    return JSONResponse(answer.body, status_code=answer.status_code, media_type=media,
                        headers=headers)


@router.get("/customers/{customer_id}/account", response_model=AccountRead)
async def account(customer_id: str, rt: Runtime, state: State, now: Now,
                  principal: CustomerReader) -> AccountRead:
    """Balance, pending payments and open invoices."""
    return await account_service.account(rt.uow, principal=principal, customer_id=customer_id,
                                          currency=state.settings.currency, now=now)


@router.get("/customers/{customer_id}/ledger", response_model=list[LedgerEntryRead])
async def ledger(customer_id: str, rt: Runtime, now: Now,
                 principal: CustomerReader) -> list[LedgerEntryRead]:
    """Every movement of the balance, newest first."""
    return await account_service.ledger(rt.uow, principal=principal, customer_id=customer_id,
                                         now=now)


@router.get("/customers/{customer_id}/invoices", response_model=list[InvoiceRead])
async def invoices(customer_id: str, rt: Runtime, now: Now,
                   principal: CustomerReader) -> list[InvoiceRead]:
    """The customer's invoices, newest first."""
    return await account_service.invoices(rt.uow, principal=principal, customer_id=customer_id,
                                           now=now)


@router.get("/customers/{customer_id}/payments", response_model=list[PaymentRead])
async def payments(customer_id: str, rt: Runtime, now: Now,
                   principal: CustomerReader) -> list[PaymentRead]:
    """The customer's payments, newest first."""
    return await account_service.payments(rt.uow, principal=principal, customer_id=customer_id,
                                           now=now)
