"""deploy/local/*.sh: the scripts that run Kafka, PostgreSQL and the services without Docker.

The Kafka and run.sh tests use their own state directory and free ports, so they never touch
the broker that `make test` started on 9092. run.sh is exercised with a stand-in service
(OPSLEDGER_SERVE_CMD) so that its process handling is tested on its own: start, readiness,
stop on a signal, restart of a killed service with backoff, giving up on one that keeps
crashing, SIGKILL for a service that ignores SIGTERM, `--stop` (make down) by pid file only,
and stopping only the Kafka it started itself.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.infra.children import default_signals

REPO = Path(__file__).resolve().parents[2]
LOCAL = REPO / "deploy" / "local"
KAFKA_SH = LOCAL / "kafka.sh"
POSTGRES_SH = LOCAL / "postgres.sh"
RUN_SH = LOCAL / "run.sh"
AUTH_KEY_SH = LOCAL / "auth-key.sh"
SCRIPTS = [
    AUTH_KEY_SH,
    KAFKA_SH,
    POSTGRES_SH,
    RUN_SH,
    LOCAL / "hog.sh",
    REPO / "deploy" / "prometheus" / "install-promtool.sh",
    REPO / "deploy" / "docker" / "install-compose-cli.sh",
    REPO / ".ci" / "run",
]
SERVICES = ["callcenter", "dispatch", "fleet", "permits", "secrets_registry", "ledger", "dashboard"]
ALL_UP = f"all {len(SERVICES)} services are up"  # what run.sh logs once every one listens
# run.sh fixes each service's port by name (base + offset), ledger 8106 and dashboard 8107
PORT_OFFSET = {
    "callcenter": 0,
    "dispatch": 1,
    "fleet": 2,
    "permits": 3,
    "secrets_registry": 4,
    "ledger": 5,
    "dashboard": 6,
}

STANDIN = """
import os, signal, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

service = sys.argv[1]

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(service.encode())

    def log_message(self, *args):
        pass

address = (os.environ["OPSLEDGER_HTTP_HOST"], int(os.environ["OPSLEDGER_HTTP_PORT"]))
server = ThreadingHTTPServer(address, Handler)
user = os.environ.get("OPSLEDGER_KAFKA_USERNAME", "")
if os.environ.get("OPSLEDGER_KAFKA_PASSWORD_FILE"):
    with open(os.environ["OPSLEDGER_KAFKA_PASSWORD_FILE"]) as secret:
        assert len(secret.read().strip()) >= 32, "no password of its own"
print(
    f"{service} up kafka={os.environ['OPSLEDGER_KAFKA_BOOTSTRAP_SERVERS']}"
    f" {os.environ.get('OPSLEDGER_KAFKA_SECURITY_PROTOCOL', 'PLAINTEXT')} as {user}",
    flush=True,
)
print(f"{service} key file={os.environ.get('OPSLEDGER_AUTH_SECRET_FILE')}", flush=True)

def on_term(signum, frame):
    if os.environ.get("STANDIN_IGNORE_TERM") == service:
        print(f"{service} ignores TERM", flush=True)
        return
    print(f"{service} stopping", flush=True)
    threading.Thread(target=server.shutdown).start()

signal.signal(signal.SIGTERM, on_term)
if os.environ.get("STANDIN_DIE") == service:
    threading.Timer(1.0, lambda: os._exit(7)).start()
server.serve_forever()
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _free_port_block(size: int) -> int:
    for base in range(21000, 40000, 37):
        ok = True
        for port in range(base, base + size):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    ok = False
                    break
        if ok:
            return base
    raise RuntimeError("no block of free ports")


def _sh(
    script: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(script), *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _pids_matching(needle: str) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if needle in cmdline:
            pids.append(int(entry.name))
    return pids


def _wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_script_is_executable_and_parses(script: Path) -> None:
    assert os.access(script, os.X_OK), f"{script} is not executable"
    subprocess.run(["bash", "-n", str(script)], check=True)
    if shutil.which("shellcheck"):
        result = subprocess.run(["shellcheck", str(script)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout


def test_usage_errors_exit_2() -> None:
    for script in (KAFKA_SH, POSTGRES_SH):
        result = _sh(script, "bogus")
        assert result.returncode == 2
        assert "usage" in result.stderr


# --- Kafka --------------------------------------------------------------------------------


def _own_kafka_env() -> dict[str, str]:
    """The environment without the Kafka identity of the broker the tests run against."""
    return {k: v for k, v in os.environ.items() if not k.startswith("OPSLEDGER_KAFKA_")}


@pytest.fixture
def kafka_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = _own_kafka_env()
    env.update(
        KAFKA_PORT=str(_free_port()),
        KAFKA_CONTROLLER_PORT=str(_free_port()),
        OPSLEDGER_VAR_DIR=str(tmp_path / "var"),
    )
    yield env
    # Never leave a broker behind, whatever the test did.
    subprocess.run([str(KAFKA_SH), "stop"], env=env, capture_output=True, timeout=60)


@pytest.mark.slow
def test_kafka_sh_start_is_idempotent_and_stop_leaves_nothing(kafka_env: dict[str, str]) -> None:
    port = int(kafka_env["KAFKA_PORT"])
    props = f"{kafka_env['OPSLEDGER_VAR_DIR']}/kafka/server.properties"

    started = _sh(KAFKA_SH, "start", env=kafka_env, timeout=200)
    assert started.returncode == 0, started.stderr
    assert _listening(port)
    log = Path(kafka_env["OPSLEDGER_VAR_DIR"], "kafka", "kafka.log").read_text()
    assert "Kafka Server started" in log
    settings = Path(props).read_text()
    assert f"listeners=BROKER://127.0.0.1:{port},CONTROLLER://127.0.0.1:" in settings
    assert "group.initial.rebalance.delay.ms=0" in settings
    # Kafka knows who is talking: SASL on both listeners, deny unless an ACL allows.
    assert (
        "listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,BROKER:SASL_PLAINTEXT" in settings
    )
    assert (
        "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer" in settings
    )
    assert (
        "allow.everyone.if.no.acl.found=false" in settings and "super.users=User:admin" in settings
    )
    state = Path(kafka_env["OPSLEDGER_VAR_DIR"], "kafka")
    assert Path(props).stat().st_mode & 0o777 == 0o600  # it holds the admin password
    assert (state / "credentials").stat().st_mode & 0o777 == 0o700
    for principal in ["admin", *SERVICES]:
        secret = state / "credentials" / f"{principal}.password"
        assert secret.stat().st_mode & 0o777 == 0o600
        assert len(secret.read_text().strip()) >= 32
    assert "ACLs: " in started.stderr
    assert started.stdout.splitlines() == [
        f"OPSLEDGER_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:{port}",
        "OPSLEDGER_KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT",
        "OPSLEDGER_KAFKA_SASL_MECHANISM=SCRAM-SHA-512",
        "OPSLEDGER_KAFKA_USERNAME={service}",
        f"OPSLEDGER_KAFKA_PASSWORD_FILE={state}/credentials/{{service}}.password",
    ]
    admin = _sh(KAFKA_SH, "env", "admin", env=kafka_env)
    assert "OPSLEDGER_KAFKA_USERNAME=admin" in admin.stdout.splitlines()
    assert len(_pids_matching(f"kafka.Kafka {props}")) == 1

    again = _sh(KAFKA_SH, "start", env=kafka_env)
    assert again.returncode == 0
    assert "already running" in again.stderr
    assert len(_pids_matching(f"kafka.Kafka {props}")) == 1

    status = _sh(KAFKA_SH, "status", env=kafka_env)
    assert status.returncode == 0, status.stdout

    stopped = _sh(KAFKA_SH, "stop", env=kafka_env)
    assert stopped.returncode == 0
    assert _pids_matching(f"kafka.Kafka {props}") == []
    assert not _listening(port)
    status = _sh(KAFKA_SH, "status", env=kafka_env)
    assert status.returncode == 3
    assert _sh(KAFKA_SH, "stop", env=kafka_env).returncode == 0


@pytest.mark.slow
def test_kafka_sh_refuses_a_port_taken_by_something_else(kafka_env: dict[str, str]) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", int(kafka_env["KAFKA_PORT"])))
        squatter.listen()
        result = _sh(KAFKA_SH, "start", env=kafka_env)
    assert result.returncode == 1
    assert "already in use" in result.stderr


# --- auth-key.sh: this install's token key ---------------------------------------------------


def test_auth_key_sh_makes_a_private_random_key_once(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "OPSLEDGER_DATA_DIR": str(tmp_path / "a")}
    first = _sh(AUTH_KEY_SH, env=env)
    assert first.returncode == 0, first.stderr
    key_file = Path(first.stdout.strip())
    assert key_file == tmp_path / "a" / "auth-secret"
    assert key_file.stat().st_mode & 0o777 == 0o600
    key = key_file.read_text().strip()
    assert len(key) == 64 and key.isalnum()
    again = _sh(AUTH_KEY_SH, env=env)
    assert again.stdout == first.stdout and key_file.read_text().strip() == key  # kept
    other = _sh(AUTH_KEY_SH, env={**env, "OPSLEDGER_DATA_DIR": str(tmp_path / "b")})
    assert Path(other.stdout.strip()).read_text().strip() != key  # per install
    key_file.chmod(0o644)
    _sh(AUTH_KEY_SH, env=env)
    assert key_file.stat().st_mode & 0o777 == 0o600  # made private again


def test_the_token_command_uses_the_key_auth_key_sh_made(tmp_path: Path) -> None:
    from opsledger.auth import TokenService

    env = {"PATH": "/usr/bin:/bin", "OPSLEDGER_DATA_DIR": str(tmp_path)}
    key = Path(_sh(AUTH_KEY_SH, env=env).stdout.strip()).read_text().strip()
    cli = Path(sys.executable).parent / "opsledger"
    args = ["token", "--staff", "a-1", "--roles", "agent", "--sites", "site-a"]
    minted = subprocess.run(
        [str(cli), *args, "--service", "callcenter"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert minted.returncode == 0, minted.stderr
    principal = TokenService(key, audience="callcenter").verify(minted.stdout.strip())
    assert principal.staff_id == "a-1"


# --- run.sh ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def running_kafka(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A broker of our own that was running before run.sh, so run.sh must leave it alone."""
    env = _own_kafka_env()
    env.update(
        KAFKA_PORT=str(_free_port()),
        KAFKA_CONTROLLER_PORT=str(_free_port()),
        OPSLEDGER_VAR_DIR=str(tmp_path_factory.mktemp("kafka-var")),
    )
    try:
        started = _sh(KAFKA_SH, "start", env=env, timeout=200)
        assert started.returncode == 0, started.stderr
        yield env
    finally:
        subprocess.run([str(KAFKA_SH), "stop"], env=env, capture_output=True, timeout=60)


def _run_env(kafka: dict[str, str], tmp_path: Path) -> dict[str, str]:
    standin = tmp_path / "standin.py"
    standin.write_text(STANDIN)
    env = dict(kafka)
    env.update(
        OPSLEDGER_SERVE_CMD=f"{sys.executable} {standin}",
        OPSLEDGER_RUN_PORT_BASE=str(_free_port_block(max(PORT_OFFSET.values()) + 1)),
        OPSLEDGER_STOP_TIMEOUT="15",
        OPSLEDGER_DATA_DIR=str(tmp_path / "data"),
    )
    env.pop("OPSLEDGER_AUTH_SECRET", None)
    env.pop("OPSLEDGER_HTTP_PORT", None)
    env.pop("OPSLEDGER_HTTP_HOST", None)
    return env


@pytest.fixture
def run_env(kafka_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """run.sh with no broker running: it starts (and must stop) its own."""
    return _run_env(kafka_env, tmp_path)


@pytest.fixture
def run_env_with_kafka(running_kafka: dict[str, str], tmp_path: Path) -> dict[str, str]:
    return _run_env(running_kafka, tmp_path)


def _ports(env: dict[str, str]) -> list[int]:
    base = int(env["OPSLEDGER_RUN_PORT_BASE"])
    return [base + PORT_OFFSET[s] for s in SERVICES]


StartRunSh = Callable[[dict[str, str]], tuple[subprocess.Popen[bytes], Path]]


def _stop_leftovers(proc: subprocess.Popen[bytes], env: dict[str, str], marker: str) -> None:
    """Whatever a test did: run.sh stopped and reaped, its services and pid files gone.

    A run.sh killed but not reaped stays a zombie with its pid and start time, which its
    pid file still names: the next run.sh would refuse with "another run.sh is running".
    """
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
    # Services run in sessions of their own: `--stop` finds them by pid file, and removes
    # the pid files, stale ones too.
    _sh(RUN_SH, "--stop", env=dict(env, OPSLEDGER_STOP_TIMEOUT="5"), timeout=120)
    for pid in _pids_matching(marker):  # a stand-in of this test that escaped both
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def start_run_sh(tmp_path: Path) -> Iterator[StartRunSh]:
    """Starts run.sh like a terminal would; cleans up after it in any case."""
    started: list[tuple[subprocess.Popen[bytes], dict[str, str]]] = []

    def start(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], Path]:
        out = tmp_path / "run.out"
        proc = subprocess.Popen(
            [str(RUN_SH)],
            env=env,
            stdout=out.open("wb"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # like a terminal: its own process group for Ctrl-C
            # and a terminal job's signals, even if this suite was started with SIGINT
            # ignored (a background job of a script): run.sh must see the test's Ctrl-C.
            preexec_fn=default_signals,
        )
        started.append((proc, env))
        return proc, out

    yield start
    for proc, env in started:
        _stop_leftovers(proc, env, str(tmp_path / "standin.py"))


def _start_time(pid: int) -> str:
    """Field 22 of /proc/<pid>/stat, as run.sh writes it into a pid file beside the pid."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()[19]


def test_a_killed_run_sh_is_reaped_and_leaves_nothing_for_the_next_test(tmp_path: Path) -> None:
    """One failure must not cause another: a run.sh killed but not reaped is a zombie that
    its pid file still names, so the next run.sh refused ("another run.sh is running")."""
    env = _own_kafka_env()  # a broker of its own, should run.sh ever get that far
    env.update(
        KAFKA_PORT=str(_free_port()),
        KAFKA_CONTROLLER_PORT=str(_free_port()),
        OPSLEDGER_VAR_DIR=str(tmp_path / "var"),
        OPSLEDGER_RUN_PORT_BASE=str(_free_port_block(max(PORT_OFFSET.values()) + 1)),
    )
    run_dir = tmp_path / "var" / "run"
    run_dir.mkdir(parents=True)
    marker = str(tmp_path / "standin.py")
    runner = subprocess.Popen(["sleep", "300"], start_new_session=True)  # run.sh's place
    orphan = subprocess.Popen(  # a service whose run.sh is gone
        [sys.executable, "-c", "import time; time.sleep(300)", marker], start_new_session=True
    )
    try:
        (run_dir / "run.sh.pid").write_text(f"{runner.pid} {_start_time(runner.pid)}\n")
        os.killpg(runner.pid, signal.SIGKILL)  # what a test's `finally` did, without a wait
        _wait_for(lambda: "State:\tZ" in Path(f"/proc/{runner.pid}/status").read_text(), 10, "Z")
        refused = _sh(RUN_SH, env=env)
        assert refused.returncode == 1 and "another run.sh is running" in refused.stderr

        _stop_leftovers(runner, env, marker)
        assert runner.returncode == -signal.SIGKILL  # reaped
        assert not (run_dir / "run.sh.pid").exists()
        orphan.wait(timeout=10)  # killed: it matched this test's stand-in marker
    finally:
        for proc in (runner, orphan):
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def _assert_all_gone(env: dict[str, str], standin_marker: str) -> None:
    for port in _ports(env):
        assert not _listening(port), port
    assert _pids_matching(standin_marker) == []


def _run_until_up_then_signal(
    start: StartRunSh, env: dict[str, str], tmp_path: Path, how: str
) -> tuple[int, str]:
    proc, out = start(env)
    _wait_for(lambda: ALL_UP in out.read_text(), 150, "all services up")
    text = out.read_text()
    for service, port in zip(SERVICES, _ports(env), strict=True):
        assert f"http://127.0.0.1:{port}" in text
        assert (
            f"[{service}] {service} up kafka=127.0.0.1:{env['KAFKA_PORT']}"
            f" SASL_PLAINTEXT as {service}"
        ) in text
        # No built-in key: each service gets this install's key file.
        key_file = f"{env['OPSLEDGER_DATA_DIR']}/auth-secret"
        assert f"[{service}] {service} key file={key_file}" in text
    assert Path(key_file).stat().st_mode & 0o777 == 0o600
    if how == "SIGTERM":
        proc.send_signal(signal.SIGTERM)
    else:
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal does on Ctrl-C
    code = proc.wait(timeout=60)
    text = out.read_text()
    for service in SERVICES:
        assert f"[{service}] {service} stopping" in text  # stopped gracefully, with its last words
    _assert_all_gone(env, str(tmp_path / "standin.py"))
    return code, text


@pytest.mark.slow
def test_run_sh_starts_kafka_and_services_and_sigterm_stops_them_all(
    run_env: dict[str, str], tmp_path: Path, start_run_sh: StartRunSh
) -> None:
    props = f"{run_env['OPSLEDGER_VAR_DIR']}/kafka/server.properties"
    code, text = _run_until_up_then_signal(start_run_sh, run_env, tmp_path, "SIGTERM")
    assert code == 143
    assert "stopping the Kafka started by run.sh" in text
    assert _pids_matching(f"kafka.Kafka {props}") == []
    assert not _listening(int(run_env["KAFKA_PORT"]))


@pytest.mark.slow
def test_run_sh_on_ctrl_c_stops_the_services_but_not_a_kafka_it_did_not_start(
    run_env_with_kafka: dict[str, str], tmp_path: Path, start_run_sh: StartRunSh
) -> None:
    code, text = _run_until_up_then_signal(start_run_sh, run_env_with_kafka, tmp_path, "Ctrl-C")
    assert code == 130
    assert "leaving it running" in text
    assert "stopping the Kafka" not in text
    assert _listening(int(run_env_with_kafka["KAFKA_PORT"]))


@pytest.mark.slow
def test_run_sh_stops_everything_when_one_service_keeps_crashing(
    run_env_with_kafka: dict[str, str], tmp_path: Path, start_run_sh: StartRunSh
) -> None:
    props = f"{run_env_with_kafka['OPSLEDGER_VAR_DIR']}/kafka/server.properties"
    env = dict(
        run_env_with_kafka,
        STANDIN_DIE="fleet",
        OPSLEDGER_MAX_RESTARTS="2",
        OPSLEDGER_RESTART_BACKOFF_MS="200",
    )
    proc, out = start_run_sh(env)
    code = proc.wait(timeout=60)
    text = out.read_text()
    assert code == 1, text
    assert "fleet exited (status 7); restart #1 in 0.200 s" in text
    assert "fleet exited (status 7); restart #2 in 0.400 s" in text
    assert "fleet exited (status 7); giving up after 2 restarts in a row" in text
    assert "leaving it running" in text
    _assert_all_gone(env, str(tmp_path / "standin.py"))
    assert len(_pids_matching(f"kafka.Kafka {props}")) == 1  # not ours to stop
    assert _listening(int(env["KAFKA_PORT"]))


def _pid_file(env: dict[str, str], name: str) -> int:
    pid, _start = Path(env["OPSLEDGER_VAR_DIR"], "run", f"{name}.pid").read_text().split()
    return int(pid)


@pytest.mark.slow
def test_run_sh_restarts_a_killed_service_and_logs_it(
    run_env_with_kafka: dict[str, str], tmp_path: Path, start_run_sh: StartRunSh
) -> None:
    env = dict(run_env_with_kafka, OPSLEDGER_RESTART_BACKOFF_MS="300")
    fleet_port = _ports(env)[2]
    proc, out = start_run_sh(env)
    _wait_for(lambda: ALL_UP in out.read_text(), 60, "all services up")
    assert _pid_file(env, "run.sh") == proc.pid
    first = _pid_file(env, "fleet")
    os.killpg(first, signal.SIGKILL)  # like `kill -9`: no goodbye
    _wait_for(lambda: "restarted fleet (restart #1)" in out.read_text(), 60, "restart")
    _wait_for(lambda: _listening(fleet_port), 60, "fleet listening again")
    second = _pid_file(env, "fleet")
    assert second != first
    assert proc.poll() is None  # the others went on
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 143
    text = out.read_text()
    assert "fleet exited (status 137); restart #1 in 0.300 s" in text
    assert text.count("started fleet (pid") == 2
    _assert_all_gone(env, str(tmp_path / "standin.py"))
    assert list(Path(env["OPSLEDGER_VAR_DIR"], "run").glob("*.pid")) == []


@pytest.mark.slow
def test_run_sh_stop_stops_only_what_run_sh_started(
    run_env_with_kafka: dict[str, str], tmp_path: Path, start_run_sh: StartRunSh
) -> None:
    """`make down`: by pid file, never by name; a look-alike process is left alone."""
    env = dict(run_env_with_kafka)
    standin = str(tmp_path / "standin.py")
    bystander_env = dict(
        env,
        OPSLEDGER_HTTP_HOST="127.0.0.1",
        OPSLEDGER_HTTP_PORT=str(_free_port()),
        OPSLEDGER_KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:1",
    )
    bystander = subprocess.Popen(
        [sys.executable, standin, "fleet"], env=bystander_env, stdout=subprocess.DEVNULL
    )
    proc, out = start_run_sh(env)
    try:
        _wait_for(lambda: ALL_UP in out.read_text(), 60, "all services up")
        # A stale pid file must not make --stop signal whatever now has that pid.
        Path(env["OPSLEDGER_VAR_DIR"], "run", "ghost.pid").write_text(f"{bystander.pid} 1\n")
        result = _sh(RUN_SH, "--stop", env=env, timeout=120)
        assert result.returncode == 0, result.stderr
        assert proc.wait(timeout=60) == 143
        assert bystander.poll() is None
    finally:
        bystander.terminate()
        bystander.wait(10)
    for port in _ports(env):
        assert not _listening(port), port
    assert list(Path(env["OPSLEDGER_VAR_DIR"], "run").glob("*.pid")) == []
    assert _sh(RUN_SH, "--stop", env=env).returncode == 0  # idempotent


@pytest.mark.slow
def test_run_sh_kills_a_service_that_ignores_sigterm(
    run_env_with_kafka: dict[str, str], tmp_path: Path, start_run_sh: StartRunSh
) -> None:
    env = dict(run_env_with_kafka, STANDIN_IGNORE_TERM="permits", OPSLEDGER_STOP_TIMEOUT="2")
    proc, out = start_run_sh(env)
    _wait_for(lambda: ALL_UP in out.read_text(), 60, "all services up")
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    elapsed = time.monotonic() - started
    text = out.read_text()
    assert "permits ignores TERM" in text
    assert "sending SIGKILL: permits" in text
    assert 2 <= elapsed < 20
    _assert_all_gone(env, str(tmp_path / "standin.py"))


@pytest.mark.parametrize("service", ["dispatch", "dashboard"])
def test_run_sh_refuses_to_start_when_a_service_port_is_taken(
    run_env: dict[str, str], service: str
) -> None:
    port = int(run_env["OPSLEDGER_RUN_PORT_BASE"]) + PORT_OFFSET[service]  # dashboard: +6 (8107)
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", port))
        squatter.listen()
        result = _sh(RUN_SH, env=run_env)
    assert result.returncode == 1
    assert f"port {port} (for {service}) is already in use" in result.stderr
    assert not Path(run_env["OPSLEDGER_VAR_DIR"], "kafka", "kafka.pid").exists()  # no Kafka started


# --- PostgreSQL -----------------------------------------------------------------------------


@pytest.mark.postgres
def test_postgres_sh_start_is_idempotent_and_password_login_works() -> None:
    """`make test` has started PostgreSQL; starting it again is a no-op that re-provisions."""
    result = _sh(POSTGRES_SH, "start", timeout=300)
    assert result.returncode == 0, result.stderr
    port = os.environ.get("PGPORT", "5432")
    assert result.stdout.strip() == (
        f"OPSLEDGER_DATABASE_URL=postgresql+asyncpg://opsledger:opsledger@127.0.0.1:{port}/opsledger_{{service}}"
    )
    for service in SERVICES:
        login = subprocess.run(
            [
                *("psql", "-X", "-h", "127.0.0.1", "-p", port, "-U", "opsledger"),
                *("-d", f"opsledger_{service}", "-tAc", "select current_user"),
            ],
            env=dict(os.environ, PGPASSWORD="opsledger"),
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert login.returncode == 0, login.stderr
        assert login.stdout.strip() == "opsledger"
    status = _sh(POSTGRES_SH, "status")
    assert status.returncode == 0, status.stdout
