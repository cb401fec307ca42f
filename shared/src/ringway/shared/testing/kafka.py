"""A real single-node Apache Kafka (KRaft) broker for tests and local runs, from cached jars."""

from __future__ import annotations

import asyncio
import atexit
import base64
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Self, TypedDict
from xml.sax.saxutils import quoteattr

# aiokafka ships no type information.
from aiokafka.admin import (  # type: ignore[import-untyped,unused-ignore]
    AIOKafkaAdminClient,
    NewTopic,
)

POM_PATH = Path(__file__).with_name("kafka-pom.xml")
READINESS_TOPIC = "ringway-readiness"
READINESS_GROUP = "ringway-readiness"
# Error codes a CreateTopics answer may carry that still mean "the topic is there".
_TOPIC_OK = {0, 36}
# Broker JVM: modest heap (2 cores, tests run alongside), short GC pauses for latency tests.
_BROKER_JVM = ("-Xms256m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20")
# StorageTool runs for a second: C1 only and serial GC make its start-up cheaper.
_TOOL_JVM = ("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")


class KafkaState(TypedDict):
    """What `up` writes to the state file so `down` can re-attach to a detached broker."""

    work_dir: str
    port: int
    controller_port: int
    pid: int
    owns_work_dir: bool


def kafka_version() -> str:
    """Return the Kafka version pinned in kafka-pom.xml."""
    match = re.search(r"<kafka\.version>([^<]+)</kafka\.version>", POM_PATH.read_text())
    if match is None:
        raise RuntimeError(f"no <kafka.version> in {POM_PATH}")
    return match.group(1).strip()


def cache_dir() -> Path:
    """Return the Ringway cache folder (RINGWAY_CACHE_DIR or ~/.cache/ringway)."""
    override = os.environ.get("RINGWAY_CACHE_DIR")
    return Path(override).expanduser() if override else Path.home() / ".cache" / "ringway"


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tail(path: Path, lines: int = 40) -> str:
    """Return the last lines of a text file, or a note when it does not exist."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return f"({path} does not exist)"


def pid_alive(pid: int) -> bool:
    """Tell whether a process exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        # A detached broker's parent is gone; if nobody reaps it, it lingers as a zombie.
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def require_java() -> str:
    """Return the java executable, failing clearly if it is missing or older than 17."""
    java = shutil.which("java")
    if java is None:
        raise RuntimeError("`java` is not on PATH: Kafka 4.x needs a Java 17+ runtime")
    out = subprocess.run([java, "-version"], capture_output=True, text=True, check=False).stderr
    match = re.search(r'version "(\d+)', out)  # Java 8 and older say "1.x": also < 17
    if match is not None and int(match.group(1)) < 17:
        raise RuntimeError(f"Kafka 4.x needs Java 17+, but `{java} -version` says: {out.strip()}")
    return java


def ensure_jars(version: str | None = None) -> Path:
    """Return the folder of broker jars, downloading them with Maven on first use."""
    version = version or kafka_version()
    home = cache_dir() / f"kafka-{version}"
    libs = home / "libs"
    if libs.is_dir() and any(libs.glob("*.jar")):
        return libs
    mvn = shutil.which("mvn")
    if mvn is None:
        raise RuntimeError(
            f"`mvn` is not on PATH and {libs} holds no jars: install Maven (apt-get install maven) "
            "or copy the Kafka broker jars there"
        )
    home.mkdir(parents=True, exist_ok=True)
    # Download next to the final folder, then rename: a half download never looks cached.
    tmp = Path(tempfile.mkdtemp(prefix=".libs-", dir=home))
    try:
        pom, out = tmp / "pom.xml", tmp / "libs"
        shutil.copyfile(POM_PATH, pom)
        cmd = [mvn, "-q", "-B", "-f", str(pom), "dependency:copy-dependencies"]
        cmd.append(f"-DoutputDirectory={out}")
        # stderr: `up` prints only KEY=VALUE lines on stdout so that `eval` works.
        print(f"ringway: fetching Kafka {version} jars: {' '.join(cmd)}", file=sys.stderr)
        done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=tmp)
        if done.returncode != 0 or not any(out.glob("*.jar")):
            output = (done.stdout + done.stderr)[-4000:]
            raise RuntimeError(f"mvn failed (exit {done.returncode}):\n{output}")
        if libs.is_dir() and not any(libs.iterdir()):
            libs.rmdir()
        try:
            out.rename(libs)
        except OSError:
            # Another process won the race; its complete folder is as good as ours.
            if not any(libs.glob("*.jar")):
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return libs


def _new_cluster_id() -> str:
    """Return an id like `StorageTool random-uuid` prints, without paying for a JVM start."""
    while True:
        text = base64.urlsafe_b64encode(os.urandom(16)).rstrip(b"=").decode()
        # Kafka's Uuid.randomUuid rejects ids starting with "-" (they read as CLI options).
        if not text.startswith("-"):
            return text


async def _probe(bootstrap: str) -> None:
    """Fail unless metadata, topic creation and the group coordinator all answer."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    try:
        await admin.start()
        if READINESS_TOPIC not in await admin.list_topics():
            answer = await admin.create_topics([NewTopic(READINESS_TOPIC, 1, 1)])
            codes = {entry[1] for entry in answer.topic_errors}
            if not codes <= _TOPIC_OK:
                raise RuntimeError(f"CreateTopics answered {answer.topic_errors}")
        described = await admin.describe_topics([READINESS_TOPIC])
        if not described or described[0]["error_code"] != 0:
            raise RuntimeError(f"{READINESS_TOPIC} is not described yet: {described}")
        partitions = described[0]["partitions"]
        if not partitions or partitions[0]["leader"] < 0:
            raise RuntimeError(f"{READINESS_TOPIC} has no leader yet: {described}")
        # Raises (COORDINATOR_NOT_AVAILABLE) until __consumer_offsets has a leader.
        await admin.find_coordinator(READINESS_GROUP)
    finally:
        await admin.close()


def _run_probe(bootstrap: str, timeout: float) -> None:
    """Run the probe on a private loop in a thread, so it also works under a running loop."""
    errors: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(asyncio.wait_for(_probe(bootstrap), timeout))
        except BaseException as exc:  # noqa: BLE001 - handed back to the calling thread
            errors.append(exc)

    worker = threading.Thread(target=target, name="kafka-readiness", daemon=True)
    worker.start()
    worker.join(timeout + 5)
    if worker.is_alive():
        raise TimeoutError("readiness probe hung")
    if errors:
        raise errors[0]


class LocalKafka:
    """One KRaft broker+controller on loopback, with signals for fault tests."""

    def __init__(
        self,
        work_dir: Path | str | None = None,
        *,
        port: int | None = None,
        controller_port: int | None = None,
        start_timeout: float = 90.0,
        heap_max: str = "768m",
        jvm_args: Sequence[str] = (),
        detached: bool = False,
    ) -> None:
        self._owns_work_dir = work_dir is None
        self.work_dir = (
            Path(work_dir) if work_dir else Path(tempfile.mkdtemp(prefix="ringway-kafka-"))
        )
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir = self.work_dir / "data"  # log.dirs
        self.log_path = self.work_dir / "broker.log"  # log4j2, WARN and above
        self.stdout_path = self.work_dir / "broker.out"  # the JVM's stdout and stderr
        self.port = port or free_port()
        self.controller_port = controller_port or free_port()
        self.start_timeout = start_timeout
        self.heap_max = heap_max
        self.jvm_args = tuple(jvm_args)
        self.detached = detached
        self._proc: subprocess.Popen[bytes] | None = None
        self._pid: int | None = None
        self._libs: Path | None = None
        self._closed = False
        if not detached:
            # A crashed test session must not leave a JVM behind.
            atexit.register(self._atexit)

    @property
    def bootstrap_servers(self) -> str:
        """Return the client bootstrap address, e.g. "127.0.0.1:PORT"."""
        return f"127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        """Return the broker's process id while it runs."""
        return self._pid if self._pid is not None and self.is_running() else None

    def is_running(self) -> bool:
        """Tell whether the broker process exists (it may be paused)."""
        if self._proc is not None:
            return self._proc.poll() is None
        return self._pid is not None and pid_alive(self._pid)

    def state(self) -> KafkaState:
        """Return what `attach` needs to control this broker from another process."""
        if self._pid is None:
            raise RuntimeError("broker has not been started")
        return KafkaState(
            work_dir=str(self.work_dir),
            port=self.port,
            controller_port=self.controller_port,
            pid=self._pid,
            owns_work_dir=self._owns_work_dir,
        )

    @classmethod
    def attach(cls, state: KafkaState) -> LocalKafka:
        """Re-attach to a detached broker described by `state()`."""
        kafka = cls(
            state["work_dir"],
            port=state["port"],
            controller_port=state["controller_port"],
            detached=True,
        )
        kafka._owns_work_dir = state["owns_work_dir"]
        kafka._pid = state["pid"]
        return kafka

    def ensure_jars(self) -> Path:
        """Return the cached jar folder, downloading it on first use."""
        if self._libs is None:
            self._libs = ensure_jars()
        return self._libs

    def _write_config(self) -> Path:
        """Write log4j2.xml and server.properties into the work dir."""
        (self.work_dir / "log4j2.xml").write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<Configuration status="WARN" shutdownHook="disable">\n'
            "  <Appenders>\n"
            f'    <File name="file" fileName={quoteattr(str(self.log_path))} append="true">\n'
            '      <PatternLayout pattern="[%d] %p %m (%c)%n"/>\n'
            "    </File>\n"
            "  </Appenders>\n"
            '  <Loggers><Root level="WARN"><AppenderRef ref="file"/></Root></Loggers>\n'
            "</Configuration>\n"
        )
        cport = self.controller_port
        settings = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@127.0.0.1:{cport}",
            "listeners": f"PLAINTEXT://{self.bootstrap_servers},CONTROLLER://127.0.0.1:{cport}",
            "advertised.listeners": f"PLAINTEXT://{self.bootstrap_servers}",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "log.dirs": str(self.data_dir),
            "num.partitions": "4",
            "default.replication.factor": "1",
            "auto.create.topics.enable": "true",
            # With one broker these must be 1, or the group/transaction coordinators never come up.
            "offsets.topic.replication.factor": "1",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            # Fewer internal partitions: the coordinator is ready sooner and the JVM stays small.
            "offsets.topic.num.partitions": "4",
            "transaction.state.log.num.partitions": "4",
            "group.initial.rebalance.delay.ms": "0",
            # After a SIGKILL the restarted broker cannot register until its old session expires.
            "broker.session.timeout.ms": "3000",
            "broker.heartbeat.interval.ms": "500",
        }
        path = self.work_dir / "server.properties"
        path.write_text("".join(f"{key}={value}\n" for key, value in settings.items()))
        return path

    def _java(self, main: str, *args: str, jvm: Sequence[str] = ()) -> list[str]:
        """Build a java command line running `main` on the broker classpath."""
        log4j = f"-Dlog4j2.configurationFile={self.work_dir / 'log4j2.xml'}"
        cp = f"{self.ensure_jars()}/*"
        return [require_java(), *jvm, "-Djava.awt.headless=true", log4j, "-cp", cp, main, *args]

    def prepare(self) -> None:
        """Write the configs and format storage once; a formatted data dir is kept as is."""
        props = self._write_config()
        if (self.data_dir / "meta.properties").exists():
            return
        args = ("format", "-t", _new_cluster_id(), "-c", str(props))
        cmd = self._java("kafka.tools.StorageTool", *args, jvm=_TOOL_JVM)
        done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=self.work_dir)
        if done.returncode != 0:
            output = done.stdout + done.stderr
            raise RuntimeError(f"formatting Kafka storage failed:\n{output}\n{self._logs()}")

    def start(self, timeout: float | None = None) -> None:
        """Launch the broker and block until clients and the group coordinator work."""
        if self._closed:
            raise RuntimeError("LocalKafka is closed")
        if self.is_running():
            raise RuntimeError(f"broker already running (pid {self._pid})")
        self.prepare()
        jvm = (*_BROKER_JVM, f"-Xmx{self.heap_max}", *self.jvm_args)
        cmd = self._java("kafka.Kafka", str(self.work_dir / "server.properties"), jvm=jvm)
        with self.stdout_path.open("ab") as out:
            # Own session: Ctrl-C in a terminal or pytest must not reach the broker mid-test.
            self._proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=self.work_dir,
                start_new_session=True,
            )
        self._pid = self._proc.pid
        try:
            self.wait_ready(timeout if timeout is not None else self.start_timeout)
        except BaseException:
            self.kill()
            raise

    def wait_ready(self, timeout: float | None = None) -> None:
        """Poll until metadata and the group coordinator answer; raise with the log tail."""
        timeout = timeout if timeout is not None else self.start_timeout
        deadline = time.monotonic() + timeout
        last_error: BaseException | None = None
        while (left := deadline - time.monotonic()) > 0:
            if not self.is_running():
                raise RuntimeError(f"Kafka broker exited during start-up:\n{self._logs()}")
            try:
                # A plain connect first: aiokafka logs an error for every refused connection.
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                _run_probe(self.bootstrap_servers, timeout=min(10.0, max(1.0, left)))
                return
            except Exception as exc:  # noqa: BLE001 - any failure just means "not yet"
                last_error = exc
            time.sleep(0.2)
        error = f"Kafka broker not ready after {timeout}s (last error: {last_error!r})"
        raise TimeoutError(f"{error}:\n{self._logs()}")

    def _logs(self) -> str:
        """Return the tails of both broker logs for error messages."""
        return "\n".join(f"--- {path}\n{tail(path)}" for path in (self.log_path, self.stdout_path))

    def _signal(self, signum: signal.Signals) -> None:
        """Send a signal to the broker's process group."""
        if self._pid is None or not self.is_running():
            raise RuntimeError("broker is not running")
        os.killpg(self._pid, signum)

    def _wait_exit(self, timeout: float) -> bool:
        """Wait for the broker process to end; return False on timeout."""
        if self._proc is not None:
            try:
                self._proc.wait(timeout)
            except subprocess.TimeoutExpired:
                return False
            return True
        deadline = time.monotonic() + timeout
        while self.is_running():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)
        return True

    def stop(self, timeout: float = 60.0) -> None:
        """Shut the broker down cleanly (SIGTERM); SIGKILL it after `timeout` seconds."""
        if not self.is_running():
            return
        assert self._pid is not None
        os.killpg(self._pid, signal.SIGCONT)  # a paused JVM cannot handle SIGTERM
        os.killpg(self._pid, signal.SIGTERM)
        if not self._wait_exit(timeout):
            self.kill()

    def kill(self) -> None:
        """Crash the broker (SIGKILL) and wait until it is gone."""
        if not self.is_running():
            return
        assert self._pid is not None
        os.killpg(self._pid, signal.SIGKILL)
        self._wait_exit(30.0)

    def pause(self) -> None:
        """Freeze the broker (SIGSTOP): connections stay open but nothing answers."""
        self._signal(signal.SIGSTOP)

    def resume(self) -> None:
        """Unfreeze a paused broker (SIGCONT)."""
        self._signal(signal.SIGCONT)

    def restart(self, timeout: float | None = None) -> None:
        """Stop the broker if it runs, then start it on the same ports and data."""
        self.stop()
        self.start(timeout)

    def close(self) -> None:
        """Stop the broker and delete the work dir if this object created it."""
        if self._closed:
            return
        self.stop()
        self._closed = True
        if self._owns_work_dir:
            shutil.rmtree(self.work_dir, ignore_errors=True)

    def _atexit(self) -> None:
        """Kill, not stop: interpreter exit should not wait for a controlled shutdown."""
        if not self.detached:
            self.kill()
            self.close()

    def __enter__(self) -> Self:
        if not self.is_running():
            self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
