"""The routing API in-process: agents take contacts from offer to completion, with events."""

from __future__ import annotations

import asyncio

from routing_harness import PROBLEM_JSON, Routing


async def test_a_ready_agent_is_offered_a_new_contact_and_completes_it(routing: Routing) -> None:
    await routing.call("PUT", "/queues/support", expect=201, json={
        "requirement": {"skills": {"billing": 5}}, "strategy": "most_skilled"})
    agent = await routing.agent("Dana", queues=["support"], skills={"billing": 8})
    contact = await routing.contact("support", reason="billing", customer_id="cust-1")
    assert (contact["status"], contact["agent_id"]) == ("offered", agent)

    accepted = await routing.as_agent(agent, "accept", contact["id"])
    assert accepted.json()["status"] == "accepted"
    await routing.as_agent(agent, "wrap-up", contact["id"])
    done = await routing.as_agent(agent, "complete", contact["id"], disposition="billing-fixed",
                                  resolved=True)
    assert (done.json()["status"], done.json()["disposition"], done.json()["resolved"]) == (
        "completed", "billing-fixed", True)

    await routing.flushed()
    kinds = [e.type for e in routing.events(subject=contact["id"])]
    assert kinds == ["contact.queued", "contact.offered", "contact.accepted",
                     "contact.wrap_up_started", "contact.completed"]
    [offered] = routing.events("contact.offered")
    assert (offered.data["agent_id"], offered.data["rule"], offered.data["strategy"],
            offered.data["score"]) == (agent, "queue", "most_skilled", 8.0)
    states = [e.data["state"] for e in routing.events("agent.state_changed", subject=agent)]
    assert states == ["available", "reserved", "busy", "wrap_up", "available"]


async def test_unknown_ids_answer_404_as_problems(routing: Routing) -> None:
    agent = await routing.agent("Dana", queues=["support"])
    for method, path in (("GET", "/contacts/nope"), ("GET", "/agents/nope"),
                         ("GET", "/queues/nope")):
        response = await routing.call(method, path, expect=404)
        assert response.headers["content-type"].startswith(PROBLEM_JSON)
    response = await routing.as_agent(agent, "accept", "nope", expect=404)
    assert response.json()["type"].endswith("/not-found")


async def test_completing_a_contact_never_accepted_is_a_conflict_with_the_state(
        routing: Routing) -> None:
    agent = await routing.agent("Dana", queues=["support"])
    contact = await routing.contact()
    response = await routing.as_agent(agent, "complete", contact["id"], expect=409)
    body = response.json()
    assert (body["state"], body["kind"], body["id"]) == ("offered", "contact", contact["id"])
    assert body["type"].endswith("/invalid-transition")


async def test_a_finished_contact_answers_409_with_its_final_state(routing: Routing) -> None:
    await routing.agent("Dana", queues=["support"])
    contact = await routing.contact()
    await routing.call("POST", f"/contacts/{contact['id']}/abandon", role="integration",
                       expect=200)
    response = await routing.call("POST", f"/contacts/{contact['id']}/abandon",
                                  role="integration", expect=409)
    assert response.json()["state"] == "abandoned"


async def test_malformed_payloads_are_422_problems(routing: Routing) -> None:
    for body in ({"channel": "fax", "queue_id": "q"}, {"channel": "voice", "queue_id": ""},
                 {"channel": "voice", "queue_id": "q", "priority": 101},
                 {"channel": "voice", "queue_id": "q", "extra": 1}):
        response = await routing.call("POST", "/contacts", role="integration", json=body)
        assert response.status_code == 422, body
        assert response.json()["type"].endswith("/validation-error")
    response = await routing.call("PUT", "/queues/q", json={"strategy": "random"})
    assert response.status_code == 422


async def test_the_same_idempotency_key_returns_the_same_contact(routing: Routing) -> None:
    first = await routing.contact(idempotency_key="pbx-call-77")
    again = await routing.call("POST", "/contacts", role="integration", expect=200, json={
        "channel": "voice", "queue_id": "support", "idempotency_key": "pbx-call-77"})
    assert again.json()["id"] == first["id"]
    await routing.flushed()
    assert len(routing.events("contact.queued")) == 1


async def test_two_concurrent_accepts_of_one_offer_exactly_one_wins(routing: Routing) -> None:
    agent = await routing.agent("Dana", queues=["support"])
    contact = await routing.contact()
    results = await asyncio.gather(*(
        routing.as_agent(agent, "accept", contact["id"], expect=None) for _ in range(2)))
    assert sorted(r.status_code for r in results) == [200, 409]
    await routing.flushed()
    assert len(routing.events("contact.accepted")) == 1


async def test_an_agent_cannot_act_for_another_agent(routing: Routing) -> None:
    dana = await routing.agent("Dana", queues=["support"])
    contact = await routing.contact()
    response = await routing.as_agent("someone-else", "accept", contact["id"], expect=409)
    assert response.json()["state"] == "offered"
    response = await routing.as_agent(dana, "accept", contact["id"], expect=403,
                                      agent_id="someone-else")
    assert response.json()["type"].endswith("/forbidden")


async def test_an_expired_offer_cannot_be_accepted_and_the_contact_waits_again(
        routing: Routing) -> None:
    await routing.call("PUT", "/queues/support", expect=201, json={"accept_timeout_s": 10})
    agent = await routing.agent("Dana", queues=["support"])
    contact = await routing.contact()
    await routing.tick(11)
    response = await routing.as_agent(agent, "accept", contact["id"], expect=409)
    assert response.json()["state"] == "queued"
    await routing.flushed()
    [ended] = routing.events("contact.offer_ended")
    assert ended.data["outcome"] == "expired"


async def test_an_agent_with_no_capacity_cannot_go_available(routing: Routing) -> None:
    created = await routing.call("POST", "/agents", expect=201, json={
        "display_name": "Nobody", "capacity": {"voice": 0}})
    agent_id = created.json()["id"]
    response = await routing.call("PUT", f"/agents/{agent_id}/state", expect=409,
                                  json={"state": "available"})
    assert response.json()["state"] == "offline"


async def test_a_supervisor_forces_an_agent_not_ready_with_a_reason(routing: Routing) -> None:
    agent = await routing.agent("Dana", queues=["support"])
    forced = await routing.call("PUT", f"/agents/{agent}/state", expect=200,
                                json={"state": "not_ready", "reason": "meeting"})
    assert (forced.json()["state"], forced.json()["reason"]) == ("not_ready", "meeting")
    contact = await routing.contact()
    assert contact["status"] == "queued"
    other = await routing.call("PUT", f"/agents/{agent}/state", role="agent",
                               subject="someone-else", json={"state": "available"})
    assert other.status_code == 403


async def test_a_waiting_contact_has_a_position_and_an_estimated_wait(routing: Routing) -> None:
    await routing.agent("Dana", queues=["support"])
    await routing.contact()
    second = await routing.contact()
    third = await routing.contact()
    assert (second["position"], third["position"]) == (1, 2)
    assert third["estimated_wait_s"] == 2 * 180.0
