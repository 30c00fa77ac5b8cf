"""Shared fixtures: real databases (SQLite file, PostgreSQL) and the real Kafka broker.

`make test` starts PostgreSQL and Kafka with deploy/local/*.sh before pytest runs. Tests
marked `postgres` or `kafka` FAIL (never skip) when those are not reachable, so a green
run always means the real thing was exercised.
"""

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from uuid import uuid4

import pytest
import sqlalchemy as sa
from opsledger.db import create_engine
from opsledger.migrate import upgrade
from opsledger.service import ServiceDefinition
from opsledger_contracts import SERVICES
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.kafka_clients import use_local_admin_credentials

REPO = Path(__file__).resolve().parents[1]
PG_ADMIN_URL = os.environ.get(
    "OPSLEDGER_TEST_POSTGRES_URL",
    "postgresql+asyncpg://opsledger:opsledger@127.0.0.1:5432/postgres",
)
KAFKA_BOOTSTRAP = os.environ.get("OPSLEDGER_TEST_KAFKA", "127.0.0.1:9092")

KERNEL_ONLY = ServiceDefinition(name="kerneltest", title="kernel test", default_port=0)


def _reachable(host_port: str) -> bool:
    host, _, port = host_port.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    """The broker's address. Clients log in with OPSLEDGER_KAFKA_* (build them with
    tests.kafka_clients); unset, the admin of a broker started from this checkout."""
    if not _reachable(KAFKA_BOOTSTRAP.split(",")[0]):
        pytest.fail(
            f"Kafka is not reachable at {KAFKA_BOOTSTRAP}: start it with "
            "`deploy/local/kafka.sh start` (make test does)"
        )
    use_local_admin_credentials()
    return KAFKA_BOOTSTRAP


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    host = sa.make_url(PG_ADMIN_URL).host or "127.0.0.1"
    port = sa.make_url(PG_ADMIN_URL).port or 5432
    if not _reachable(f"{host}:{port}"):
        pytest.fail(
            f"PostgreSQL is not reachable at {host}:{port}: start it with "
            "`deploy/local/postgres.sh start` (make test does)"
        )
    return PG_ADMIN_URL


async def create_pg_database(admin_url: str, name: str | None = None) -> str:
    """A fresh, empty database; returns its async URL."""
    name = name or f"opsledger_test_{uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.dispose()
    return sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)


async def drop_pg_database(admin_url: str, url: str) -> None:
    name = sa.make_url(url).database
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        for attempt in range(20):
            try:
                async with admin.connect() as conn:
                    await conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                return
            except sa.exc.DBAPIError as exc:
                # An autovacuum worker (a superuser process) in the database cannot be
                # terminated by our role; it finishes within moments, so try again.
                if "must be a member of the role" not in str(exc) or attempt == 19:
                    raise
                await asyncio.sleep(0.5)
    finally:
        await admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database URL, once on SQLite and once on real PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
        return
    admin_url = request.getfixturevalue("postgres_admin_url")
    url = await create_pg_database(admin_url)
    try:
        yield url
    finally:
        await drop_pg_database(admin_url, url)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """A migrated kernel database (events, checkpoints, inbox, timers)."""
    eng = create_engine(database_url)
    await upgrade(eng, KERNEL_ONLY)
    try:
        yield eng
    finally:
        await eng.dispose()


def opsledger_cli() -> list[str]:
    """The console script of this environment (tests run it as real processes)."""
    return [str(Path(sys.executable).parent / "opsledger")]


@pytest.fixture
async def postgres_url_template(postgres_admin_url: str) -> AsyncIterator[str]:
    """Fresh databases for all five services, as one `{service}` URL template."""
    prefix = f"opsledger_e2e_{uuid4().hex[:8]}"
    urls = [await create_pg_database(postgres_admin_url, f"{prefix}_{s}") for s in SERVICES]
    try:
        yield urls[0].rsplit("/", 1)[0] + f"/{prefix}_{{service}}"
    finally:
        for url in urls:
            await drop_pg_database(postgres_admin_url, url)
