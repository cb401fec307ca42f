"""Every `ringway` command line the deploy files run exists and parses (no typo ships)."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

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


@pytest.mark.parametrize("line", _scripts(), ids=" ".join)
def test_each_command_line_parses(line: list[str]) -> None:
    # --help is eager: the command and every option before it must exist and parse.
    done = runner.invoke(app, [*line, "--help"])
    assert done.exit_code == 0, done.output
