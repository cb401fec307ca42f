"""Orders reserve stock atomically at catalogue prices; cancels follow the rules."""

from __future__ import annotations

from typing import Any

import pytest
from selfservice_harness import SelfService, assert_problem

from ringway.shared.web.auth import Role


@pytest.fixture
async def shop(selfservice: SelfService) -> str:
    """A customer, and a catalogue with a boiler (3 left) and a filter (10 left)."""
    await selfservice.product("X200", stock=3, price_cents=50000)
    await selfservice.product("F-1", stock=10, price_cents=1500, name="Filter",
                              warranty_months=6)
    return str((await selfservice.register())["id"])


async def stock(selfservice: SelfService) -> dict[str, int]:
    products = (await selfservice.client.get(
        "/catalogue/products", headers=selfservice.headers(Role.CUSTOMER))).json()
    return {p["sku"]: p["stock"] for p in products}


async def test_an_order_is_priced_from_the_catalogue_and_reserves_stock(
        selfservice: SelfService, shop: str) -> None:
    response = await selfservice.order(shop, ("X200", 1), ("F-1", 2))

    assert response.status_code == 201, response.text
    order = response.json()
    assert (order["status"], order["total_cents"], order["currency"]) == ("placed", 53000, "EUR")
    assert await stock(selfservice) == {"X200": 2, "F-1": 8}
    fetched = await selfservice.client.get(f"/customers/{shop}/orders/{order['id']}",
                                           headers=selfservice.customer(shop))
    assert fetched.json() == order


async def test_an_order_for_more_than_is_in_stock_reserves_nothing(
        selfservice: SelfService, shop: str) -> None:
    response = await selfservice.order(shop, ("F-1", 2), ("X200", 4))

    body = assert_problem(response, 409, "out-of-stock")
    assert body["sku"] == "X200"
    assert await stock(selfservice) == {"X200": 3, "F-1": 10}
    listed = await selfservice.client.get(f"/customers/{shop}/orders",
                                          headers=selfservice.customer(shop))
    assert listed.json() == []


async def test_a_body_cannot_set_prices_and_unknown_products_are_404(
        selfservice: SelfService, shop: str) -> None:
    priced = await selfservice.client.post(
        f"/customers/{shop}/orders", headers=selfservice.customer(shop),
        json={"lines": [{"sku": "X200", "quantity": 1, "unit_price_cents": 1}]})
    unknown = await selfservice.order(shop, ("NOPE", 1))
    twice = await selfservice.order(shop, ("F-1", 1), ("F-1", 1))

    assert_problem(priced, 422, "validation-error")
    assert_problem(unknown, 404, "not-found")
    assert assert_problem(twice, 422, "validation-error")["errors"][0]["loc"] == [
        "body", "lines"]


async def test_cancelling_within_a_day_releases_the_stock_and_later_is_refused(
        selfservice: SelfService, shop: str) -> None:
    first = (await selfservice.order(shop, ("X200", 2))).json()
    second = (await selfservice.order(shop, ("X200", 1))).json()

    cancelled = await selfservice.client.post(
        f"/customers/{shop}/orders/{first['id']}/cancel", headers=selfservice.customer(shop))
    selfservice.clock.advance(hours=25)
    late = await selfservice.client.post(
        f"/customers/{shop}/orders/{second['id']}/cancel", headers=selfservice.customer(shop))
    twice = await selfservice.client.post(
        f"/customers/{shop}/orders/{first['id']}/cancel", headers=selfservice.customer(shop))

    assert cancelled.json()["status"] == "cancelled"
    assert_problem(late, 409, "order-not-cancellable")
    assert_problem(twice, 409, "order-not-cancellable")
    assert (await stock(selfservice))["X200"] == 2


async def test_a_shipped_order_cannot_be_cancelled_and_status_moves_only_forward(
        selfservice: SelfService, shop: str) -> None:
    order = (await selfservice.order(shop, ("F-1", 1))).json()
    fulfilment = selfservice.scoped("orders:write")

    shipped = await selfservice.client.post(f"/orders/{order['id']}/status",
                                            json={"status": "shipped"}, headers=fulfilment)
    cancel = await selfservice.client.post(
        f"/customers/{shop}/orders/{order['id']}/cancel", headers=selfservice.customer(shop))
    backwards = await selfservice.client.post(f"/orders/{order['id']}/status",
                                              json={"status": "shipped"}, headers=fulfilment)

    assert shipped.json()["status"] == "shipped"
    assert_problem(cancel, 409, "order-not-cancellable")
    assert_problem(backwards, 409, "order-status")


async def test_another_customers_order_is_404(selfservice: SelfService, shop: str) -> None:
    order = (await selfservice.order(shop, ("F-1", 1))).json()
    other = (await selfservice.register("bo@example.com"))["id"]

    read = await selfservice.client.get(f"/customers/{other}/orders/{order['id']}",
                                        headers=selfservice.customer(other))
    cancel = await selfservice.client.post(f"/customers/{shop}/orders/{order['id']}/cancel",
                                           headers=selfservice.customer(other))

    assert_problem(read, 404, "not-found")
    assert_problem(cancel, 404, "not-found")


def purchase(**overrides: Any) -> dict[str, Any]:
    body = {"sku": "F-1", "serial_number": "F1-0042", "purchased_on": "2026-06-30",
            "place": "Electro Store, Madrid"}
    return {**body, **overrides}


async def test_registering_a_purchase_creates_its_warranty_once(
        selfservice: SelfService, shop: str) -> None:
    headers = selfservice.customer(shop)
    created = await selfservice.client.post(f"/customers/{shop}/purchases", json=purchase(),
                                            headers=headers)
    again = await selfservice.client.post(f"/customers/{shop}/purchases", json=purchase(),
                                          headers=headers)
    future = await selfservice.client.post(
        f"/customers/{shop}/purchases",
        json=purchase(serial_number="F1-9", purchased_on="2027-01-01"), headers=headers)

    assert created.status_code == 201, created.text
    assert created.json()["warranty_until"] == "2026-12-30"
    assert_problem(again, 409, "already-registered")
    assert assert_problem(future, 422, "validation-error")["errors"][0]["loc"] == [
        "body", "purchased_on"]
    listed = (await selfservice.client.get(f"/customers/{shop}/purchases",
                                           headers=headers)).json()
    assert [p["serial_number"] for p in listed] == ["F1-0042"]


async def test_only_a_catalogue_scoped_integration_loads_products(
        selfservice: SelfService, shop: str) -> None:
    body = {"name": "x", "price_cents": 1, "stock": 1}
    as_customer = await selfservice.client.put("/catalogue/products/Z", json=body,
                                               headers=selfservice.customer(shop))
    wrong_scope = await selfservice.client.put("/catalogue/products/Z", json=body,
                                               headers=selfservice.scoped("billing:write"))

    assert_problem(as_customer, 403, "forbidden")
    assert_problem(wrong_scope, 403, "missing-scope")
