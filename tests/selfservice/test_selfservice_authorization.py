"""Authorization matrix: every route x every role x own/foreign customer (agents: handled)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from fastapi.routing import APIRoute
from selfservice_harness import SelfService

from ringway.shared.web.auth import Role

SCOPES = ("billing:write", "catalogue:write", "orders:write", "slots:write", "visits:complete")
ROLES = ("admin", "supervisor", "agent", "integration", "scoped", "customer")
# Limited to some customers: a customer to itself, an agent to those of contacts it handles.
LIMITED = frozenset({"customer", "agent"})
AGENT = "agent-7"
ANY = frozenset(ROLES)
READERS = frozenset({"admin", "supervisor", "agent", "customer"})
ACTOR = frozenset({"admin", "customer"})
SCOPED = frozenset({"admin", "scoped"})
SUPER = frozenset({"admin", "supervisor"})
ADMIN = frozenset({"admin"})
C = "/customers/{customer_id}"
# (method, path) -> (roles allowed past authorization, body)
MATRIX: dict[tuple[str, str], tuple[frozenset[str], dict[str, Any] | None]] = {
    ("POST", "/auth/logout"): (frozenset({"admin", "customer"}), None),
    ("POST", "/integration-keys"): (ADMIN, {"name": "k", "scopes": ["slots:write"]}),
    ("DELETE", "/integration-keys/{key_id}"): (ADMIN, None),
    ("GET", "/audit"): (ADMIN, None),
    ("POST", "/customers"): (frozenset({"admin", "integration", "scoped"}), "registration"),
    ("GET", C): (READERS, None),
    ("PATCH", C): (ACTOR, {"display_name": "Ana"}),
    ("DELETE", C): (ACTOR, None),
    ("GET", f"{C}/contacts"): (READERS, None),
    ("POST", f"{C}/invoices"): (SCOPED, {"amount_cents": 100, "description": "x"}),
    ("POST", f"{C}/payments"): (ACTOR, {"payment_method_token": "pm_visa_4242"}),
    ("GET", f"{C}/account"): (READERS, None),
    ("GET", f"{C}/ledger"): (READERS, None),
    ("GET", f"{C}/invoices"): (READERS, None),
    ("GET", f"{C}/payments"): (READERS, None),
    ("PUT", "/catalogue/products/{sku}"): (SCOPED, {"name": "F", "price_cents": 1, "stock": 9}),
    ("GET", "/catalogue/products"): (ANY, None),
    ("POST", f"{C}/orders"): (ACTOR, {"lines": [{"sku": "F-1", "quantity": 1}]}),
    ("GET", f"{C}/orders"): (READERS, None),
    ("GET", f"{C}/orders/{{order_id}}"): (READERS, None),
    ("POST", f"{C}/orders/{{order_id}}/cancel"): (ACTOR, None),
    ("POST", "/orders/{order_id}/status"): (SCOPED, {"status": "shipped"}),
    ("POST", f"{C}/purchases"): (ACTOR, {"sku": "F-1", "serial_number": "SN-1",
                                        "purchased_on": "2026-01-02", "place": "shop"}),
    ("GET", f"{C}/purchases"): (READERS, None),
    ("POST", "/visit-slots"): (SCOPED, {"area": "a", "job_type": "j", "capacity": 1,
                                        "starts_at": "2026-12-01T09:00:00Z",
                                        "ends_at": "2026-12-01T10:00:00Z"}),
    ("GET", "/visit-slots"): (ANY, None),
    ("POST", f"{C}/visits"): (ACTOR, "slot"),
    ("GET", f"{C}/visits"): (READERS, None),
    ("POST", f"{C}/visits/{{visit_id}}/reschedule"): (ACTOR, "slot"),
    ("POST", f"{C}/visits/{{visit_id}}/cancel"): (ACTOR, None),
    ("POST", "/visits/{visit_id}/complete"): (SCOPED, None),
    ("POST", "/kb/articles"): (SUPER, {"language": "en", "title": "t", "body": "b"}),
    ("POST", "/kb/articles/{article_id}/feedback"): (ANY, {"helpful": True}),
    ("POST", "/kb/categories"): (SUPER, {"code": "c", "title": "C"}),
    ("POST", f"{C}/support-requests"): (ACTOR, {"subject": "s", "message": "m"}),
    ("GET", f"{C}/support-requests"): (READERS, None),
    ("POST", f"{C}/callbacks"): (ACTOR, {}),
}
# Shared plumbing and deliberately public routes: covered by tests/platform.
OUTSIDE = {("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/metrics"),
           ("POST", "/auth/tokens"), ("POST", "/auth/login"), ("POST", "/auth/refresh"),
           ("GET", "/kb/articles"), ("GET", "/kb/articles/{article_id}"),
           ("GET", "/kb/categories"), ("POST", "/webhooks/payments")}


def test_the_matrix_covers_every_route(selfservice_routes: set[tuple[str, str]]) -> None:
    assert selfservice_routes - OUTSIDE == set(MATRIX)


def _walk(routes: list[Any]) -> list[Any]:
    found: list[Any] = []
    for route in routes:
        included = getattr(route, "original_router", None)
        found.extend(_walk(included.routes) if included is not None else [route])
    return found


@pytest.fixture
def selfservice_routes(selfservice: SelfService) -> set[tuple[str, str]]:
    """Every (method, path) the app serves."""
    return {(m, r.path) for r in _walk(selfservice.app.routes) if isinstance(r, APIRoute)
            for m in r.methods}


def headers(selfservice: SelfService, role: str, own: str) -> dict[str, str]:
    """The credential of a role; `customer` is the own customer, `agent` handles its contact."""
    by_role = {"customer": selfservice.customer(own), "agent": selfservice.agent(AGENT),
               "scoped": selfservice.scoped(*SCOPES),
               "integration": selfservice.headers(Role.INTEGRATION)}
    return by_role.get(role) or selfservice.headers(Role(role))


async def world(selfservice: SelfService) -> dict[str, str]:
    """Two customers; the first has an order, a visit, a contact the agent handles."""
    own = (await selfservice.register())["id"]
    await selfservice.invoice(own, 10_000)
    await selfservice.product("F-1", stock=100)
    order = (await selfservice.order(own, ("F-1", 1))).json()["id"]
    visit = (await selfservice.book(own, await selfservice.slot())).json()["id"]
    article = (await selfservice.client.post(
        "/kb/articles", json={"language": "en", "title": "t", "body": "b"},
        headers=selfservice.headers(Role.SUPERVISOR))).json()["id"]
    await selfservice.handled_by(AGENT, own, "01CONTACT0000000000000OWN1")
    return {"customer_id": own, "order_id": order, "visit_id": visit, "article_id": article,
            "key_id": "ik_none", "sku": "F-1",
            "foreign": (await selfservice.register("bo@example.com"))["id"]}


def expected(path: str, allowed: frozenset[str], role: str, side: str) -> str:
    """`denied` (401/403), `missing` (404) or `served` (anything else below 500)."""
    if role not in allowed:
        return "denied"
    if "{customer_id}" in path and side == "foreign" and role in LIMITED:
        return "missing"  # a foreign customer looks exactly like a missing one
    return "served" if side == "own" and "{customer_id}" in path else "any"


def outcome(status: int) -> str:
    return {401: "denied", 403: "denied", 404: "missing"}.get(status, "served")


async def test_every_route_x_role_x_own_or_foreign_customer_gets_exactly_its_answer(
        selfservice: SelfService) -> None:
    await check_matrix(selfservice)


@pytest.mark.postgres
async def test_the_matrix_holds_on_postgres_where_hot_routes_skip_fastapi(
        pg_selfservice: SelfService) -> None:
    await check_matrix(pg_selfservice)


async def check_matrix(selfservice: SelfService) -> None:
    """Every route x role x own/foreign customer gets exactly its answer."""
    ids = await world(selfservice)
    counter = itertools.count()
    # Erasing a customer goes last: it would turn the other answers into 404s.
    for (method, path), (allowed, body) in sorted(MATRIX.items(),
                                                  key=lambda item: item[0] == ("DELETE", C)):
        for role, side in itertools.product(ROLES, ("own", "foreign")):
            if (method, path) == ("DELETE", C) and side == "own":
                ids["customer_id"] = (await selfservice.register(f"e{next(counter)}@ex.com"))["id"]
                await selfservice.handled_by(AGENT, ids["customer_id"], f"01ERASE{next(counter)}")
            target = {**ids, "customer_id": ids["customer_id" if side == "own" else "foreign"]}
            response = await selfservice.client.request(
                method, path.format(**target), json=await _body(selfservice, body, next(counter)),
                headers={**headers(selfservice, role, ids["customer_id"]),
                         "Idempotency-Key": f"k{next(counter)}"})
            where = f"{method} {path} as {role} on {side}: {response.status_code} {response.text}"
            assert response.status_code < 500, where[:300]
            want, got = expected(path, allowed, role, side), outcome(response.status_code)
            assert got == want or (want == "any" and got != "denied"), where[:300]


async def _body(selfservice: SelfService, body: Any, n: int) -> Any:
    if body == "registration":
        return {"email": f"r{n}@example.com", "password": "correct horse battery",
                "display_name": "R", "country": "US", "language": "en"}
    if body == "slot":
        return {"slot_id": await selfservice.slot(capacity=5, hours_ahead=48)}
    return body
