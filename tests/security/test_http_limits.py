"""Limits and headers of a running service: what a hostile or broken client cannot do.

Against a real `opsledger serve` process (uvicorn, httptools) with a 2 s deadline for a
request head and at most 6 connections (see conftest).
"""

import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import httpx
import pytest

from tests.processes import ServiceProcess
from tests.security.conftest import HEADER_TIMEOUT_SECONDS, MAX_CONCURRENCY, bearer

pytestmark = pytest.mark.slow

CORRELATION = "X-Correlation-ID"


# --- correlation ids ------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["x" * 5000, "x" * 129, "two words", "tab\there"], ids=["5000", "129", "space", "tab"]
)
def test_a_correlation_id_too_long_or_not_printable_is_400_naming_the_header(
    dispatch_process: ServiceProcess, value: str
) -> None:
    answer = httpx.get(dispatch_process.url + "/health", headers={CORRELATION: value}, timeout=10)
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["field"] == CORRELATION
    assert CORRELATION in error["message"]
    assert answer.headers[CORRELATION] != value  # the answer carries a fresh id


def test_a_correlation_id_of_128_visible_characters_is_kept(
    dispatch_process: ServiceProcess,
) -> None:
    value = "c-" + "x" * 120 + ":/=+@"
    assert len(value) <= 128
    answer = httpx.get(dispatch_process.url + "/health", headers={CORRELATION: value}, timeout=10)
    assert answer.status_code == 200
    assert answer.headers[CORRELATION] == value


# --- headers of every answer ----------------------------------------------------------


@pytest.mark.parametrize("path", ["/docs", "/asyncapi", "/openapi.json", "/health", "/ready"])
def test_every_answer_has_the_security_headers_and_no_server_banner(
    dispatch_process: ServiceProcess, path: str
) -> None:
    answer = httpx.get(dispatch_process.url + path, timeout=10)
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["referrer-policy"] == "no-referrer"
    csp = answer.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'none'" in csp
    assert "server" not in answer.headers


def test_the_docs_page_allows_only_its_own_scripts(dispatch_process: ServiceProcess) -> None:
    csp = httpx.get(dispatch_process.url + "/docs", timeout=10).headers["content-security-policy"]
    script_src = next(p for p in csp.split(";") if p.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert "'sha256-" in script_src  # Swagger UI's one inline script, by hash
    assert "http" not in csp


def test_answers_to_authenticated_requests_are_not_stored(
    dispatch_process: ServiceProcess,
) -> None:
    url = dispatch_process.url + "/diagnostics/pings/nope"
    answer = httpx.get(url, headers=bearer("dispatch"), timeout=10)
    assert answer.status_code == 404
    assert answer.headers["cache-control"] == "no-store"


def test_ready_names_the_failing_dependency_without_its_error_text(
    dispatch_process: ServiceProcess,
) -> None:
    answer = httpx.get(dispatch_process.url + "/ready", timeout=20)
    assert answer.status_code == 503
    kafka = answer.json()["checks"]["kafka"]
    assert kafka.startswith("unreachable")
    # The class of the failure at most: no address, port or driver message.
    assert "127.0.0.1" not in kafka and ":1" not in kafka and len(kafka) <= 60


# --- slow and large request heads, connection limit ----------------------------------


def _connect(service: ServiceProcess) -> socket.socket:
    return socket.create_connection(("127.0.0.1", service.port), timeout=30)


def _closed_within(sock: socket.socket, seconds: float) -> float:
    """Seconds until the server closed `sock` (reads until EOF), failing after `seconds`."""
    started = time.monotonic()
    sock.settimeout(seconds)
    try:
        while sock.recv(4096):
            pass
    except TimeoutError:
        pytest.fail(f"the server kept the connection open for more than {seconds} s")
    except ConnectionResetError:
        pass
    return time.monotonic() - started


def test_a_request_head_sent_too_slowly_is_cut_off(dispatch_process: ServiceProcess) -> None:
    with _connect(dispatch_process) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
        waited = _closed_within(sock, HEADER_TIMEOUT_SECONDS + 10)
    assert waited < HEADER_TIMEOUT_SECONDS + 5


def test_a_silent_connection_is_cut_off(dispatch_process: ServiceProcess) -> None:
    with _connect(dispatch_process) as sock:
        waited = _closed_within(sock, HEADER_TIMEOUT_SECONDS + 10)
    assert waited < HEADER_TIMEOUT_SECONDS + 5


def test_a_request_head_larger_than_the_limit_is_431(dispatch_process: ServiceProcess) -> None:
    answer = httpx.get(
        dispatch_process.url + "/health", headers={"X-Padding": "p" * 40_000}, timeout=10
    )
    assert answer.status_code == 431


@contextmanager
def _idle_connections(service: ServiceProcess, count: int) -> Iterator[None]:
    with ExitStack() as stack:
        for _ in range(count):
            stack.enter_context(_connect(service))
        yield


def test_beyond_the_connection_limit_requests_get_503(dispatch_process: ServiceProcess) -> None:
    url = dispatch_process.url + "/health"
    # Connections are accepted in order: these are counted before the request below.
    with _idle_connections(dispatch_process, MAX_CONCURRENCY):
        assert httpx.get(url, timeout=10).status_code == 503
    # Once they are gone (closed by us), the service answers again.
    deadline = time.monotonic() + 10
    while httpx.get(url, timeout=10).status_code != 200:
        assert time.monotonic() < deadline, "still refusing after the connections closed"
        time.sleep(0.1)
