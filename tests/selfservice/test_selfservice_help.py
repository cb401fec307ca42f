"""Asking for help: a support request for routing, a callback at a chosen time for the dialer."""

from __future__ import annotations

import pytest
from selfservice_harness import SelfService, assert_problem

from ringway.shared.web.auth import Role


@pytest.fixture
async def ana(selfservice: SelfService) -> str:
    """A registered customer (phone +14155550100, language en)."""
    return str((await selfservice.register())["id"])


async def test_a_support_request_is_stored_and_announced_without_its_text(
        selfservice: SelfService, ana: str) -> None:
    response = await selfservice.client.post(
        f"/customers/{ana}/support-requests", headers=selfservice.customer(ana),
        json={"channel": "chat", "reason": "billing", "subject": "Double charge",
              "message": "I was charged twice for November."})

    assert response.status_code == 201, response.text
    request = response.json()
    [opened] = await selfservice.wait_events("support_request.opened", 1)
    assert opened.data == {"request_id": request["id"], "customer_id": ana, "channel": "chat",
                           "reason": "billing", "language": "en",
                           "opened_at": "2026-11-23T09:00:00Z"}
    assert "charged twice" not in opened.model_dump_json()
    await selfservice.handled_by("tester", ana, "01CONTACT00000000000000001")
    listed = await selfservice.client.get(f"/customers/{ana}/support-requests",
                                          headers=selfservice.headers(Role.AGENT))
    assert [r["message"] for r in listed.json()] == ["I was charged twice for November."]


async def test_a_callback_at_a_chosen_time_uses_the_number_on_file(
        selfservice: SelfService, ana: str) -> None:
    response = await selfservice.client.post(
        f"/customers/{ana}/callbacks", headers=selfservice.customer(ana),
        json={"requested_for": "2026-11-24T10:30:00+01:00", "reason": "visits"})

    assert response.status_code == 201, response.text
    [requested] = await selfservice.wait_events("callback.requested", 1)
    assert requested.data["callback_id"] == response.json()["id"]
    assert (requested.data["customer_id"], requested.data["phone"]) == (ana, "+14155550100")
    assert requested.data["requested_for"] == "2026-11-24T09:30:00Z"


async def test_a_callback_may_name_another_number_read_in_the_customers_country(
        selfservice: SelfService, ana: str) -> None:
    response = await selfservice.client.post(
        f"/customers/{ana}/callbacks", headers=selfservice.customer(ana),
        json={"phone": "(212) 555-0123"})

    assert response.json()["phone"] == "+12125550123"
    assert response.json()["requested_for"] is None


@pytest.mark.parametrize(("body", "field"), [
    ({"requested_for": "2026-11-23T08:00:00Z"}, "requested_for"),
    ({"requested_for": "2027-02-01T08:00:00Z"}, "requested_for"),
    ({"phone": "12"}, "phone"),
])
async def test_a_callback_in_the_past_too_far_ahead_or_to_a_bad_number_is_422(
        selfservice: SelfService, ana: str, body: dict[str, str], field: str) -> None:
    response = await selfservice.client.post(f"/customers/{ana}/callbacks",
                                             headers=selfservice.customer(ana), json=body)

    problem = assert_problem(response, 422, "validation-error")
    assert problem["errors"][0]["loc"] == ["body", field]
    assert selfservice.events("callback.requested") == []


async def test_a_customer_without_a_phone_must_give_one(selfservice: SelfService) -> None:
    bo = (await selfservice.register("bo@example.com", phone=None))["id"]

    response = await selfservice.client.post(f"/customers/{bo}/callbacks",
                                             headers=selfservice.customer(bo), json={})

    assert assert_problem(response, 422, "validation-error")["errors"][0]["loc"] == [
        "body", "phone"]


async def test_nobody_asks_for_help_in_another_customers_name(
        selfservice: SelfService, ana: str) -> None:
    bo = (await selfservice.register("bo@example.com"))["id"]

    support = await selfservice.client.post(
        f"/customers/{ana}/support-requests", headers=selfservice.customer(bo),
        json={"subject": "x", "message": "y"})
    callback = await selfservice.client.post(f"/customers/{ana}/callbacks",
                                             headers=selfservice.customer(bo), json={})

    assert_problem(support, 404, "not-found")
    assert_problem(callback, 404, "not-found")
