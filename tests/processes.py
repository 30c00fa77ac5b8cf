"""Run services as real OS processes (`opsledger serve`) for end-to-end tests."""

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import httpx

CLI = str(Path(sys.executable).parent / "opsledger")


def random_key() -> str:
    """A fresh token key: a literal key in the repository is refused by every service."""
    return secrets.token_urlsafe(48)


TEST_SECRET = random_key()  # one per test run, shared by the processes and the tests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ServiceProcess:
    service: str
    port: int
    proc: subprocess.Popen[bytes]
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def kill(self) -> None:
        """SIGKILL: no graceful shutdown, like a crashed machine."""
        with contextlib.suppress(ProcessLookupError):
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


def service_env(
    database_url: str, kafka: str, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    env = {
        **os.environ,
        "OPSLEDGER_DATABASE_URL": database_url,
        "OPSLEDGER_KAFKA_BOOTSTRAP_SERVERS": kafka,
        "OPSLEDGER_AUTH_SECRET": TEST_SECRET,
        "OPSLEDGER_LOG_FORMAT": "json",
        "OPSLEDGER_POLL_INTERVAL_SECONDS": "0.05",
        # Topics of their own, so tests sharing one broker never see each other's events.
        "OPSLEDGER_KAFKA_TOPIC_PREFIX": f"test{uuid4().hex[:8]}.",
    }
    env.update(extra or {})
    return env


def start_service(
    service: str, env: Mapping[str, str], log_dir: Path, port: int | None = None
) -> ServiceProcess:
    port = port or free_port()
    log_path = log_dir / f"{service}-{port}-{time.monotonic_ns()}.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [CLI, "serve", service, "--port", str(port)],
            env=dict(env),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    return ServiceProcess(service, port, proc, log_path)


def wait_until(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def answers(url: str, code: int) -> Callable[[], bool]:
    """A predicate for `wait_until`: does GET `url` answer `code` now?"""
    return lambda: status(url) == code


def status(url: str) -> int:
    try:
        return httpx.get(url, timeout=5).status_code
    except httpx.HTTPError:
        return 0


@contextlib.contextmanager
def running(
    services: list[str], env: Mapping[str, str], log_dir: Path, ready_within: float = 60
) -> Iterator[dict[str, ServiceProcess]]:
    """Start services, wait for /health, stop them all afterwards (whatever happens)."""
    procs = {s: start_service(s, env, log_dir) for s in services}
    try:
        for p in procs.values():
            try:
                wait_until(
                    answers(f"{p.url}/health", 200),
                    ready_within,
                    f"{p.service} /health",
                )
            except AssertionError as exc:
                raise AssertionError(f"{exc}\n--- {p.service} log ---\n{p.log_tail()}") from None
        yield procs
    finally:
        for p in procs.values():
            p.stop()
