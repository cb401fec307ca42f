"""The container image, checked statically (no Docker engine runs here)."""

from __future__ import annotations

import fnmatch
import re
import socket
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import httpx
import pytest

from ringway.cli.embedded import create_embedded_app
from ringway.shared.web.auth import Authenticator
from tests.deploy.dockerfile_lint import copy_sources, problems, stages

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
GOOD_TAIL = """
FROM python:3.11.14-slim-bookworm
USER 10001
HEALTHCHECK CMD ["python", "/h.py"]
ENTRYPOINT ["ringway"]
"""


def test_dockerfile_follows_the_rules() -> None:
    assert problems(DOCKERFILE) == []


def test_image_builds_in_stages_and_runs_one_entrypoint_unprivileged() -> None:
    built = stages(DOCKERFILE)
    assert [s.name for s in built] == ["build", "runtime"]
    final = built[-1]
    assert final.last("USER") == "10001:10001"
    assert final.last("ENTRYPOINT") == '["ringway"]'
    assert final.last("STOPSIGNAL") == "SIGTERM"
    assert "/opt/ringway/healthcheck.py" in (final.last("HEALTHCHECK") or "")
    # The runtime stage installs nothing: no compiler or pip cache reaches the image.
    assert not [args for kw, args in final.instructions if kw == "RUN" and "pip" in args]


@pytest.mark.parametrize(("dockerfile", "complaint"), [
    ("FROM python:latest AS b\n" + GOOD_TAIL, "pin an exact version"),
    ("FROM python:3.11-slim AS b\n" + GOOD_TAIL, "pin an exact version"),
    ("FROM python:3.11.14-slim\nHEALTHCHECK CMD [\"x\"]\n", "single stage"),
    ("FROM python:3.11.14 AS b\n" + GOOD_TAIL.replace("USER 10001", "USER root"), "as root"),
    ("FROM python:3.11.14 AS b\n" + GOOD_TAIL + "RUN echo hi\n", "RUN after USER"),
    ("FROM python:3.11.14 AS b\n" + GOOD_TAIL.replace('["ringway"]', "ringway serve"),
     "shell form"),
    ("FROM python:3.11.14 AS b\n" + GOOD_TAIL + "ENV DB_PASSWORD=hunter2\n", "secrets"),
    ("FROM python:3.11.14 AS b\nRUN curl -s https://x.sh | sh\n" + GOOD_TAIL, "pipes"),
    ("FROM python:3.11.14 AS b\n" + GOOD_TAIL.replace("HEALTHCHECK", "LABEL x=y #"),
     "no HEALTHCHECK"),
])
def test_lint_catches_a_bad_dockerfile(dockerfile: str, complaint: str) -> None:
    assert any(complaint in problem for problem in problems(dockerfile)), problems(dockerfile)


def _ignored(path: str, rules: list[str]) -> bool:
    """Docker's rule: the last matching pattern wins; `!` re-includes."""
    ignored = False
    parts = path.strip("/").split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for rule in rules:
        negate, pattern = rule.startswith("!"), rule.lstrip("!").strip("/")
        if any(fnmatch.fnmatch(c, pattern) for c in candidates):
            ignored = not negate
    return ignored


def test_everything_the_build_copies_exists_and_is_in_the_build_context() -> None:
    rules = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    sources = copy_sources(DOCKERFILE)
    assert sources
    for source in sources:
        assert (ROOT / source).exists(), source
        assert not _ignored(source, rules), f"{source} is excluded by .dockerignore"
    for secret in ("data/auth.json", ".venv/bin/python", ".git/config", "data/routing.db"):
        assert _ignored(secret, rules), f"{secret} would be sent to the build"


def _pins(pyproject: Path) -> dict[str, str]:
    deps = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
    pinned = (re.match(r"([\w-]+)(\[[\w,]+\])?==([\w.]+)", d) for d in deps)
    return {_canonical(m[1]): m[3] for m in pinned if m and not m[1].startswith("ringway-")}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_image_constraints_agree_with_every_pyproject_pin() -> None:
    lines = (ROOT / "deploy/image/constraints.txt").read_text().splitlines()
    locked = {_canonical(name): version for name, version in
              (line.split("==") for line in lines if line and not line.startswith("#"))}
    projects = [ROOT / "shared", ROOT / "cli", *(ROOT / "services").iterdir()]
    for project in projects:
        for name, version in _pins(project / "pyproject.toml").items():
            assert locked.get(name) == version, (
                f"{project.name} pins {name}=={version}, image has {locked.get(name)}: "
                "run scripts/lock-image.sh")


class _Probe(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/healthz" else 503)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def probe_server() -> Iterator[int]:
    server = HTTPServer(("127.0.0.1", 0), _Probe)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


def _healthcheck(port: int, *args: str) -> int:
    script = ROOT / "deploy/image/healthcheck.py"
    return subprocess.run([sys.executable, str(script), *args], env={"PORT": str(port)},
                          check=False, timeout=10).returncode


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_container_healthcheck_exits_by_the_answer_of_the_probe(probe_server: int) -> None:
    assert _healthcheck(probe_server) == 0
    assert _healthcheck(probe_server, "/readyz") == 1
    assert _healthcheck(_closed_port()) == 1


async def test_embedded_mode_answers_the_image_healthcheck_path(tmp_path: Path) -> None:
    """The image's default command is `ringway run`; its healthcheck asks /healthz."""
    app = create_embedded_app(tmp_path, Authenticator("s" * 40, admin_api_key="a" * 32))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://ringway") as client:
        answer = await client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "service": "embedded"}
