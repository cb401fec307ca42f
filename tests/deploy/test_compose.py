"""docker-compose.yml: valid against the compose specification, and wired as documented."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
SERVICES = {"routing": 8001, "dialer": 8002, "selfservice": 8003, "metrics": 8004}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text())
    return loaded


def test_docker_compose_matches_the_compose_specification() -> None:
    checker = Path(sys.executable).with_name("check-jsonschema")
    done = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.compose-spec", str(COMPOSE_FILE)],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_each_service_runs_from_the_image_after_init_with_a_readiness_healthcheck(
    compose: dict[str, Any],
) -> None:
    for name, port in SERVICES.items():
        service = compose["services"][name]
        assert service["command"] == ["serve", name]
        assert service["ports"] == [f"{port}:8000"]
        assert service["depends_on"]["init"]["condition"] == "service_completed_successfully"
        for infra in ("kafka", "postgres"):
            assert service["depends_on"][infra]["condition"] == "service_healthy"
        assert service["healthcheck"]["test"][-1] == "/readyz"
        assert service["read_only"] is True
        assert "ALL" in service["cap_drop"]


def test_init_creates_topics_then_migrates_once_infrastructure_is_healthy(
    compose: dict[str, Any],
) -> None:
    init = compose["services"]["init"]
    script = init["command"][0]
    assert script.index("ringway topics create") < script.index("ringway migrate")
    assert init["restart"] == "no"
    assert {k: v["condition"] for k, v in init["depends_on"].items()} == {
        "kafka": "service_healthy", "postgres": "service_healthy"}


def test_kafka_is_the_official_image_in_kraft_mode_without_auto_created_topics(
    compose: dict[str, Any],
) -> None:
    kafka = compose["services"]["kafka"]
    assert re.fullmatch(r"apache/kafka:4\.\d+\.\d+", kafka["image"])
    env = kafka["environment"]
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert "INTERNAL://kafka:19092" in env["KAFKA_ADVERTISED_LISTENERS"]
    bootstrap = compose["services"]["routing"]["environment"]["KAFKA_BOOTSTRAP_SERVERS"]
    assert bootstrap == "kafka:19092"


def test_secrets_are_required_from_the_environment_not_written_in_the_file(
    compose: dict[str, Any],
) -> None:
    env = compose["services"]["routing"]["environment"]
    for name in ("RINGWAY_AUTH_SECRET", "RINGWAY_ADMIN_API_KEY"):
        assert re.fullmatch(rf"\$\{{{name}:\?[^}}]+\}}", env[name]), env[name]


def test_every_image_is_pinned_and_the_ports_are_documented(compose: dict[str, Any]) -> None:
    header = COMPOSE_FILE.read_text().split("name: ringway")[0]
    for name, service in compose["services"].items():
        image = service["image"]
        assert ":" in image, name
        assert not image.endswith(":latest"), name
    for name, port in SERVICES.items():
        assert f"{port} {name}" in header
