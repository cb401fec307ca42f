"""Fuzzing the OpenAPI spec (schemathesis): no input, valid or not, gets a 500."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from selfservice_harness import SECRET

from ringway.selfservice.app import create_app
from ringway.selfservice.settings import SelfServiceSettings
from ringway.shared.bus.inprocess import InProcessBus
from ringway.shared.web.auth import Authenticator, Role

ADMIN = {"Authorization": f"Bearer {Authenticator(SECRET).mint('fuzz', {Role.ADMIN})}"}


@pytest.fixture(scope="module")
def live_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Self-service served over real HTTP from its own thread and event loop."""
    tmp: Path = tmp_path_factory.mktemp("fuzz")
    yield from serve(tmp, f"sqlite+aiosqlite:///{tmp}/s.db")


def serve(tmp: Path, database_url: str) -> Iterator[str]:
    """Serve self-service on this database until the generator is closed; its base URL."""
    settings_ = SelfServiceSettings(data_dir=tmp, database_url=database_url,
                                    password_memory_kib=1024, password_time_cost=1)
    app = create_app(settings_, InProcessBus(), Authenticator(SECRET), owns_bus=True)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:  # also when the generator is closed early
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def api(live_url: str) -> Any:
    """The live OpenAPI document."""
    return schemathesis.openapi.from_dict(httpx.get(f"{live_url}/openapi.json").json())


def operations(api: Any) -> list[Any]:
    """Every operation of the schema."""
    return [result.ok() for result in api.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_input_valid_or_not_gets_a_server_error(api: Any, live_url: str,
                                                   mode: GenerationMode) -> None:
    checked = 0
    for operation in operations(api):
        try:
            fuzz(operation, mode, live_url)
            checked += 1
        except Unsatisfiable:
            assert mode is GenerationMode.NEGATIVE  # nothing in it can be made invalid
    assert checked >= 30


# The routes PostgreSQL serves from the grouped hot paths before FastAPI sees the request.
HOT = {("GET", "/customers/{customer_id}/account"), ("POST", "/customers/{customer_id}/payments")}


@pytest.mark.postgres
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_input_to_the_hot_paths_on_postgres_gets_a_server_error(
        api: Any, tmp_path: Path, pg_url: str, mode: GenerationMode) -> None:
    hot = [op for op in operations(api) if (op.method.upper(), op.path) in HOT]
    assert len(hot) == 2
    served = serve(tmp_path, pg_url)
    url = next(served)
    try:
        for operation in hot:
            fuzz(operation, mode, url)
    finally:
        served.close()


def fuzz(operation: Any, mode: GenerationMode, live_url: str) -> None:
    """Send generated requests for one operation; any 5xx fails with the case."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=8, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate])
    def run(case: Any) -> None:
        # As an admin every authorization check passes, so the fuzzer reaches the use cases.
        response = case.call(base_url=live_url, headers=ADMIN, timeout=30)
        assert response.status_code < 500, (case.method, case.formatted_path, case.body,
                                            response.text[:300])

    run()
