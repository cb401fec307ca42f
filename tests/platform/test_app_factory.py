"""The shared app factory: problems for every error, request ids, auth, tokens, metrics."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from fastapi import APIRouter, Depends
from pydantic import BaseModel

from ringway.shared.web.app import create_service_app, no_lifespan
from ringway.shared.web.auth import Authenticator, Principal, Role, require

ADMIN_KEY = "k" * 32
AUTH = Authenticator("s" * 40, admin_api_key=ADMIN_KEY)


class Thing(BaseModel):
    name: str
    size: int


router = APIRouter()


@router.post("/things", status_code=201)
async def make_thing(body: Thing, _: Principal = Depends(require(Role.SUPERVISOR))) -> Thing:
    return body


@router.get("/boom")
async def boom(_: Principal = Depends(require(Role.AGENT))) -> None:
    raise RuntimeError("secret internals must not leak")


async def ready() -> dict[str, bool]:
    return {"database": True, "bus": False}


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = create_service_app(service="demo", title="Demo", description="d", authenticator=AUTH,
                             routers=[router], lifespan=no_lifespan, readiness=ready)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://demo") as c:
        yield c


def token(*roles: Role, ttl: timedelta | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {AUTH.mint('someone', set(roles), ttl=ttl)}"}


async def test_health_names_the_service_and_readiness_reports_each_check(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok", "service": "demo"}
    response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["checks"] == {"database": True, "bus": False}


async def test_validation_error_is_a_problem_document_listing_fields(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/things", json={"name": "x", "size": "big"},
                                 headers=token(Role.SUPERVISOR))
    body = response.json()
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert body["type"].endswith("/validation-error")
    assert body["errors"][0]["loc"] == ["body", "size"]
    assert body["instance"] == "/things"


async def test_malformed_json_is_a_4xx_problem(client: httpx.AsyncClient) -> None:
    response = await client.post("/things", content=b"{not json",
                                 headers={**token(Role.SUPERVISOR),
                                          "content-type": "application/json"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


async def test_unknown_route_and_method_are_problems(client: httpx.AsyncClient) -> None:
    missing = await client.get("/nowhere")
    wrong = await client.delete("/healthz")
    assert (missing.status_code, wrong.status_code) == (404, 405)
    assert missing.json()["title"] == "Not Found"
    assert wrong.headers["content-type"] == "application/problem+json"


async def test_unhandled_error_is_500_problem_without_internals(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/boom", headers=token(Role.AGENT))
    assert response.status_code == 500
    assert response.json()["type"].endswith("/internal-error")
    assert "secret" not in response.text


async def test_request_id_is_echoed_or_made(client: httpx.AsyncClient) -> None:
    echoed = await client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    made = await client.get("/healthz")
    assert echoed.headers["X-Request-ID"] == "abc-123"
    assert len(made.headers["X-Request-ID"]) == 26


async def test_missing_bad_and_expired_credentials_are_401(client: httpx.AsyncClient) -> None:
    body = {"name": "x", "size": 1}
    missing = await client.post("/things", json=body)
    forged = await client.post("/things", json=body,
                               headers={"Authorization": "Bearer abc.def.ghi"})
    expired = await client.post("/things", json=body,
                                headers=token(Role.SUPERVISOR, ttl=timedelta(seconds=-5)))
    wrong_key = await client.post("/things", json=body, headers={"X-API-Key": "nope" * 8})
    assert [r.status_code for r in (missing, forged, expired, wrong_key)] == [401] * 4
    assert missing.headers["WWW-Authenticate"] == "Bearer"


async def test_wrong_role_is_403_and_admin_passes_every_check(client: httpx.AsyncClient) -> None:
    body = {"name": "x", "size": 1}
    agent = await client.post("/things", json=body, headers=token(Role.AGENT))
    admin = await client.post("/things", json=body, headers={"X-API-Key": ADMIN_KEY})
    assert agent.status_code == 403
    assert agent.json()["type"].endswith("/forbidden")
    assert admin.status_code == 201


async def test_admin_mints_a_token_that_then_authenticates(client: httpx.AsyncClient) -> None:
    minted = await client.post("/auth/tokens", headers={"X-API-Key": ADMIN_KEY},
                               json={"subject": "pbx-1", "roles": ["supervisor"],
                                     "kind": "api-key"})
    assert minted.status_code == 201
    key = minted.json()["token"]
    made = await client.post("/things", json={"name": "x", "size": 1}, headers={"X-API-Key": key})
    denied = await client.post("/auth/tokens", headers={"X-API-Key": key},
                               json={"subject": "me", "roles": ["admin"]})
    assert made.status_code == 201
    assert denied.status_code == 403


async def test_metrics_need_credentials_and_count_requests(client: httpx.AsyncClient) -> None:
    await client.get("/healthz")
    assert (await client.get("/metrics")).status_code == 401
    exposed = await client.get("/metrics", headers=token(Role.INTEGRATION))
    assert exposed.status_code == 200
    assert 'http_requests_total{method="GET",route="/healthz",status="200"}' in exposed.text
