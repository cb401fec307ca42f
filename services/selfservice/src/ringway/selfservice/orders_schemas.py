"""HTTP bodies of the catalogue, orders and purchase registrations."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

SKU = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"


class ProductUpsert(BaseModel):
    """A catalogue entry as the back office loads it."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, examples=["Boiler X200"])
    description: str = Field(default="", max_length=5000)
    price_cents: int = Field(ge=0, le=100_000_000)
    stock: int = Field(ge=0, le=10_000_000)
    warranty_months: int = Field(default=24, ge=0, le=240)
    active: bool = True


class ProductRead(BaseModel):
    """A product customers can order."""

    sku: str
    name: str
    description: str
    price_cents: int
    currency: str
    stock: int
    warranty_months: int
    active: bool


class OrderLineCreate(BaseModel):
    """One product and how many (the price comes from the catalogue)."""

    model_config = ConfigDict(extra="forbid")

    sku: str = Field(pattern=SKU)
    quantity: int = Field(ge=1, le=1000)


class OrderCreate(BaseModel):
    """A new order."""

    model_config = ConfigDict(extra="forbid")

    lines: list[OrderLineCreate] = Field(min_length=1, max_length=50)


class OrderLineRead(BaseModel):
    """One line of an order at the price it was placed at."""

    sku: str
    quantity: int
    unit_price_cents: int


class OrderRead(BaseModel):
    """An order and where it stands."""

    id: str
    customer_id: str
    status: str = Field(examples=["placed", "shipped", "delivered", "cancelled"])
    total_cents: int
    currency: str
    placed_at: datetime
    updated_at: datetime
    lines: list[OrderLineRead]


class OrderStatusUpdate(BaseModel):
    """The fulfilment system moves an order on."""

    model_config = ConfigDict(extra="forbid")

    status: str = Field(pattern=r"^(shipped|delivered)$")


class PurchaseCreate(BaseModel):
    """Register a product bought elsewhere, for its warranty."""

    model_config = ConfigDict(extra="forbid")

    sku: str = Field(pattern=SKU)
    serial_number: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{2,63}$", examples=["X200-0042"])
    purchased_on: date
    place: str = Field(min_length=1, max_length=200, examples=["Electro Store, Madrid"])


class PurchaseRead(BaseModel):
    """A registered product and its warranty."""

    id: str
    customer_id: str
    sku: str
    serial_number: str
    purchased_on: date
    place: str
    warranty_until: date
    registered_at: datetime
