"""A database that cannot be reached answers 503 problem+json with Retry-After, not 500."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import APIRouter
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from ringway.shared.web.app import create_service_app, no_lifespan
from ringway.shared.web.auth import Authenticator


def closed_port() -> int:
    """A loopback port nobody listens on (bound, read, released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


async def ready() -> dict[str, bool]:
    return {"database": True}


def app_over(engine: AsyncEngine) -> httpx.AsyncClient:
    router = APIRouter()

    @router.get("/count")
    async def count() -> dict[str, int]:
        async with engine.connect() as conn:
            return {"n": (await conn.execute(text("SELECT count(*) FROM missing"))).scalar_one()}

    app = create_service_app(service="demo", title="Demo", description="d",
                             authenticator=Authenticator("s" * 40), routers=[router],
                             lifespan=no_lifespan, readiness=ready)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://demo")


@pytest.fixture
async def unreachable() -> AsyncIterator[httpx.AsyncClient]:
    engine = create_async_engine(
        f"postgresql+asyncpg://ringway:x@127.0.0.1:{closed_port()}/ringway",
        connect_args={"timeout": 2})
    async with app_over(engine) as client:
        yield client
    await engine.dispose()


async def test_unreachable_database_is_503_with_retry_after(
    unreachable: httpx.AsyncClient,
) -> None:
    response = await unreachable.get("/count")
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["retry-after"] == "2"
    body = response.json()
    assert body["type"].endswith("/storage-unavailable")
    assert "127.0.0.1" not in response.text


async def test_a_wrong_query_on_a_working_database_stays_a_500(tmp_path: Path) -> None:
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    async with app_over(engine) as client:
        response = await client.get("/count")
    await engine.dispose()
    assert response.status_code == 500
    assert response.json()["type"].endswith("/internal-error")


async def test_a_pool_with_every_connection_busy_sheds_load_with_503(tmp_path: Path) -> None:
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}", pool_size=1,
                                 max_overflow=0, pool_timeout=0.2)
    async with engine.connect() as held, app_over(engine) as client:
        await held.execute(text("SELECT 1"))
        response = await client.get("/count")
    await engine.dispose()
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert response.json()["type"].endswith("/overloaded")
