"""The `ringway` operator commands, end to end: embedded (SQLite) and real Kafka/PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from typer.testing import CliRunner

from ringway.cli import exitcodes
from ringway.cli.kafka_admin import Found, Wanted, differences
from ringway.cli.main import app
from ringway.shared.contracts.topics import TOPICS
from ringway.shared.events.registry import REGISTRY
from ringway.shared.testing.kafka import LocalKafka

SERVICES = ("routing", "dialer", "selfservice", "metrics")
runner = CliRunner()


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in list(os.environ):
        if name.startswith(("RINGWAY_", "DATABASE_", "KAFKA_", *(f"{s.upper()}_" for s in
                                                                 SERVICES))):
            monkeypatch.delenv(name)
    monkeypatch.setenv("RINGWAY_DATA_DIR", str(tmp_path))
    return tmp_path


def ringway(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real command in its own process, for exit codes as a script sees them."""
    return subprocess.run([sys.executable, "-m", "ringway.cli", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=120, check=False)


def test_help_lists_every_command_and_the_exit_codes() -> None:
    done = runner.invoke(app, ["--help"])
    assert done.exit_code == 0
    for command in ("run", "serve", "migrate", "topics", "events", "config", "staffing"):
        assert command in done.output
    assert "78 bad" in done.output


def test_topics_list_prints_the_declared_topics() -> None:
    done = runner.invoke(app, ["topics", "list"])
    assert done.exit_code == 0
    for spec in TOPICS.values():
        assert f"{spec.name} " in done.output
        assert spec.key in done.output


def test_events_list_prints_every_registered_event_type() -> None:
    done = runner.invoke(app, ["events", "list"])
    assert done.exit_code == 0
    for model in REGISTRY:
        assert model.event_type in done.output


def test_events_write_then_check_passes_and_an_empty_folder_fails(tmp_path: Path) -> None:
    assert runner.invoke(app, ["events", "write", str(tmp_path / "cat")]).exit_code == 0
    assert (tmp_path / "cat" / "asyncapi.json").is_file()
    assert runner.invoke(app, ["events", "check", str(tmp_path / "cat")]).exit_code == 0
    (tmp_path / "empty").mkdir()
    failed = runner.invoke(app, ["events", "check", str(tmp_path / "empty")])
    assert failed.exit_code == exitcodes.CHECK_FAILED


def test_migrate_creates_each_embedded_database_and_is_safe_to_repeat(clean_env: Path) -> None:
    first = runner.invoke(app, ["migrate"])
    assert first.exit_code == 0, first.output
    for name in SERVICES:
        assert (clean_env / f"{name}.db").is_file()
        assert f"{name}: {clean_env / name}.db at revision" in first.output
    again = runner.invoke(app, ["migrate", "routing"])
    assert again.exit_code == 0
    assert again.output.count("at revision") == 1


def test_migrate_exit_codes_for_unknown_service_bad_setting_and_no_database(
    clean_env: Path,
) -> None:
    assert runner.invoke(app, ["migrate", "billing"]).exit_code == exitcodes.USAGE
    bad = ringway("migrate", "routing", env={"ROUTING_OUTBOX_POLL_INTERVAL_S": "-1"})
    assert bad.returncode == exitcodes.CONFIG
    assert bad.stderr.strip().splitlines() == [bad.stderr.strip()]
    assert bad.stderr.startswith("configuration error: ROUTING_OUTBOX_POLL_INTERVAL_S:")
    down = ringway("migrate", "dialer", "--database-url",
                   "postgresql+asyncpg://nobody@127.0.0.1:1/none")
    assert down.returncode == exitcodes.UNAVAILABLE, down.stderr
    assert down.stderr.startswith("dialer: database unreachable")


def test_serve_exits_78_with_one_line_when_kafka_is_not_configured(clean_env: Path) -> None:
    done = ringway("serve", "metrics", env={"RINGWAY_AUTH_SECRET": "s" * 40})
    assert done.returncode == exitcodes.CONFIG
    assert done.stderr.strip().splitlines() == [
        "configuration error: KAFKA_BOOTSTRAP_SERVERS: required to run a service on its own "
        "(use `make run` for the embedded mode)"]


@pytest.mark.parametrize(("env", "variable"), [
    ({"KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1"}, "RINGWAY_AUTH_SECRET"),
    ({"ROUTING_LEADER_ELECTION": "perhaps"}, "ROUTING_LEADER_ELECTION"),
    ({"ROUTING_LEADER_ELECTION_INTERVAL_S": "0"}, "ROUTING_LEADER_ELECTION_INTERVAL_S"),
])
def test_serve_names_the_bad_variable_in_one_line(
    clean_env: Path, restore_logging: None, monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str], variable: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    done = runner.invoke(app, ["serve", "routing"])
    assert done.exit_code == exitcodes.CONFIG
    assert done.output.startswith(f"configuration error: {variable}:"), done.output
    assert len(done.output.strip().splitlines()) == 1


def test_topic_differences_name_what_is_missing_or_wrong() -> None:
    wanted = [Wanted("contacts", 6, 1000), Wanted("agents", 6, 1000), Wanted("dialer", 6, 1000)]
    found = {"contacts": Found("contacts", 3, 1000), "dialer": Found("dialer", 12, 5)}
    assert differences(wanted, found) == [
        "contacts: 3 partitions, declared 6", "agents: missing",
        "dialer: retention.ms 5, declared 1000"]


async def _revisions(url: str) -> dict[str, str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return {name: str(await conn.scalar(text(
                f'SELECT version_num FROM "{name}".alembic_version'))) for name in SERVICES}
    finally:
        await engine.dispose()


@pytest.mark.postgres
def test_migrate_brings_every_schema_to_head_on_postgresql(pg_url: str, clean_env: Path) -> None:
    done = ringway("migrate", "--database-url", pg_url)
    assert done.returncode == 0, done.stderr
    revisions = asyncio.run(_revisions(pg_url))
    for name in SERVICES:
        assert f"{name}: schema {name} at revision {revisions[name]}" in done.stdout
    again = ringway("migrate", "--database-url", pg_url)
    assert again.returncode == 0, again.stderr
    assert asyncio.run(_revisions(pg_url)) == revisions


@pytest.mark.kafka
def test_topics_create_then_verify_on_a_real_broker(kafka: LocalKafka) -> None:
    env = {"KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers}
    created = ringway("topics", "create", env=env)
    assert created.returncode == 0, created.stderr
    assert f"{2 * len(TOPICS)} topics as declared" in created.stdout
    verified = ringway("topics", "verify", env=env)
    assert verified.returncode == 0, verified.stderr
    down = ringway("topics", "verify", "--timeout", "2",
                   env={"KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1"})
    assert down.returncode == exitcodes.UNAVAILABLE
    assert down.stderr.strip() == "kafka unreachable at 127.0.0.1:1: KafkaConnectionError"


def _volumes(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "volumes.csv"
    path.write_text(text)
    return path


def test_staffing_plan_prints_agents_per_interval_and_writes_the_plan(tmp_path: Path) -> None:
    volumes = _volumes(tmp_path, "interval_start,volume,aht_s,logged_in\n"
                                 "08:00,120,300,40\n08:15,60,300,\n")
    plan = tmp_path / "plan.csv"
    done = runner.invoke(app, ["staffing", "plan", str(volumes), "--shrinkage", "0.3",
                               "--output", str(plan)])
    assert done.exit_code == 0, done.output
    # 40 Erlangs at 80% in 20 s with a 300 s handle time: 46 agents (Erlang C tables),
    # 66 to schedule with 30% shrinkage.
    first = next(line for line in done.output.splitlines() if line.startswith("08:00"))
    assert first.split()[1:4] == ["40.0", "46", "66"]
    assert "gap -6" in first
    rows = plan.read_text().splitlines()
    assert rows[1].startswith("08:00,erlang_c,40.000,46,66,")
    assert "peak 66 scheduled agents" in done.output


def test_staffing_plan_uses_erlang_a_when_patience_is_given(tmp_path: Path) -> None:
    volumes = _volumes(tmp_path, "interval_start,volume,aht_s,patience_s\n08:00,120,300,60\n")
    plan = tmp_path / "plan.csv"
    done = runner.invoke(app, ["staffing", "plan", str(volumes), "--output", str(plan)])
    assert done.exit_code == 0, done.output
    model, agents = plan.read_text().splitlines()[1].split(",")[1:4:2]
    assert model == "erlang_a"
    assert int(agents) < 46  # customers who hang up shorten the queue


def test_staffing_plan_names_the_bad_line_and_column(tmp_path: Path) -> None:
    bad = ringway("staffing", "plan", str(_volumes(
        tmp_path, "interval_start,volume,aht_s\n08:00,12,300\n08:15,lots,300\n")))
    assert bad.returncode == exitcodes.DATA_ERROR
    assert bad.stderr.strip() == "line 3: volume: not a number: 'lots'"
    missing = runner.invoke(app, ["staffing", "plan", str(_volumes(
        tmp_path, "interval_start,volume\n08:00,12\n"))])
    assert missing.exit_code == exitcodes.DATA_ERROR
    negative = runner.invoke(app, ["staffing", "plan", str(_volumes(
        tmp_path, "interval_start,volume,aht_s\n08:00,12,-5\n"))])
    assert negative.exit_code == exitcodes.DATA_ERROR
