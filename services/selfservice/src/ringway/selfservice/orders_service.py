"""Catalogue, order and purchase-registration use cases: stock is reserved atomically."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from ulid import ULID

from ringway.selfservice import audit, ownership, tables
from ringway.selfservice.domain import orders
from ringway.selfservice.domain.orders import Line, OrderRuleBroken, OrderStatus
from ringway.selfservice.errors import invalid_field
from ringway.selfservice.orders_schemas import (
    OrderCreate,
    OrderLineRead,
    OrderRead,
    OrderStatusUpdate,
    ProductRead,
    ProductUpsert,
    PurchaseCreate,
    PurchaseRead,
)
from ringway.shared.contracts.selfservice import SelfServiceActionCompleted
from ringway.shared.db.uow import UnitOfWork, UnitOfWorkFactory
from ringway.shared.web.auth import Principal
from ringway.shared.web.problems import Conflict, NotFound

p, o, ol = tables.products, tables.orders, tables.order_lines


def _product(row: Any, currency: str) -> ProductRead:
    return ProductRead(currency=currency, **{k: v for k, v in row.items() if k != "updated_at"})


async def upsert_product(uow_factory: UnitOfWorkFactory, *, sku: str, body: ProductUpsert,
                         currency: str, now: datetime) -> ProductRead:
    """Create or replace a catalogue entry (the back office owns prices and stock)."""
    async with uow_factory() as uow:
        values = {**body.model_dump(), "updated_at": now}
        statement = uow.db.insert(p).values(sku=sku, **values)
        await uow.session.execute(statement.on_conflict_do_update(
            index_elements=[p.c.sku], set_=values))
    return ProductRead(sku=sku, currency=currency, **body.model_dump())


async def search_products(uow_factory: UnitOfWorkFactory, *, q: str | None, currency: str,
                          limit: int) -> list[ProductRead]:
    """Active products whose name or description contains `q`, by name."""
    query = select(p).where(p.c.active.is_(True)).order_by(p.c.name, p.c.sku).limit(limit)
    text = (q or "").strip()
    if text:
        query = query.where(p.c.name.icontains(text, autoescape=True)
                            | p.c.description.icontains(text, autoescape=True))
    async with uow_factory() as uow:
        rows = (await uow.session.execute(query)).mappings().all()
    return [_product(row, currency) for row in rows]


async def place_order(uow_factory: UnitOfWorkFactory, *, principal: Principal, customer_id: str,
                      body: OrderCreate, currency: str, now: datetime) -> OrderRead:
    """Reserve every line's stock or none of it; prices come from the catalogue."""
    ownership.ensure_may_act(principal, customer_id)
    try:
        lines = orders.check_lines([Line(li.sku, li.quantity) for li in body.lines])
    except OrderRuleBroken as error:
        raise invalid_field("lines", str(error)) from None
    order_id = str(ULID())
    async with uow_factory() as uow:
        await ownership.ensure_exists(uow, customer_id)
        priced = [await _reserve(uow, line) for line in lines]
        order = OrderRead(id=order_id, customer_id=customer_id, status=OrderStatus.PLACED,
                          total_cents=orders.total_cents([(li.quantity, li.unit_price_cents)
                                                          for li in priced]),
                          currency=currency, placed_at=now, updated_at=now, lines=priced)
        await _insert_order(uow, order)
        await _done(uow, principal, "order", order_id, customer_id, now)
    return order


async def _reserve(uow: UnitOfWork, line: Line) -> OrderLineRead:
    # A conditional decrement: two orders for the last item cannot both succeed.
    price = await uow.session.scalar(
        update(p).where(p.c.sku == line.sku, p.c.active.is_(True), p.c.stock >= line.quantity)
        .values(stock=p.c.stock - line.quantity).returning(p.c.price_cents))
    if price is None:
        exists = await uow.session.scalar(select(p.c.sku).where(p.c.sku == line.sku,
                                                                p.c.active.is_(True)))
        if exists is None:
            raise NotFound("product", line.sku)
        raise Conflict(f"not enough stock of {line.sku}", code="out-of-stock", sku=line.sku)
    return OrderLineRead(sku=line.sku, quantity=line.quantity, unit_price_cents=int(price))


async def _insert_order(uow: UnitOfWork, order: OrderRead) -> None:
    await uow.session.execute(insert(o).values(**order.model_dump(exclude={"lines"})))
    await uow.session.execute(insert(ol), [
        {"order_id": order.id, **line.model_dump()} for line in order.lines])


async def _done(uow: UnitOfWork, principal: Principal, action: str, resource_id: str,
                customer_id: str, now: datetime) -> None:
    await audit.record(uow, principal, action=action, resource=action, resource_id=resource_id,
                       customer_id=customer_id, at=now)
    uow.publish(SelfServiceActionCompleted(customer_id=customer_id, session_id=principal.subject,
                                           action=action, outcome="succeeded",
                                           occurred_at=now))


async def cancel_order(uow_factory: UnitOfWorkFactory, *, principal: Principal,
                       customer_id: str, order_id: str, now: datetime) -> OrderRead:
    """Cancel within the rules and put the stock back."""
    ownership.ensure_may_act(principal, customer_id)
    async with uow_factory() as uow:
        order = await _load_order(uow, customer_id, order_id)
        try:
            orders.check_cancel(order.status, order.placed_at, now)
        except OrderRuleBroken as error:
            raise Conflict(str(error), code="order-not-cancellable") from None
        if not await _move(uow, order_id, order.status, OrderStatus.CANCELLED, now):
            raise Conflict("the order changed meanwhile; try again", code="order-changed")
        for line in order.lines:
            await uow.session.execute(update(p).where(p.c.sku == line.sku)
                                      .values(stock=p.c.stock + line.quantity))
        await _done(uow, principal, "order_cancel", order_id, customer_id, now)
    return order.model_copy(update={"status": OrderStatus.CANCELLED, "updated_at": now})


async def _move(uow: UnitOfWork, order_id: str, current: str, new: str, now: datetime) -> bool:
    result = await uow.session.execute(update(o).where(o.c.id == order_id, o.c.status == current)
                                       .values(status=new, updated_at=now))
    return bool(getattr(result, "rowcount", 0) == 1)


async def _load_order(uow: UnitOfWork, customer_id: str | None, order_id: str) -> OrderRead:
    query = select(o).where(o.c.id == order_id)
    if customer_id is not None:
        query = query.where(o.c.customer_id == customer_id)
    row = (await uow.session.execute(query)).mappings().first()
    if row is None:
        raise NotFound("order", order_id)
    lines = (await uow.session.execute(select(ol.c.sku, ol.c.quantity, ol.c.unit_price_cents)
                                       .where(ol.c.order_id == order_id)
                                       .order_by(ol.c.sku))).mappings().all()
    return OrderRead(lines=[OrderLineRead.model_validate(dict(li)) for li in lines], **row)


async def get_order(uow_factory: UnitOfWorkFactory, *, principal: Principal, customer_id: str,
                    order_id: str, now: datetime) -> OrderRead:
    """One order of the customer."""
    ownership.ensure_may_read(principal, customer_id)
    async with uow_factory() as uow:
        order = await _load_order(uow, customer_id, order_id)
        await audit.record(uow, principal, action="read", resource="order", resource_id=order_id,
                           customer_id=customer_id, at=now)
    return order


async def list_orders(uow_factory: UnitOfWorkFactory, *, principal: Principal, customer_id: str,
                      now: datetime) -> list[OrderRead]:
    """The customer's orders, newest first."""
    ownership.ensure_may_read(principal, customer_id)
    async with uow_factory() as uow:
        await ownership.ensure_exists(uow, customer_id)
        ids = (await uow.session.scalars(select(o.c.id).where(o.c.customer_id == customer_id)
                                         .order_by(o.c.id.desc()).limit(200))).all()
        found = [await _load_order(uow, customer_id, i) for i in ids]
        await audit.record(uow, principal, action="read", resource="orders", resource_id=None,
                           customer_id=customer_id, at=now)
    return found


async def set_order_status(uow_factory: UnitOfWorkFactory, *, order_id: str,
                           body: OrderStatusUpdate, now: datetime) -> OrderRead:
    """The fulfilment system moves an order on (placed -> shipped -> delivered)."""
    async with uow_factory() as uow:
        order = await _load_order(uow, None, order_id)
        try:
            orders.check_status_change(order.status, body.status)
        except OrderRuleBroken as error:
            raise Conflict(str(error), code="order-status") from None
        if not await _move(uow, order_id, order.status, body.status, now):
            raise Conflict("the order changed meanwhile; try again", code="order-changed")
    return order.model_copy(update={"status": body.status, "updated_at": now})


async def register_purchase(uow_factory: UnitOfWorkFactory, *, principal: Principal,
                            customer_id: str, body: PurchaseCreate,
                            now: datetime) -> PurchaseRead:
    """A warranty record for a product bought elsewhere; a serial is registered once."""
    ownership.ensure_may_act(principal, customer_id)
    try:
        async with uow_factory() as uow:
            await ownership.ensure_exists(uow, customer_id)
            purchase = await _purchase(uow, customer_id, body, now)
            await uow.session.execute(insert(tables.purchases).values(**purchase.model_dump()))
            await _done(uow, principal, "purchase_registered", purchase.id, customer_id, now)
    except IntegrityError:
        raise Conflict("this serial number is already registered",
                       code="already-registered") from None
    return purchase


async def _purchase(uow: UnitOfWork, customer_id: str, body: PurchaseCreate,
                    now: datetime) -> PurchaseRead:
    months = await uow.session.scalar(select(p.c.warranty_months).where(p.c.sku == body.sku))
    if months is None:
        raise NotFound("product", body.sku)
    try:
        until = orders.warranty_until(body.purchased_on, int(months), now.date())
    except OrderRuleBroken as error:
        raise invalid_field("purchased_on", str(error)) from None
    return PurchaseRead(id=str(ULID()), customer_id=customer_id, warranty_until=until,
                        registered_at=now, **body.model_dump())


async def list_purchases(uow_factory: UnitOfWorkFactory, *, principal: Principal,
                         customer_id: str, now: datetime) -> list[PurchaseRead]:
    """The customer's registered products."""
    ownership.ensure_may_read(principal, customer_id)
    t = tables.purchases
    async with uow_factory() as uow:
        await ownership.ensure_exists(uow, customer_id)
        rows = (await uow.session.execute(select(t).where(t.c.customer_id == customer_id)
                                          .order_by(t.c.id.desc()))).mappings().all()
        await audit.record(uow, principal, action="read", resource="purchases",
                           resource_id=None, customer_id=customer_id, at=now)
    return [PurchaseRead.model_validate(dict(r)) for r in rows]
