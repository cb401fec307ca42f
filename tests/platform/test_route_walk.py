"""No endpoint is open by accident: walk every route of every app, call it without credentials."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from ringway.cli.embedded import create_embedded_app
from ringway.cli.services import SERVICES
from ringway.shared.bus.inprocess import InProcessBus
from ringway.shared.web.auth import Authenticator, authenticate, public

DOCS = {"/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"}
# Every deliberately public endpoint, by service. Adding one means adding it here.
PUBLIC = {
    "*": {("GET", "/healthz"), ("GET", "/readyz")},
    "selfservice": {("GET", "/kb/articles"), ("GET", "/kb/articles/{article_id}"),
                    ("GET", "/kb/categories"), ("POST", "/auth/login"),
                    ("POST", "/auth/refresh"),
                    ("POST", "/webhooks/payments")},  # authenticated by its HMAC signature
    "embedded": {("GET", "/")},
    "metrics": {("GET", "/dashboard")},  # a data-free page shell; its data routes need a token
}
AUTH = Authenticator("s" * 40, admin_api_key="a" * 32)


def calls(dependant: Dependant) -> Iterator[object]:
    for dep in dependant.dependencies:
        yield dep.call
        yield from calls(dep)


def all_routes(routes: list[Any]) -> Iterator[Any]:
    """Every route, looking inside included routers (kept as objects by newer FastAPI)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from all_routes(included.routes)
        else:
            yield route


def api_routes(app: FastAPI) -> list[APIRoute]:
    return [r for r in all_routes(app.routes) if isinstance(r, APIRoute)]


@pytest.fixture
async def apps(tmp_path: Path) -> AsyncIterator[dict[str, FastAPI]]:
    bus = InProcessBus()
    await bus.start()
    built = {e.name: e.create_app(e.settings(data_dir=tmp_path), bus, AUTH) for e in SERVICES}
    for app in built.values():
        await app.router.lifespan_context(app).__aenter__()
    yield built
    await bus.stop()


async def test_every_route_is_authenticated_or_deliberately_public(
    apps: dict[str, FastAPI],
) -> None:
    walked = 0
    for name, app in apps.items():
        allowed_public = PUBLIC["*"] | PUBLIC.get(name, set())
        for route in all_routes(app.routes):
            if not isinstance(route, APIRoute):
                assert getattr(route, "path", None) in DOCS, f"{name}: unexpected route {route}"
                continue
            deps = set(calls(route.dependant))
            for method in route.methods:
                walked += 1
                if public in deps:
                    assert (method, route.path) in allowed_public, f"{name} {method} {route.path}"
                    assert authenticate not in deps
                else:
                    assert authenticate in deps, f"{name} {method} {route.path} has no auth"
    assert walked >= 4 * 5


async def test_every_protected_route_answers_401_without_credentials(
    apps: dict[str, FastAPI],
) -> None:
    checked = 0
    for name, app in apps.items():
        allowed_public = PUBLIC["*"] | PUBLIC.get(name, set())
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            for route in api_routes(app):
                path = re.sub(r"{[^}]+}", "x", route.path)
                for method in route.methods:
                    if (method, route.path) in allowed_public:
                        continue
                    response = await client.request(method, path, json={})
                    assert response.status_code == 401, f"{name} {method} {route.path}"
                    assert response.headers["content-type"] == "application/problem+json"
                    checked += 1
    assert checked >= 10


async def test_embedded_app_mounts_every_service_under_its_prefix(tmp_path: Path) -> None:
    app = create_embedded_app(tmp_path, AUTH)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=transport, base_url="http://t"
    ) as client:
        for entry in SERVICES:
            health = await client.get(f"{entry.prefix}/healthz")
            assert health.json() == {"status": "ok", "service": entry.name}
            ready = await client.get(f"{entry.prefix}/readyz")
            assert ready.status_code == 200, ready.text
            assert (await client.get(f"{entry.prefix}/metrics")).status_code == 401
        index = (await client.get("/")).json()
        assert set(index["services"]) == {"routing", "dialer", "selfservice", "metrics"}
