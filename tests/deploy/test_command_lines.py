"""Every `ringway` command line the deploy files run exists and parses (no typo ships)."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from ringway.cli import exitcodes
from ringway.cli.main import app
from tests.deploy.kustomize import render

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def _scripts() -> list[list[str]]:
    """Argument lists of every ringway invocation in compose and the Kubernetes base."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    found = [s["command"] for s in compose.values() if s.get("image", "").startswith("${RING")]
    for obj in render(ROOT / "deploy/base"):
        if obj["kind"] in ("Deployment", "Job"):
            found += [c["args"] for c in obj["spec"]["template"]["spec"]["containers"]]
    lines: list[list[str]] = []
    for args in found:
        if len(args) == 1:  # a shell script: `ringway a && ringway b`
            text = args[0].replace('"$TOPIC_REPLICATION_FACTOR"', "3")
            lines += [shlex.split(part)[1:] for part in text.split("&&")]
        else:
            lines.append(list(args))
    return lines


def test_deploy_files_run_the_commands_they_mean() -> None:
    lines = {" ".join(line) for line in _scripts()}
    assert {"serve routing", "serve dialer", "serve selfservice", "serve metrics", "migrate",
            "topics create --replication-factor 3", "topics create --replication-factor 1",
            } <= lines


@pytest.fixture
def nowhere(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, restore_logging: None) -> None:
    """Settings that make every command stop quickly after parsing: no broker, no secret."""
    for name in list(os.environ):
        if name.startswith(("RINGWAY_", "DATABASE_", "KAFKA_", "ROUTING_", "DIALER_",
                            "SELFSERVICE_", "METRICS_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("RINGWAY_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1")


def run(line: list[str]) -> int:
    """Exit code of the command line; 2 (and only 2) means it did not parse."""
    return runner.invoke(app, [*line, "--timeout", "1"] if line[0] == "topics" else line).exit_code


@pytest.mark.parametrize("line", _scripts(), ids=" ".join)
def test_each_command_line_parses(line: list[str], nowhere: None) -> None:
    # serve: 78 (no secret); topics: 69 (no broker); migrate: 0 (SQLite in tmp).
    assert run(line) in (exitcodes.OK, exitcodes.UNAVAILABLE, exitcodes.CONFIG)


@pytest.mark.parametrize("line", [["serve", "routng"], ["topics", "create", "--replicas", "1"],
                                  ["migrat"], ["topics", "create", "--replication-factor", "0"]])
def test_a_typo_in_a_command_line_fails_as_a_usage_error(line: list[str], nowhere: None) -> None:
    assert run(line) == exitcodes.USAGE
