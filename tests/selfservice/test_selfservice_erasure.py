"""Right to erasure: afterwards no self-service table holds anything personal about the customer."""

from __future__ import annotations

from datetime import date

from selfservice_harness import PASSWORD, SelfService, assert_problem, eventually
from sqlalchemy import select

from ringway.selfservice import tables
from ringway.shared.web.auth import Role

PERSONAL = ["ana@example.com", "Ana Souza", "+14155550100", "4155550100", "+12125550123",
            "2125550123", "my boiler leaks at Calle Mayor 5", "Leaking boiler", "F1-SECRET-77",
            "Electro Store Mayor", PASSWORD]


async def every_value(selfservice: SelfService) -> str:
    """Every value of every row of every self-service table, as one text."""
    values: list[str] = []
    async with selfservice.runtime.db.session() as session:
        for table in tables.metadata.sorted_tables:
            for row in (await session.execute(select(table))).all():
                values.extend(str(value) for value in row)
    return "\n".join(values)


async def use_everything(selfservice: SelfService, customer: str) -> None:
    """Leave personal data in every corner of self-service."""
    headers = selfservice.customer(customer)
    await selfservice.client.post("/auth/login", json={"email": "ana@example.com",
                                                       "password": "wrong password!"})
    assert (await selfservice.client.post("/auth/login", json={
        "email": "ana@example.com", "password": PASSWORD})).status_code == 200
    await selfservice.invoice(customer, 1000)
    assert (await selfservice.pay(customer, "k1")).status_code == 201
    await selfservice.product("F-1", stock=5)
    assert (await selfservice.order(customer, ("F-1", 1))).status_code == 201
    purchase = {"sku": "F-1", "serial_number": "F1-SECRET-77",
                "purchased_on": str(date(2026, 5, 1)), "place": "Electro Store Mayor"}
    calls = [("purchases", purchase),
             ("support-requests", {"subject": "Leaking boiler",
                                   "message": "my boiler leaks at Calle Mayor 5"}),
             ("callbacks", {"phone": "(212) 555-0123"})]
    for path, body in calls:
        response = await selfservice.client.post(f"/customers/{customer}/{path}", json=body,
                                                 headers=headers)
        assert response.status_code == 201, response.text
    assert (await selfservice.book(customer, await selfservice.slot())).status_code == 201


async def test_after_erasure_nothing_personal_remains_in_any_table(
        selfservice: SelfService) -> None:
    customer = (await selfservice.register())["id"]
    await use_everything(selfservice, customer)
    await eventually(selfservice.outbox_empty, what="events relayed")
    before = await every_value(selfservice)
    assert all(value in before for value in PERSONAL[:-1])

    erased = await selfservice.client.delete(f"/customers/{customer}",
                                             headers=selfservice.customer(customer))

    assert erased.status_code == 204, erased.text
    after = await every_value(selfservice)
    assert [value for value in PERSONAL if value in after] == []
    [event] = await selfservice.wait_events("customer.erased", 1)
    assert event.data == {"customer_id": customer, "erased_at": "2026-11-23T09:00:00Z"}


async def test_an_erased_customer_is_gone_and_the_address_is_free_again(
        selfservice: SelfService) -> None:
    customer = (await selfservice.register())["id"]
    await selfservice.invoice(customer, 1000)

    await selfservice.client.delete(f"/customers/{customer}", headers=selfservice.admin())

    assert_problem(await selfservice.client.get(f"/customers/{customer}",
                                                headers=selfservice.admin()), 404, "not-found")
    login = await selfservice.client.post("/auth/login", json={"email": "ana@example.com",
                                                               "password": PASSWORD})
    assert_problem(login, 401, "invalid-credentials")
    again = await selfservice.client.delete(f"/customers/{customer}", headers=selfservice.admin())
    assert_problem(again, 404, "not-found")
    assert (await selfservice.register())["id"] != customer


async def test_only_the_customer_or_an_admin_erases(selfservice: SelfService) -> None:
    customer = (await selfservice.register())["id"]
    other = (await selfservice.register("bo@example.com"))["id"]

    by_other = await selfservice.client.delete(f"/customers/{customer}",
                                               headers=selfservice.customer(other))
    by_agent = await selfservice.client.delete(f"/customers/{customer}",
                                               headers=selfservice.headers(Role.AGENT))

    assert_problem(by_other, 404, "not-found")
    assert_problem(by_agent, 403, "forbidden")
    assert (await selfservice.client.get(f"/customers/{customer}",
                                         headers=selfservice.admin())).status_code == 200
