"""Customers register through the web front end: stored safely, announced on the bus, once."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from argon2 import PasswordHasher
from selfservice_harness import PASSWORD, SelfService, assert_problem, registration
from sqlalchemy import select

from ringway.selfservice import tables
from ringway.shared.web.auth import Role

REGISTERED = "customer.registered"
ACTION = "selfservice.action_completed"


async def post(selfservice: SelfService, body: dict[str, Any]) -> Any:
    """POST /customers as the web front end."""
    return await selfservice.client.post("/customers", json=body,
                                         headers=selfservice.headers(Role.INTEGRATION))


async def stored_hashes(selfservice: SelfService) -> list[str]:
    """Every password hash in the customers table."""
    async with selfservice.runtime.db.session() as session:
        return list((await session.scalars(select(tables.customers.c.password_hash))).all())


async def test_registration_normalizes_the_customer_and_never_returns_the_password(
        selfservice: SelfService) -> None:
    response = await post(selfservice, registration("Ana@Example.COM", country="us",
                                                    session_id="web-session-1"))
    assert response.status_code == 201, response.text
    customer = response.json()
    assert set(customer) == {"id", "email", "display_name", "phone", "country", "language",
                             "created_at"}
    assert customer["email"] == "ana@example.com"
    assert customer["phone"] == "+14155550100"
    assert customer["country"] == "US"
    assert PASSWORD not in response.text
    assert "argon2" not in response.text

    [password_hash] = await stored_hashes(selfservice)
    assert password_hash.startswith("$argon2id$")
    assert PasswordHasher().verify(password_hash, PASSWORD)


async def test_registration_emits_customer_registered_and_the_action_on_the_bus(
        selfservice: SelfService) -> None:
    customer = await selfservice.register(session_id="web-session-1")

    [registered] = await selfservice.wait_events(REGISTERED, 1)
    assert registered.source == "selfservice"
    assert registered.subject == customer["id"]
    assert set(registered.data) == {"customer_id", "phone", "country", "language",
                                    "registered_at"}
    assert registered.data["customer_id"] == customer["id"]
    assert registered.data["phone"] == "+14155550100"
    assert (registered.data["country"], registered.data["language"]) == ("US", "en")

    [action] = await selfservice.wait_events(ACTION, 1)
    assert action.subject == customer["id"]
    assert action.data["action"] == "register"
    assert action.data["outcome"] == "succeeded"
    assert action.data["session_id"] == "web-session-1"
    for envelope in selfservice.observed:
        assert PASSWORD not in envelope.model_dump_json()
        assert "argon2" not in envelope.model_dump_json()


async def test_a_second_account_for_the_same_email_is_a_conflict(selfservice: SelfService) -> None:
    await selfservice.register("ana@example.com")

    response = await post(selfservice, registration("  ANA@example.com"))

    body = assert_problem(response, 409, "email-taken")
    assert PASSWORD not in response.text
    assert len(await stored_hashes(selfservice)) == 1
    await selfservice.wait_events(REGISTERED, 1)
    assert await selfservice.outbox_empty()
    assert len(selfservice.events(REGISTERED)) == 1
    assert "e-mail" in body["detail"]


async def test_two_simultaneous_registrations_of_one_email_make_one_account(
        selfservice: SelfService) -> None:
    # Both pass the early check while their passwords hash; the unique index decides.
    first, second = await asyncio.gather(post(selfservice, registration("ana@example.com")),
                                         post(selfservice, registration("ANA@example.com")))

    assert sorted([first.status_code, second.status_code]) == [201, 409]
    loser = first if first.status_code == 409 else second
    assert_problem(loser, 409, "email-taken")
    assert len(await stored_hashes(selfservice)) == 1


@pytest.mark.parametrize(("field", "override"), [
    ("phone", {"phone": "12345"}),
    ("phone", {"phone": "call me maybe"}),
    ("phone", {"phone": "+44 20 7946 000"}),
    ("email", {"email": "ana.example.com"}),
    ("email", {"email": "ana@example"}),
    ("email", {"email": "ana smith@example.com"}),
    ("password", {"password": "9chars..."}),
    ("country", {"country": "XX"}),
    ("language", {"language": "english!"}),
])
async def test_an_invalid_field_is_a_422_problem_naming_it_and_nothing_is_stored(
        selfservice: SelfService, field: str, override: dict[str, str]) -> None:
    body = registration(**override)

    response = await post(selfservice, body)

    problem = assert_problem(response, 422, "validation-error")
    assert [error["loc"] for error in problem["errors"]] == [["body", field]]
    assert body["password"] not in response.text
    assert await stored_hashes(selfservice) == []
    await selfservice.register()  # the same e-mail is still free


async def test_every_invalid_field_is_named_at_once(selfservice: SelfService) -> None:
    response = await post(selfservice, registration("nope", password="short", phone="12"))

    problem = assert_problem(response, 422, "validation-error")
    assert sorted(e["loc"][1] for e in problem["errors"]) == ["email", "password", "phone"]
    assert problem["detail"] == "3 invalid field(s)"


async def test_a_customer_without_a_phone_registers_with_none(selfservice: SelfService) -> None:
    customer = await selfservice.register(phone=None)

    assert customer["phone"] is None
    [registered] = await selfservice.wait_events(REGISTERED, 1)
    assert registered.data["phone"] is None


async def test_only_integrations_register_customers(selfservice: SelfService) -> None:
    anonymous = await selfservice.client.post("/customers", json=registration())
    as_customer = await selfservice.client.post(
        "/customers", json=registration(), headers=selfservice.customer("someone"))

    assert_problem(anonymous, 401, "unauthorized")
    assert_problem(as_customer, 403, "forbidden")
    assert await stored_hashes(selfservice) == []
