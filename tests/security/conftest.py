"""The security tier: promises of SECURITY.md checked against running services.

Each file of this directory covers one promise (authentication, site and role isolation,
limits and headers, Kafka credentials, ...). Services run as real processes
(`tests/processes.py`) wherever the promise is about what a deployed service does; the
fixtures below start them on a fresh SQLite file each, with a key of their own.
"""

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import timedelta
from pathlib import Path

import pytest
from opsledger.auth import TokenService

# The services' own in-process fixtures, for the isolation and read-role tests.
from tests.dispatch.conftest import dispatch as dispatch
from tests.fleet.conftest import fleet as fleet
from tests.processes import TEST_SECRET, ServiceProcess, running, service_env

Start = Callable[..., AbstractContextManager[dict[str, ServiceProcess]]]


def bearer(
    service: str,
    staff: str = "agent-1",
    roles: Sequence[str] = ("agent",),
    sites: Sequence[str] = ("site-a",),
    ttl: timedelta = timedelta(minutes=30),
    secret: str = TEST_SECRET,
) -> dict[str, str]:
    """An `Authorization` header for `service` (its audience), minted now with `secret`."""
    token = TokenService(secret).mint(staff, roles, sites, ttl, audience=service)
    return {"Authorization": f"Bearer {token}"}


def _starter(directory: Path, kafka: str) -> Start:
    def start(
        services: Sequence[str], extra: Mapping[str, str] | None = None
    ) -> AbstractContextManager[dict[str, ServiceProcess]]:
        env = service_env(f"sqlite+aiosqlite:///{directory}/{{service}}.db", kafka, extra)
        return running(list(services), env, directory)

    return start


@pytest.fixture
def start_services(tmp_path: Path, kafka_bootstrap: str) -> Start:
    """`with start_services(["dispatch"], {"OPSLEDGER_X": "1"}) as procs:` real processes
    on SQLite files under tmp_path and the shared Kafka (own topic prefix), stopped after."""
    return _starter(tmp_path, kafka_bootstrap)


# What the module-wide dispatch below runs with: short head deadline, few connections.
HEADER_TIMEOUT_SECONDS = 2
MAX_CONCURRENCY = 6


@pytest.fixture(scope="module")
def dispatch_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcess]:
    """One dispatch process for a whole module (it takes seconds to start), on SQLite and
    an unreachable Kafka (HTTP needs none), with a head deadline and a connection limit
    small enough to test."""
    extra = {
        "OPSLEDGER_HTTP_HEADER_TIMEOUT_SECONDS": str(HEADER_TIMEOUT_SECONDS),
        "OPSLEDGER_HTTP_MAX_CONCURRENCY": str(MAX_CONCURRENCY),
    }
    start = _starter(tmp_path_factory.mktemp("security"), "127.0.0.1:1")
    with start(["dispatch"], extra) as procs:
        yield procs["dispatch"]
