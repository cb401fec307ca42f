"""HTTP bodies of accounts, invoices and payments (amounts in minor units)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_CENTS = 1_000_000_000


class InvoiceCreate(BaseModel):
    """An invoice from the billing system."""

    model_config = ConfigDict(extra="forbid")

    amount_cents: int = Field(gt=0, le=MAX_CENTS, examples=[4999])
    description: str = Field(min_length=1, max_length=200, examples=["November service"])


class InvoiceRead(BaseModel):
    """An invoice."""

    id: str
    customer_id: str
    amount_cents: int
    currency: str
    description: str
    status: str = Field(examples=["open", "paid"])
    issued_at: datetime
    payment_id: str | None = None


class PaymentCreate(BaseModel):
    """Pay an invoice, part of the balance, or all of it, with a payment-method token."""

    model_config = ConfigDict(extra="forbid")

    payment_method_token: str = Field(
        pattern=r"^pm_[A-Za-z0-9_]{3,100}$", examples=["pm_visa_4242"],
        description="A token from the payment provider's front-end widget; never card data.")
    invoice_id: str | None = Field(default=None, min_length=1, max_length=26)
    amount_cents: int | None = Field(default=None, gt=0, le=MAX_CENTS,
                                     description="Default: the invoice or the whole balance.")


class PaymentRead(BaseModel):
    """A payment and its outcome."""

    id: str
    customer_id: str
    invoice_id: str | None
    amount_cents: int
    currency: str
    status: str = Field(examples=["approved", "declined", "timed_out"])
    decline_code: str | None = None
    created_at: datetime
    decided_at: datetime | None = None


class AccountRead(BaseModel):
    """What the customer owes."""

    customer_id: str
    currency: str
    balance_cents: int = Field(description="Invoiced minus paid.")
    pending_cents: int = Field(description="Payments awaiting the provider's answer.")
    open_invoices: int


class LedgerEntryRead(BaseModel):
    """One movement of the balance."""

    id: str
    kind: str = Field(examples=["invoice", "payment"])
    amount_cents: int = Field(description="Positive adds to what is owed.")
    reference_id: str
    at: datetime


class PaymentOutcome(BaseModel):
    """The provider's late answer for a payment (after a timeout)."""

    model_config = ConfigDict(extra="forbid")

    payment_id: str = Field(min_length=1, max_length=26)
    status: Literal["approved", "declined"]
    provider_ref: str | None = Field(default=None, max_length=100)
