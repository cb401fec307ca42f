"""A throw-away PostgreSQL server on loopback for tests and local runs (initdb + pg_ctl)."""

from __future__ import annotations

import atexit
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Self, TypedDict

DEFAULT_DATABASE = "ringway"
SUPERUSER = "postgres"
_DB_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class PostgresState(TypedDict):
    """What `up` writes to the state file so `down` can re-attach to a detached server."""

    work_dir: str
    port: int
    bin_dir: str
    owns_work_dir: bool


def _free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _version_key(path: Path) -> tuple[int, ...]:
    """Sort /usr/lib/postgresql/<version>/bin folders by version."""
    return tuple(int(part) for part in re.findall(r"\d+", path.parent.name))


def find_bin_dir() -> Path | None:
    """Return the folder holding initdb and pg_ctl, or None if PostgreSQL is not installed."""
    initdb = shutil.which("initdb")
    if initdb is not None:
        # Follow symlinks: /usr/local/bin/initdb may point into /usr/lib/postgresql/N/bin.
        folder = Path(initdb).resolve().parent
        if (folder / "pg_ctl").exists():
            return folder
    candidates = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").exists()]
    return max(candidates, key=_version_key) if candidates else None


def ensure_installed() -> Path:
    """Return the PostgreSQL bin folder, installing Debian's package when missing and root."""
    found = find_bin_dir()
    if found is not None:
        return found
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise RuntimeError("PostgreSQL (initdb, pg_ctl) is missing: `apt-get install postgresql`")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update"], ["apt-get", "install", "-y", "postgresql"]):
        # stderr: `up` prints only KEY=VALUE lines on stdout so that `eval` works.
        print(f"ringway: PostgreSQL not found, running: {' '.join(cmd)}", file=sys.stderr)
        subprocess.run(cmd, check=True, env=env, stdout=2)  # fd 2 = stderr
    found = find_bin_dir()
    if found is None:
        raise RuntimeError("installed the postgresql package but still cannot find initdb/pg_ctl")
    return found


def _ensure_postgres_user() -> pwd.struct_passwd:
    """Return the `postgres` system user, creating it if needed (the server refuses root)."""
    try:
        return pwd.getpwnam(SUPERUSER)
    except KeyError:
        print(f"ringway: creating system user {SUPERUSER}", file=sys.stderr)
        subprocess.run(["useradd", "--system", "--no-create-home", SUPERUSER], check=True)
        return pwd.getpwnam(SUPERUSER)


class LocalPostgres:
    """One PostgreSQL server in a temp dir, on 127.0.0.1 with trust auth, tuned for speed."""

    def __init__(
        self,
        work_dir: Path | str | None = None,
        *,
        port: int | None = None,
        start_timeout: float = 60.0,
        detached: bool = False,
    ) -> None:
        self._owns_work_dir = work_dir is None
        # Not under ~ by default: as root, the `postgres` user could not traverse /root.
        self.work_dir = Path(work_dir) if work_dir else Path(tempfile.mkdtemp(prefix="ringway-pg-"))
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.port = port or _free_port()
        self.start_timeout = start_timeout
        self.detached = detached
        self._bin: Path | None = None
        self._closed = False
        if not detached:
            # A crashed test session must not leave a server behind.
            atexit.register(self._atexit)

    # -- paths and state ---------------------------------------------------------------------

    @property
    def data_dir(self) -> Path:
        """Return the cluster's data directory."""
        return self.work_dir / "pg" / "data"

    @property
    def socket_dir(self) -> Path:
        """Return the unix socket directory."""
        return self.work_dir / "pg" / "run"

    @property
    def log_path(self) -> Path:
        """Return the server log file."""
        return self.work_dir / "pg" / "server.log"

    @property
    def url(self) -> str:
        """Return the SQLAlchemy async URL of the default database."""
        return self.url_for(DEFAULT_DATABASE)

    def url_for(self, name: str) -> str:
        """Return the SQLAlchemy async URL of database `name`."""
        return f"postgresql+asyncpg://{SUPERUSER}@127.0.0.1:{self.port}/{name}"

    def dsn(self, name: str = DEFAULT_DATABASE) -> str:
        """Return a libpq/asyncpg DSN for database `name`."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{name}"

    def state(self) -> PostgresState:
        """Return what `attach` needs to control this server from another process."""
        return PostgresState(
            work_dir=str(self.work_dir),
            port=self.port,
            bin_dir=str(self.bin_dir),
            owns_work_dir=self._owns_work_dir,
        )

    @classmethod
    def attach(cls, state: PostgresState) -> LocalPostgres:
        """Re-attach to a detached server described by `state()`."""
        pg = cls(state["work_dir"], port=state["port"], detached=True)
        pg._owns_work_dir = state["owns_work_dir"]
        pg._bin = Path(state["bin_dir"])
        return pg

    # -- commands ------------------------------------------------------------------------------

    @property
    def bin_dir(self) -> Path:
        """Return the PostgreSQL bin folder, installing the server on first use if needed."""
        if self._bin is None:
            self._bin = ensure_installed()
        return self._bin

    @staticmethod
    def _as_root() -> bool:
        return os.geteuid() == 0

    def _server_cmd(self, tool: str, *args: str) -> list[str]:
        """Build a server-side command, run as `postgres` when we are root."""
        cmd = [str(self.bin_dir / tool), *args]
        return ["runuser", "-u", SUPERUSER, "--", *cmd] if self._as_root() else cmd

    def _run(self, cmd: list[str], what: str) -> subprocess.CompletedProcess[str]:
        """Run a command in the work dir (the `postgres` user cannot read our cwd) or raise."""
        done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=self.work_dir)
        if done.returncode != 0:
            output = done.stdout + done.stderr
            raise RuntimeError(
                f"{what} failed (exit {done.returncode}):\n{output}\n{self._log_tail()}"
            )
        return done

    def _log_tail(self, lines: int = 30) -> str:
        """Return the end of the server log for error messages."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return f"({self.log_path} is not readable)"
        return f"--- {self.log_path}\n" + "\n".join(text.splitlines()[-lines:])

    def init(self) -> None:
        """Create the cluster once: initdb, loopback-only trust auth, speed-over-safety settings."""
        if (self.data_dir / "PG_VERSION").exists():
            return
        pg_root = self.work_dir / "pg"
        for folder in (pg_root, self.data_dir, self.socket_dir):
            folder.mkdir(parents=True, exist_ok=True)
        if self._as_root():
            user = _ensure_postgres_user()
            # The server runs as `postgres`: it must reach the work dir and own all of pg/.
            self.work_dir.chmod(0o755)
            for folder in (pg_root, self.data_dir, self.socket_dir):
                os.chown(folder, user.pw_uid, user.pw_gid)
        self.data_dir.chmod(0o700)
        self._run(
            self._server_cmd(
                "initdb",
                "-D",
                str(self.data_dir),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
                "--no-instructions",
            ),
            "initdb",
        )
        # Files below keep the owner initdb gave them: we append/overwrite, never recreate.
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.write(
                "\n# ringway.shared.testing: local test server, durability traded for speed\n"
                "listen_addresses = '127.0.0.1'\n"
                f"port = {self.port}\n"
                f"unix_socket_directories = '{self.socket_dir}'\n"
                "max_connections = 200\n"
                "fsync = off\n"
                "synchronous_commit = off\n"
                "full_page_writes = off\n"
            )
        with (self.data_dir / "pg_hba.conf").open("w") as hba:
            hba.write(
                "# TYPE  DATABASE  USER  ADDRESS       METHOD\n"
                "local   all       all                 trust\n"
                "host    all       all   127.0.0.1/32  trust\n"
            )

    # -- lifecycle -----------------------------------------------------------------------------

    def is_running(self) -> bool:
        """Tell whether the server is up (pg_ctl status)."""
        if not (self.data_dir / "PG_VERSION").exists():
            return False
        cmd = self._server_cmd("pg_ctl", "status", "-D", str(self.data_dir))
        return (
            subprocess.run(cmd, capture_output=True, check=False, cwd=self.work_dir).returncode == 0
        )

    def start(self, timeout: float | None = None) -> None:
        """Create the cluster if needed, start it, wait until ready, create the default database."""
        if self._closed:
            raise RuntimeError("LocalPostgres is closed")
        self.init()
        self._pg_ctl_start(timeout)
        self.create_database(DEFAULT_DATABASE)

    def start_again(self, timeout: float | None = None) -> None:
        """Start a stopped server on the same port and data (for fault tests)."""
        if not (self.data_dir / "PG_VERSION").exists():
            raise RuntimeError("start_again() needs a server that was started before")
        self._pg_ctl_start(timeout)

    def _pg_ctl_start(self, timeout: float | None) -> None:
        """Run `pg_ctl start -w`, which returns once the server accepts connections."""
        wait = int(timeout if timeout is not None else self.start_timeout)
        cmd = self._server_cmd(
            "pg_ctl",
            "start",
            "-w",
            "-t",
            str(wait),
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_path),
        )
        self._run(cmd, "pg_ctl start")
        ready = [
            str(self.bin_dir / "pg_isready"),
            "-q",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-t",
            str(wait),
        ]
        self._run(ready, "pg_isready")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (`fast` by default; `immediate` simulates a crash)."""
        if not self.is_running():
            return
        self._run(
            self._server_cmd("pg_ctl", "stop", "-w", "-m", mode, "-D", str(self.data_dir)),
            "pg_ctl stop",
        )

    def create_database(self, name: str) -> str:
        """Create database `name` if it does not exist and return its SQLAlchemy async URL."""
        if not _DB_NAME.match(name):
            raise ValueError(f"database name {name!r} must match {_DB_NAME.pattern}")
        psql = [
            str(self.bin_dir / "psql"),
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            self.dsn("postgres"),
        ]
        exists = self._run(
            [*psql, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"], "psql"
        )
        if exists.stdout.strip() != "1":
            self._run([*psql, "-c", f'CREATE DATABASE "{name}"'], f"CREATE DATABASE {name}")
        return self.url_for(name)

    def close(self) -> None:
        """Stop the server and delete the work dir if this object created it."""
        if self._closed:
            return
        self.stop("immediate")
        self._closed = True
        if self._owns_work_dir:
            shutil.rmtree(self.work_dir, ignore_errors=True)

    def _atexit(self) -> None:
        """Stop an un-closed, non-detached server when the interpreter exits."""
        if not self.detached and not self._closed:
            self.close()

    def __enter__(self) -> Self:
        if not self.is_running():
            self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
