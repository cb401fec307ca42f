"""Customers read only themselves; staff read anyone; another customer looks like no customer."""

from __future__ import annotations

import pytest
from selfservice_harness import SelfService, assert_problem

from ringway.shared.web.auth import Role


@pytest.fixture
async def two_customers(selfservice: SelfService) -> tuple[str, str]:
    """The ids of customers A and B."""
    a = await selfservice.register("a@example.com")
    b = await selfservice.register("b@example.com", phone="+44 20 7946 0958", country="GB")
    return a["id"], b["id"]


@pytest.mark.parametrize("path", ["/customers/{id}", "/customers/{id}/contacts"])
async def test_a_customer_reading_another_customer_gets_404_like_a_missing_one(
        selfservice: SelfService, two_customers: tuple[str, str], path: str) -> None:
    a, b = two_customers
    as_a = selfservice.customer(a)

    other = await selfservice.client.get(path.format(id=b), headers=as_a)
    missing = await selfservice.client.get(path.format(id="01NOSUCHCUSTOMER0000000000"),
                                           headers=as_a)

    other_body = assert_problem(other, 404, "not-found")
    missing_body = assert_problem(missing, 404, "not-found")
    assert other_body["detail"].replace(b, "X") == missing_body["detail"].replace(
        "01NOSUCHCUSTOMER0000000000", "X")
    assert "b@example.com" not in other.text


async def test_a_customer_reads_its_own_profile_and_history(
        selfservice: SelfService, two_customers: tuple[str, str]) -> None:
    a, _ = two_customers

    profile = await selfservice.client.get(f"/customers/{a}", headers=selfservice.customer(a))
    history = await selfservice.client.get(f"/customers/{a}/contacts",
                                           headers=selfservice.customer(a))

    assert profile.status_code == 200
    assert profile.json()["email"] == "a@example.com"
    assert "password" not in profile.text
    assert history.status_code == 200
    assert history.json() == []


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ADMIN])
async def test_supervisors_and_admins_read_any_customer(
        selfservice: SelfService, two_customers: tuple[str, str], role: Role) -> None:
    _, b = two_customers

    response = await selfservice.client.get(f"/customers/{b}", headers=selfservice.headers(role))

    assert response.status_code == 200
    assert response.json()["phone"] == "+442079460958"
    assert response.json()["created_at"].endswith("Z")


async def test_a_customer_token_without_a_customer_id_reads_nobody(
        selfservice: SelfService, two_customers: tuple[str, str]) -> None:
    a, _ = two_customers

    response = await selfservice.client.get(f"/customers/{a}",
                                            headers=selfservice.headers(Role.CUSTOMER))

    assert_problem(response, 404, "not-found")


async def test_reading_customers_needs_credentials_and_a_reader_role(
        selfservice: SelfService, two_customers: tuple[str, str]) -> None:
    a, _ = two_customers

    anonymous = await selfservice.client.get(f"/customers/{a}")
    integration = await selfservice.client.get(f"/customers/{a}",
                                               headers=selfservice.headers(Role.INTEGRATION))

    assert_problem(anonymous, 401, "unauthorized")
    assert_problem(integration, 403, "forbidden")


async def test_staff_reading_a_missing_customers_history_get_404(selfservice: SelfService) -> None:
    response = await selfservice.client.get("/customers/nobody/contacts",
                                            headers=selfservice.headers(Role.SUPERVISOR))

    assert_problem(response, 404, "not-found")


async def test_a_customer_edits_its_profile_with_each_field_validated(
        selfservice: SelfService) -> None:
    customer = (await selfservice.register())["id"]
    headers = selfservice.customer(customer)

    edited = await selfservice.client.patch(f"/customers/{customer}", headers=headers, json={
        "display_name": " Ana S. ", "country": "gb", "phone": "020 7946 0958"})
    bad_phone = await selfservice.client.patch(f"/customers/{customer}", headers=headers,
                                               json={"phone": "12"})
    bad_field = await selfservice.client.patch(f"/customers/{customer}", headers=headers,
                                               json={"email": "new@example.com"})

    assert edited.status_code == 200, edited.text
    assert (edited.json()["display_name"], edited.json()["country"], edited.json()["phone"]) == (
        "Ana S.", "GB", "+442079460958")
    assert assert_problem(bad_phone, 422, "validation-error")["errors"][0]["loc"] == [
        "body", "phone"]
    assert_problem(bad_field, 422, "validation-error")
    again = await selfservice.client.get(f"/customers/{customer}", headers=headers)
    assert again.json()["phone"] == "+442079460958"
    assert again.json()["email"] == "ana@example.com"


async def test_a_customer_cannot_edit_another_customers_profile(selfservice: SelfService) -> None:
    a = (await selfservice.register("a@example.com"))["id"]
    b = (await selfservice.register("b@example.com"))["id"]

    response = await selfservice.client.patch(f"/customers/{b}", json={"display_name": "x"},
                                              headers=selfservice.customer(a))

    assert_problem(response, 404, "not-found")
