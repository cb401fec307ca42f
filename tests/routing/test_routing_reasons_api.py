"""Contact reasons and routing rules over the API: admins configure, contacts follow them."""

from __future__ import annotations

from routing_harness import PROBLEM_JSON, Routing, RoutingFactory

TAXONOMY = {"product-info": "pre-purchase", "order": "pre-purchase",
            "billing": "post-sale", "returns": "post-sale"}


async def configure(routing: Routing) -> dict[str, str]:
    """The taxonomy and three rules; returns rule name -> id."""
    for code, category in TAXONOMY.items():
        await routing.call("PUT", f"/reasons/{code}", role="admin", expect=201,
                           json={"category": category, "label": code.title()})
    ids = {}
    for name, rule in {
        "billing-es": {"position": 10, "reason": "billing", "languages": ["es"],
                       "queue_id": "billing-es", "priority": 40},
        "post-sale": {"position": 20, "category": "post-sale", "queue_id": "aftercare"},
        "gold": {"position": 5, "attributes": {"tier": "gold"}, "queue_id": "vip",
                 "priority": 80},
    }.items():
        created = await routing.call("POST", "/routing-rules", role="admin", expect=201,
                                     json=rule)
        ids[name] = created.json()["id"]
    return ids


async def test_a_contact_with_a_reason_and_no_queue_goes_where_the_rules_say(
        routing: Routing) -> None:
    ids = await configure(routing)
    spanish = await routing.contact(None, reason="billing", language="es")
    returns = await routing.contact(None, channel="chat", reason="returns")
    gold = await routing.contact(None, reason="order", attributes={"tier": "gold"})
    assert (spanish["queue_id"], spanish["priority"], spanish["category"],
            spanish["rule_id"]) == ("billing-es", 40, "post-sale", ids["billing-es"])
    assert (returns["queue_id"], returns["priority"], returns["rule_id"]) == (
        "aftercare", 0, ids["post-sale"])
    assert (gold["queue_id"], gold["priority"]) == ("vip", 80)
    await routing.flushed()
    [queued] = routing.events("contact.queued", subject=spanish["id"])
    assert (queued.data["queue_id"], queued.data["reason"], queued.data["category"],
            queued.data["rule_id"]) == ("billing-es", "billing", "post-sale", ids["billing-es"])


async def test_no_matching_rule_or_an_unknown_reason_is_a_422_and_nothing_is_stored(
        routing: Routing) -> None:
    await configure(routing)
    for body in ({"channel": "voice", "reason": "order"},
                 {"channel": "voice", "reason": "teleport", "queue_id": "support"}):
        response = await routing.call("POST", "/contacts", role="integration", json=body)
        assert response.status_code == 422, body
        assert response.headers["content-type"].startswith(PROBLEM_JSON)
    assert (await routing.call("GET", "/supervisor/queues", expect=200)).json() == []


async def test_an_explicit_priority_wins_over_the_rule_and_a_repeat_contact_is_boosted(
        routing_factory: RoutingFactory) -> None:
    routing = await routing_factory(repeat_window_s=3600, repeat_boost=15)
    await configure(routing)
    first = await routing.contact(None, reason="billing", language="es", customer_id="c-7",
                                  priority=5)
    again = await routing.contact(None, reason="billing", language="es", customer_id="c-7")
    assert (first["priority"], first["repeat"]) == (5, False)
    assert (again["priority"], again["repeat"]) == (55, True)
    routing.clock.advance(3601)
    later = await routing.contact("support", customer_id="c-7")
    assert (later["priority"], later["repeat"]) == (0, False)
    await routing.flushed()
    [queued] = routing.events("contact.queued", subject=again["id"])
    assert (queued.data["repeat"], queued.data["priority"]) == (True, 55)


async def test_reasons_and_rules_have_crud_with_404_409_and_422(routing: Routing) -> None:
    ids = await configure(routing)
    tree = (await routing.call("GET", "/reasons/categories", expect=200)).json()
    assert tree == [{"category": "post-sale", "reasons": ["billing", "returns"]},
                    {"category": "pre-purchase", "reasons": ["order", "product-info"]}]
    await routing.call("PUT", "/reasons/order", role="admin", expect=200,
                       json={"category": "pre-purchase", "label": "Place an order"})
    assert (await routing.call("GET", "/reasons/order", expect=200)).json()["label"] == (
        "Place an order")
    in_use = await routing.call("DELETE", "/reasons/billing", role="admin", expect=409)
    assert (in_use.json()["state"], in_use.json()["id"]) == ("in_use", "billing")
    await routing.call("DELETE", f"/routing-rules/{ids['billing-es']}", role="admin",
                       expect=204)
    await routing.call("DELETE", "/reasons/billing", role="admin", expect=204)
    await routing.call("GET", "/reasons/billing", expect=404)
    await routing.call("DELETE", f"/routing-rules/{ids['billing-es']}", role="admin",
                       expect=404)
    unknown = await routing.call("POST", "/routing-rules", role="admin",
                                 json={"reason": "billing", "queue_id": "q"})
    assert (unknown.status_code, unknown.json()["invalid"]) == (422, ["reason 'billing'"])
    await routing.call("PUT", f"/routing-rules/{ids['gold']}", role="admin", expect=200,
                       json={"position": 1, "channels": ["chat"], "queue_id": "vip-chat"})
    rules = (await routing.call("GET", "/routing-rules", expect=200)).json()
    assert [r["queue_id"] for r in rules] == ["vip-chat", "aftercare"]
    await routing.call("PUT", "/reasons/bad code!", role="admin", expect=422,
                       json={"category": "x", "label": "x"})


async def test_only_admins_change_the_taxonomy_and_rules(routing: Routing) -> None:
    for role in ("supervisor", "agent", "integration"):
        response = await routing.call("PUT", "/reasons/billing", role=role,
                                      json={"category": "post-sale", "label": "Billing"})
        assert response.status_code == 403, role
        response = await routing.call("POST", "/routing-rules", role=role,
                                      json={"queue_id": "q"})
        assert response.status_code == 403, role
    assert (await routing.call("GET", "/reasons", role="agent", expect=200)).json() == []


async def test_a_category_a_rule_routes_keeps_at_least_one_reason(routing: Routing) -> None:
    await configure(routing)
    await routing.call("DELETE", "/reasons/returns", role="admin", expect=204)
    moved = await routing.call("PUT", "/reasons/billing", role="admin",
                               json={"category": "pre-purchase", "label": "Billing"})
    assert (moved.status_code, moved.json()["state"]) == (409, "in_use")
    assert (await routing.call("GET", "/reasons/billing", expect=200)).json()["category"] == (
        "post-sale")


async def test_the_agent_records_the_reason_found_when_completing(routing: Routing) -> None:
    await configure(routing)
    dana = await routing.agent("Dana", queues=["aftercare"])
    created = await routing.contact(None, reason="billing")
    await routing.as_agent(dana, "accept", created["id"])
    unknown = await routing.as_agent(dana, "complete", created["id"], expect=422,
                                     reason="teleport")
    assert unknown.json()["invalid"] == ["teleport"]
    still = await routing.call("GET", f"/contacts/{created['id']}", expect=200)
    assert (still.json()["status"], still.json()["reason"]) == ("accepted", "billing")
    done = await routing.as_agent(dana, "complete", created["id"], reason="order",
                                  disposition="ordered", resolved=True)
    assert (done.json()["reason"], done.json()["category"]) == ("order", "pre-purchase")
    await routing.flushed()
    [completed] = routing.events("contact.completed", subject=created["id"])
    assert (completed.data["reason"], completed.data["category"]) == ("order", "pre-purchase")


async def test_a_refused_completion_leaves_the_reason_as_it_was(routing: Routing) -> None:
    await configure(routing)
    dana = await routing.agent("Dana", queues=["aftercare"])
    created = await routing.contact(None, reason="billing")
    await routing.as_agent(dana, "complete", created["id"], expect=409, reason="order")
    await routing.as_agent(dana, "accept", created["id"])
    await routing.as_agent(dana, "complete", created["id"])
    await routing.flushed()
    [completed] = routing.events("contact.completed", subject=created["id"])
    assert (completed.data["reason"], completed.data["category"]) == ("billing", "post-sale")
