"""`ringway run` (what `make run` starts): one process, four services, Ctrl-C, data reused."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

SERVICES = ("routing", "dialer", "selfservice", "metrics")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def embedded(data_dir: Path, port: int) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RINGWAY_", "DATABASE_",
                                                                      "KAFKA_"))}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ringway.cli", "run", "--port", str(port),
         "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip())
            if "Ctrl-C stops it." in line:
                break
        wait_healthy(port, proc, lines)
        yield proc, lines
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def wait_healthy(port: int, proc: subprocess.Popen[str], lines: list[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "\n".join(lines)
        try:
            if httpx.get(f"http://127.0.0.1:{port}/routing/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("embedded mode did not answer within 60 s:\n" + "\n".join(lines))


def stop_with_ctrl_c(proc: subprocess.Popen[str]) -> int:
    proc.send_signal(signal.SIGINT)
    return proc.wait(timeout=30)


def test_run_starts_all_services_prints_key_once_and_reuses_data(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with embedded(tmp_path, port) as (proc, lines):
        printed = "\n".join(lines)
        keys = re.findall(r"rw_admin_[\w-]+", printed)
        assert len(keys) == 1, printed
        for name in SERVICES:
            assert f"{base}/{name}/docs" in printed
            assert httpx.get(f"{base}/{name}/healthz").json()["service"] == name
        created = httpx.post(f"{base}/routing/agents", headers={"X-API-Key": keys[0]},
                             json={"display_name": "Dana", "skills": {"billing": 5}})
        assert created.status_code == 201
        agent_id = created.json()["id"]
        assert stop_with_ctrl_c(proc) == 0
    assert oct((tmp_path / "auth.json").stat().st_mode & 0o777) == "0o600"
    assert keys[0] not in (tmp_path / "auth.json").read_text()

    with embedded(tmp_path, port) as (proc, lines):
        assert not re.findall(r"rw_admin_[\w-]+", "\n".join(lines))
        again = httpx.get(f"{base}/routing/agents/{agent_id}", headers={"X-API-Key": keys[0]})
        assert again.status_code == 200
        assert again.json()["display_name"] == "Dana"
        assert stop_with_ctrl_c(proc) == 0
