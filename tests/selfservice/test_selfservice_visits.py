"""Service visits: slots have capacity, never double-booked; completion is an event."""

from __future__ import annotations

import pytest
from selfservice_harness import SelfService, assert_problem

from ringway.shared.web.auth import Role


@pytest.fixture
async def ana(selfservice: SelfService) -> str:
    """A registered customer's id."""
    return str((await selfservice.register())["id"])


async def slots(selfservice: SelfService, job_type: str = "boiler-repair") -> dict[str, int]:
    response = await selfservice.client.get(
        "/visit-slots", params={"area": "madrid-north", "job_type": job_type},
        headers=selfservice.headers(Role.CUSTOMER))
    assert response.status_code == 200, response.text
    return {s["id"]: s["available"] for s in response.json()}


async def test_booking_takes_a_place_and_a_full_slot_is_a_conflict(
        selfservice: SelfService, ana: str) -> None:
    slot = await selfservice.slot(capacity=2)
    bo = (await selfservice.register("bo@example.com"))["id"]
    cy = (await selfservice.register("cy@example.com"))["id"]

    first = await selfservice.book(ana, slot)
    second = await selfservice.book(bo, slot)
    third = await selfservice.book(cy, slot)

    assert first.status_code == second.status_code == 201
    assert (first.json()["status"], first.json()["job_type"]) == ("booked", "boiler-repair")
    assert_problem(third, 409, "slot-taken")
    assert await slots(selfservice) == {}


async def test_slots_are_listed_by_area_and_job_type_and_past_ones_are_hidden(
        selfservice: SelfService) -> None:
    soon = await selfservice.slot(capacity=3, hours_ahead=2)
    await selfservice.slot(job_type="installation")
    await selfservice.slot(area="sevilla")

    assert await slots(selfservice) == {soon: 3}
    selfservice.clock.advance(hours=3)
    assert await slots(selfservice) == {}


async def test_rescheduling_moves_the_place_and_cancelling_gives_it_back(
        selfservice: SelfService, ana: str) -> None:
    first, second = await selfservice.slot(), await selfservice.slot(hours_ahead=48)
    visit = (await selfservice.book(ana, first)).json()
    headers = selfservice.customer(ana)

    moved = await selfservice.client.post(f"/customers/{ana}/visits/{visit['id']}/reschedule",
                                          json={"slot_id": second}, headers=headers)
    assert moved.json()["slot_id"] == second
    assert await slots(selfservice) == {first: 1}

    cancelled = await selfservice.client.post(f"/customers/{ana}/visits/{visit['id']}/cancel",
                                              headers=headers)
    assert cancelled.json()["status"] == "cancelled"
    assert await slots(selfservice) == {first: 1, second: 1}
    again = await selfservice.client.post(f"/customers/{ana}/visits/{visit['id']}/cancel",
                                          headers=headers)
    assert_problem(again, 409, "visit-not-changeable")


async def test_a_visit_moves_only_to_a_slot_of_the_same_job_and_not_after_it_started(
        selfservice: SelfService, ana: str) -> None:
    slot, other_job = await selfservice.slot(), await selfservice.slot(job_type="installation")
    visit = (await selfservice.book(ana, slot)).json()
    path = f"/customers/{ana}/visits/{visit['id']}"

    wrong = await selfservice.client.post(f"{path}/reschedule", json={"slot_id": other_job},
                                          headers=selfservice.customer(ana))
    selfservice.clock.advance(hours=25)
    late = await selfservice.client.post(f"{path}/cancel", headers=selfservice.customer(ana))

    assert_problem(wrong, 422, "validation-error")
    assert_problem(late, 409, "visit-not-changeable")


async def test_completion_by_the_field_service_key_emits_visit_completed_once(
        selfservice: SelfService, ana: str) -> None:
    visit = (await selfservice.book(ana, await selfservice.slot())).json()
    field = selfservice.scoped("visits:complete")

    done = await selfservice.client.post(f"/visits/{visit['id']}/complete", headers=field)
    twice = await selfservice.client.post(f"/visits/{visit['id']}/complete", headers=field)
    as_customer = await selfservice.client.post(f"/visits/{visit['id']}/complete",
                                                headers=selfservice.customer(ana))
    other_scope = await selfservice.client.post(f"/visits/{visit['id']}/complete",
                                                headers=selfservice.scoped("slots:write"))

    assert done.json()["status"] == "completed"
    assert_problem(twice, 409, "visit-not-completable")
    assert_problem(as_customer, 403, "forbidden")
    assert_problem(other_scope, 403, "missing-scope")
    [event] = await selfservice.wait_events("visit.completed", 1)
    assert event.data == {"visit_id": visit["id"], "customer_id": ana,
                          "job_type": "boiler-repair", "completed_at": "2026-11-23T09:00:00Z"}


async def test_another_customers_visit_is_404_and_slots_need_a_scoped_key(
        selfservice: SelfService, ana: str) -> None:
    visit = (await selfservice.book(ana, await selfservice.slot())).json()
    bo = (await selfservice.register("bo@example.com"))["id"]

    foreign = await selfservice.client.post(f"/customers/{ana}/visits/{visit['id']}/cancel",
                                            headers=selfservice.customer(bo))
    own_path_foreign_visit = await selfservice.client.post(
        f"/customers/{bo}/visits/{visit['id']}/cancel", headers=selfservice.customer(bo))
    slot = await selfservice.client.post("/visit-slots", headers=selfservice.customer(bo),
                                         json={})

    assert_problem(foreign, 404, "not-found")
    assert_problem(own_path_foreign_visit, 404, "not-found")
    assert_problem(slot, 403, "forbidden")
