"""Overflow outcomes are checked when a queue is saved, not discovered when a contact closes."""

from __future__ import annotations

from typing import Any

import pytest
from routing_harness import Routing, RoutingFactory

from ringway.routing.domain.model import Action, Outcome, QueueSpec
from ringway.routing.domain.outcome_checks import (
    OutcomeRefused,
    check_outcomes,
    overflow_sources,
)
from ringway.shared.contracts.common import Channel


def _overflow(to: str, cause: str = "full") -> dict[str, Any]:
    return {"outcomes": {cause: {"action": "overflow", "queue_id": to}}}


async def test_an_overflow_to_a_missing_queue_is_422_naming_the_field_and_saves_nothing(
        routing: Routing) -> None:
    refused = await routing.call("PUT", "/queues/main", json=_overflow("nowhere", "max_wait"))
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    [error] = refused.json()["errors"]
    assert (error["loc"], error["type"]) == (["body", "outcomes", "max_wait", "queue_id"],
                                             "unknown_queue")
    await routing.call("GET", "/queues/main", expect=404)
    await routing.flushed()
    assert routing.events("queue.configured") == []


async def test_an_overflow_to_itself_is_422(routing: Routing) -> None:
    await routing.call("PUT", "/queues/main", expect=201, json={})
    refused = await routing.call("PUT", "/queues/main", json=_overflow("main", "closed"))
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["type"] == "overflow_to_itself"
    stored = await routing.call("GET", "/queues/main", expect=200)
    assert stored.json()["config"]["outcomes"]["closed"] is None


async def test_a_backup_that_refuses_the_queues_channels_is_422(routing: Routing) -> None:
    await routing.call("PUT", "/queues/voice-only", expect=201, json={"channels": ["voice"]})
    refused = await routing.call("PUT", "/queues/main",
                                 json={"channels": ["voice", "chat"], **_overflow("voice-only")})
    assert refused.status_code == 422
    assert "chat" in refused.json()["errors"][0]["msg"]
    await routing.call("PUT", "/queues/main", expect=201,
                       json={"channels": ["voice"], **_overflow("voice-only")})


async def test_a_save_that_would_loop_is_409_with_the_chain(routing: Routing) -> None:
    await routing.call("PUT", "/queues/b", expect=201, json={})
    await routing.call("PUT", "/queues/a", expect=201, json=_overflow("b"))
    refused = await routing.call("PUT", "/queues/b", json=_overflow("a", "max_wait"))
    assert refused.status_code == 409
    body = refused.json()
    assert (body["reason"], body["queues"]) == ("overflow_loop", ["b", "a", "b"])
    stored = await routing.call("GET", "/queues/b", expect=200)
    assert stored.json()["config"]["outcomes"]["max_wait"] is None
    # The engine kept the old configuration too: a contact that waits too long just closes.
    assert routing.router.engine.queues["b"].outcomes == ()


async def test_changing_a_backup_so_it_refuses_a_sources_channels_is_409(
        routing: Routing) -> None:
    await routing.call("PUT", "/queues/backup", expect=201, json={})
    await routing.call("PUT", "/queues/main", expect=201,
                       json={"channels": ["chat"], **_overflow("backup")})
    refused = await routing.call("PUT", "/queues/backup", json={"channels": ["voice"]})
    assert refused.status_code == 409
    assert (refused.json()["reason"], refused.json()["queues"]) == ("overflow_target", ["main"])
    await routing.call("PUT", "/queues/backup", expect=200, json={"channels": ["chat"]})


async def test_saved_queues_are_announced_with_their_configuration(routing: Routing) -> None:
    await routing.call("PUT", "/queues/backup", expect=201, json={})
    await routing.call("PUT", "/queues/main", expect=201, json=_overflow("backup"))
    await routing.call("PUT", "/queues/main", expect=200, json={"priority": 5})
    events = await routing.wait_events("queue.configured", 3)
    # In order per queue (the Kafka key); the in-process bus may interleave queues.
    assert [(e.subject, e.data["created"]) for e in sorted(events, key=lambda e: e.subject)] == [
        ("queue:backup", True), ("queue:main", True), ("queue:main", False)]
    events = sorted(events, key=lambda e: e.subject)
    assert events[1].data["config"]["outcomes"]["full"]["queue_id"] == "backup"
    assert (events[2].data["config"]["priority"], events[2].data["changed_by"]) == (5, "tester")


def over(to: str) -> tuple[tuple[str, Outcome], ...]:
    """Overflow to `to` when full."""
    return (("queue_full", Outcome(Action.OVERFLOW, to)),)


def test_a_longer_loop_is_found_and_sources_are_listed() -> None:
    queues = {"a": QueueSpec("a", outcomes=over("b")), "b": QueueSpec("b", outcomes=over("c")),
              "c": QueueSpec("c"), "d": QueueSpec("d", outcomes=over("c"))}
    with pytest.raises(OutcomeRefused) as refused:
        check_outcomes(queues, QueueSpec("c", outcomes=over("a")))
    assert (refused.value.status, refused.value.queues) == (409, ("c", "a", "b", "c"))
    check_outcomes(queues, QueueSpec("c", channels=frozenset(Channel)))
    assert overflow_sources(queues, "c") == ["b", "d"]


async def test_a_queue_others_overflow_to_cannot_be_deleted_until_they_stop(
        routing: Routing) -> None:
    await routing.call("PUT", "/queues/backup", expect=201, json={})
    await routing.call("PUT", "/queues/main", expect=201, json=_overflow("backup", "closed"))
    await routing.call("PUT", "/queues/wide", expect=201,
                       json={"overflow": [{"after_s": 30, "add_queues": ["backup"]}]})
    refused = await routing.call("DELETE", "/queues/backup")
    assert refused.status_code == 409
    assert (refused.json()["reason"], refused.json()["queues"]) == (
        "overflow_target", ["main", "wide"])
    await routing.call("GET", "/queues/backup", expect=200)
    await routing.call("PUT", "/queues/main", expect=200, json={})
    await routing.call("PUT", "/queues/wide", expect=200, json={})
    await routing.call("DELETE", "/queues/backup", expect=204)
    await routing.call("GET", "/queues/backup", expect=404)
    await routing.call("DELETE", "/queues/backup", expect=404)
    # Now missing, it can no longer be a backup.
    assert (await routing.call("PUT", "/queues/main", json=_overflow("backup"))).status_code == 422
    [removed] = await routing.wait_events("queue.removed", 1)
    assert (removed.subject, removed.data["changed_by"]) == ("queue:backup", "tester")


async def test_a_queue_with_agents_contacts_or_rules_is_not_deleted(routing: Routing) -> None:
    dana = await routing.agent("Dana", queues=["support"], ready=False)
    await routing.call("PUT", "/queues/support", expect=201, json={})
    served = await routing.call("DELETE", "/queues/support")
    assert (served.status_code, served.json()["reason"], served.json()["queues"]) == (
        409, "served", [dana])
    await routing.call("PATCH", f"/agents/{dana}", expect=200, json={"queues": ["other"]})
    created = await routing.contact("support")
    assert (await routing.call("DELETE", "/queues/support")).json()["reason"] == "contacts"
    await routing.call("POST", f"/contacts/{created['id']}/abandon", role="integration",
                       expect=200)
    await routing.call("POST", "/routing-rules", role="admin", expect=201,
                       json={"queue_id": "support"})
    ruled = await routing.call("DELETE", "/queues/support")
    assert (ruled.status_code, ruled.json()["reason"]) == (409, "in_use")
    await routing.call("GET", "/queues/support", expect=200)
    await routing.flushed()
    assert routing.events("queue.removed") == []


@pytest.mark.postgres
async def test_queue_checks_and_deletion_on_postgres(routing_factory: RoutingFactory,
                                                     pg_url: str) -> None:
    routing = await routing_factory(database_url=pg_url)
    await routing.call("PUT", "/queues/b", expect=201, json={})
    await routing.call("PUT", "/queues/a", expect=201, json=_overflow("b"))
    assert (await routing.call("PUT", "/queues/b", json=_overflow("a"))).status_code == 409
    await routing.call("POST", "/routing-rules", role="admin", expect=201, json={"queue_id": "a"})
    assert (await routing.call("DELETE", "/queues/a")).json()["reason"] == "in_use"
    await routing.call("PUT", "/queues/a", expect=200, json={})
    await routing.call("DELETE", "/queues/b", expect=204)
    again = await routing_factory(database_url=pg_url)  # a restart sees b gone
    await again.call("GET", "/queues/b", expect=404)
    await again.call("GET", "/queues/a", expect=200)


async def test_an_overflow_step_adding_a_missing_queue_is_422_naming_the_field(
        routing: Routing) -> None:
    await routing.call("PUT", "/queues/backup", expect=201, json={})
    steps = [{"after_s": 30, "add_queues": ["backup"]},
             {"after_s": 60, "add_queues": ["backup", "nowhere"]}]
    refused = await routing.call("PUT", "/queues/main", json={"overflow": steps})
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    [error] = refused.json()["errors"]
    assert (error["loc"], error["type"]) == (["body", "overflow", 1, "add_queues", 1],
                                             "unknown_queue")
    assert "nowhere" in error["msg"]
    await routing.call("GET", "/queues/main", expect=404)
    assert "main" not in routing.router.engine.queues
    # The queue itself and existing queues are fine.
    await routing.call("PUT", "/queues/main", expect=201,
                       json={"overflow": [{"after_s": 30, "add_queues": ["backup", "main"]}]})
