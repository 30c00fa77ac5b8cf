"""A Kafka broker and a PostgreSQL cluster of the fault tier's own, to restart at will.

The shared broker (127.0.0.1:9092) and PostgreSQL (:5432) serve everyone's tests; the
restart cases never touch them. The broker is deploy/local/kafka.sh with its own ports and
state directory; the cluster is `initdb` + `pg_ctl` as the postgres user in a temp dir.
"""

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.processes import free_port

REPO = Path(__file__).resolve().parents[2]
KAFKA_SH = REPO / "deploy" / "local" / "kafka.sh"


@dataclass
class OwnKafka:
    """A second single-node broker on free ports (kafka.sh start/stop with overrides)."""

    state: Path
    port: int = 0
    controller_port: int = 0

    def __post_init__(self) -> None:
        self.port = self.port or free_port()
        self.controller_port = self.controller_port or free_port()

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _env(self) -> dict[str, str]:
        return {
            **os.environ,
            "KAFKA_PORT": str(self.port),
            "KAFKA_CONTROLLER_PORT": str(self.controller_port),
            "OPSLEDGER_VAR_DIR": str(self.state),
            "KAFKA_HEAP_OPTS": "-Xms256m -Xmx512m",
        }

    def _sh(self, action: str) -> None:
        done = subprocess.run(
            [str(KAFKA_SH), action], env=self._env(), capture_output=True, text=True, timeout=240
        )
        if done.returncode != 0:
            raise RuntimeError(f"kafka.sh {action} failed:\n{done.stderr[-3000:]}")

    def start(self) -> None:
        self._sh("start")

    def stop(self) -> None:
        self._sh("stop")


def _as_postgres(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    cmd = list(args)
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd="/")


def _pg_bin() -> Path:
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3])
    )
    if not versions:
        raise RuntimeError("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin")
    return versions[-1].parent


@dataclass
class OwnPostgres:
    """A second PostgreSQL cluster (initdb into a temp dir, trust on 127.0.0.1)."""

    root: Path
    port: int = 0

    def __post_init__(self) -> None:
        self.port = self.port or free_port()
        self.bin = _pg_bin()
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"

    @property
    def admin_url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def init(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            pg = pwd.getpwnam("postgres")
            os.chown(self.root, pg.pw_uid, pg.pw_gid)
        done = _as_postgres(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
            "--no-sync", "-E", "UTF8",
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{done.stderr[-3000:]}")

    def start(self) -> None:
        opts = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=200"
        done = _as_postgres(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", opts,
            "-w", "-t", "60", "start",
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl start failed:\n{done.stderr}\n{self._log_tail()}")

    def stop(self, mode: str = "fast") -> None:
        done = _as_postgres(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop"
        )
        if done.returncode != 0 and "is the server running" not in done.stderr:
            raise RuntimeError(f"pg_ctl stop failed:\n{done.stderr}\n{self._log_tail()}")

    def _log_tail(self) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-20:])
        return ""


def _share_test_identity(state: Path) -> None:
    """Give the second broker the tests' passwords (kafka.sh makes only missing ones), so
    the services and clients a fault test starts log in to it as to the main broker."""
    source = os.environ.get("OPSLEDGER_KAFKA_PASSWORD_FILE")
    if not source:
        return
    target = state / "kafka" / "credentials"
    target.mkdir(parents=True, mode=0o700)
    for password in Path(source).parent.glob("*.password"):
        shutil.copyfile(password, target / password.name)
        (target / password.name).chmod(0o600)


@contextlib.contextmanager
def own_kafka() -> Iterator[OwnKafka]:
    state = Path(tempfile.mkdtemp(prefix="opsledger-faults-kafka-"))
    _share_test_identity(state)
    kafka = OwnKafka(state)
    try:
        started = time.monotonic()
        kafka.start()
        print(f"faults: own Kafka broker on {kafka.bootstrap} ({time.monotonic() - started:.0f}s)")
        yield kafka
    finally:
        with contextlib.suppress(Exception):
            kafka.stop()
        shutil.rmtree(state, ignore_errors=True)


@contextlib.contextmanager
def own_postgres() -> Iterator[OwnPostgres]:
    root = Path(tempfile.mkdtemp(prefix="opsledger-faults-pg-"))
    pg = OwnPostgres(root)
    try:
        pg.init()
        pg.start()
        print(f"faults: own PostgreSQL on 127.0.0.1:{pg.port}")
        yield pg
    finally:
        with contextlib.suppress(Exception):
            pg.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)
