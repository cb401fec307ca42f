"""Embedded mode: all four services in one process, in-process bus, SQLite under a data folder."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import Depends, FastAPI

from ringway.cli.services import SERVICES
from ringway.shared.bus.inprocess import InProcessBus
from ringway.shared.web.auth import Authenticator, public, sha256_hex

AUTH_FILE = "auth.json"


@dataclass(frozen=True)
class EmbeddedAuth:
    """The authenticator, and the admin key if it was just created (to print once)."""

    authenticator: Authenticator
    new_admin_key: str | None


def load_or_create_auth(data_dir: Path) -> EmbeddedAuth:
    """Secrets from the environment, else from the data folder, else made and stored there."""
    path = data_dir / AUTH_FILE
    stored: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    new_key = None
    if "secret" not in stored or "admin_key_sha256" not in stored:
        new_key = "rw_admin_" + secrets.token_urlsafe(32)
        stored = {"secret": secrets.token_urlsafe(48), "admin_key_sha256": sha256_hex(new_key)}
        data_dir.mkdir(parents=True, exist_ok=True)
        # Created 0600 from the start: the file holds the token-signing secret.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(stored, handle)
    secret = os.environ.get("RINGWAY_AUTH_SECRET") or stored["secret"]
    env_key = os.environ.get("RINGWAY_ADMIN_API_KEY")
    if env_key:
        return EmbeddedAuth(Authenticator(secret, admin_api_key=env_key), None)
    authenticator = Authenticator(secret, admin_api_key_sha256=stored["admin_key_sha256"])
    return EmbeddedAuth(authenticator, new_key)


def create_embedded_app(data_dir: Path, authenticator: Authenticator) -> FastAPI:
    """One app with every service mounted under its prefix, sharing one in-process bus."""
    bus = InProcessBus()
    children: list[tuple[str, FastAPI]] = []
    for entry in SERVICES:
        settings = entry.settings(data_dir=data_dir)
        children.append((entry.prefix, entry.create_app(settings, bus, authenticator)))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await bus.start()
        async with AsyncExitStack() as stack:
            # Mounted apps' lifespans never run on their own: enter each one here.
            for _prefix, child in children:
                await stack.enter_async_context(child.router.lifespan_context(child))
            yield
        await bus.stop()

    app = FastAPI(title="Ringway (embedded)", lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url=None)

    @app.get("/", dependencies=[Depends(public)])
    async def index() -> dict[str, object]:
        return {"services": {prefix.strip("/"): {"docs": f"{prefix}/docs",
                                                  "health": f"{prefix}/healthz"}
                             for prefix, _ in children}}

    @app.get("/healthz", dependencies=[Depends(public)])
    async def healthz() -> dict[str, str]:
        # The container image's healthcheck asks /healthz whatever the image runs.
        return {"status": "ok", "service": "embedded"}

    for prefix, child in children:
        app.mount(prefix, child)
    app.state.bus = bus
    app.state.children = dict(children)
    return app
