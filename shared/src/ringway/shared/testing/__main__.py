"""CLI: `python -m ringway.shared.testing up|down|status` for a long-lived local Kafka + PostgreSQL.

The servers run detached; their ports, dirs and pids live in ~/.cache/ringway/local-infra.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TypedDict

from ringway.shared.testing.kafka import KafkaState, LocalKafka, cache_dir
from ringway.shared.testing.postgres import LocalPostgres, PostgresState


class InfraState(TypedDict):
    """The state file: enough to re-attach to both detached servers."""

    kafka: KafkaState
    postgres: PostgresState


def state_path() -> Path:
    """Return the state file location (~/.cache/ringway/local-infra.json)."""
    return cache_dir() / "local-infra.json"


def _load() -> InfraState | None:
    """Read the state file, or None if there is none."""
    try:
        state: InfraState = json.loads(state_path().read_text())
    except FileNotFoundError:
        return None
    return state


def _save(state: InfraState) -> None:
    """Write the state file atomically."""
    path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=2) + "\n")
    os.replace(tmp, path)


def _env_lines(kafka: LocalKafka, pg: LocalPostgres) -> str:
    """Return the lines `eval "$(python -m ringway.shared.testing up)"` consumes."""
    return f"KAFKA_BOOTSTRAP_SERVERS={kafka.bootstrap_servers}\nDATABASE_URL={pg.url}"


def _attach(state: InfraState) -> tuple[LocalKafka, LocalPostgres]:
    """Re-attach to both servers described by the state file."""
    return LocalKafka.attach(state["kafka"]), LocalPostgres.attach(state["postgres"])


def _down(state: InfraState) -> None:
    """Stop both servers, delete their work dirs and the state file."""
    kafka, pg = _attach(state)
    try:
        kafka.close()
    finally:
        pg.close()
        state_path().unlink(missing_ok=True)


def cmd_up() -> int:
    """Start Kafka and PostgreSQL in the background (or reuse running ones); print addresses."""
    old = _load()
    if old is not None:
        kafka, pg = _attach(old)
        if kafka.is_running() and pg.is_running():
            print(_env_lines(kafka, pg))
            return 0
        print("ringway: stale local infra state, cleaning up first", file=sys.stderr)
        _down(old)
    kafka = LocalKafka(detached=True)
    pg = LocalPostgres(detached=True)
    try:
        kafka.start()
        pg.start()
        _save(InfraState(kafka=kafka.state(), postgres=pg.state()))
    except BaseException:
        # Half an environment is worse than none: undo whatever did start.
        kafka.close()
        pg.close()
        raise
    print(_env_lines(kafka, pg))
    return 0


def cmd_down() -> int:
    """Stop the background servers and clean up."""
    state = _load()
    if state is None:
        print("ringway: local infra is not up", file=sys.stderr)
        return 0
    _down(state)
    print("ringway: local infra stopped", file=sys.stderr)
    return 0


def cmd_status() -> int:
    """Print whether the background servers run; exit 1 unless both do."""
    state = _load()
    if state is None:
        print("ringway: local infra is not up", file=sys.stderr)
        return 1
    kafka, pg = _attach(state)
    kafka_up, pg_up = kafka.is_running(), pg.is_running()
    pid = state["kafka"]["pid"]
    print(f"kafka: {'running' if kafka_up else 'NOT running'} pid={pid} dir={kafka.work_dir}")
    print(f"postgres: {'running' if pg_up else 'NOT running'} dir={pg.work_dir}")
    print(_env_lines(kafka, pg))
    return 0 if kafka_up and pg_up else 1


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command."""
    parser = argparse.ArgumentParser(prog="python -m ringway.shared.testing", description=__doc__)
    parser.add_argument("command", choices=["up", "down", "status"])
    args = parser.parse_args(argv)
    commands = {"up": cmd_up, "down": cmd_down, "status": cmd_status}
    return commands[args.command]()


if __name__ == "__main__":
    sys.exit(main())
