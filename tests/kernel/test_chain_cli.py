"""`opsledger verify <service>` recomputes the event chain of a real service's database and
names the first tampered event with a non-zero exit; `--against` checks the published
chain heads, which catch a log rewritten as a whole (chain included)."""

import os
import subprocess
from pathlib import Path
from uuid import uuid4

import pytest
import sqlalchemy as sa
from opsledger.app import ServiceApp
from opsledger.chain import iter_chain, link
from opsledger.chain_verify import verify_chain
from opsledger.db import events
from opsledger.eventstore import NewEvent
from opsledger.service import load_service
from opsledger.settings import Settings
from opsledger_contracts import SERVICES
from opsledger_contracts.events.callcenter import DiagnosticPingSent
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import opsledger_cli


def ping(i: int) -> NewEvent:
    return NewEvent(DiagnosticPingSent(ping_id=f"p{i}", message="hi"), "site-a", "agent", "c")


async def service_with_events(service: str, url: str, **settings: object) -> ServiceApp:
    """The real service's database, migrated by the service itself, with 6 events."""
    app = ServiceApp(load_service(service), Settings(database_url=url, dev_mode=True, **settings))  # type: ignore[arg-type]
    await app.start(background=False)
    store = app.runtime.store
    for i in range(6):
        async with app.runtime.engine.begin() as conn:
            await store.append(conn, f"ping-{i % 2}", "DiagnosticPing", None, [ping(i)])
    return app


def verify(service: str, url: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*opsledger_cli(), "verify", service, *args],
        env={**os.environ, "OPSLEDGER_DATABASE_URL": url, **env},
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


async def edit_payload(engine: AsyncEngine, position: int) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            events.update()
            .where(events.c.position == position)
            .values(payload={"ping_id": "p2", "message": "edited"})
        )


@pytest.mark.parametrize("service", SERVICES)
async def test_verify_names_an_edited_event_in_every_service(tmp_path: Path, service: str) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / f'{service}.db'}"
    app = await service_with_events(service, url)
    try:
        clean = verify(service, url, "--chain-only")
        assert clean.returncode == 0, clean.stderr
        assert "event chain holds: 6 event(s) up to position 6" in clean.stdout
        await edit_payload(app.runtime.engine, 3)
    finally:
        await app.runtime.engine.dispose()
    tampered = verify(service, url, "--chain-only")
    assert tampered.returncode == 1
    assert f"TAMPERED {service}: edited: position 3 (stream ping-0 version 2)" in tampered.stderr


@pytest.mark.postgres
async def test_verify_names_an_edited_event_on_postgres_and_then_checks_read_models(
    postgres_admin_url: str,
) -> None:
    from tests.conftest import create_pg_database, drop_pg_database

    url = await create_pg_database(postgres_admin_url)
    try:
        app = await service_with_events("dispatch", url)
        try:
            clean = verify("dispatch", url)  # the chain, then the read models
            assert clean.returncode == 0, clean.stderr
            assert "event chain holds: 6 event(s)" in clean.stdout
            assert "rebuilt equals live" in clean.stdout
            async with app.runtime.engine.begin() as conn:
                await conn.execute(events.delete().where(events.c.position == 3))
        finally:
            await app.runtime.engine.dispose()
        tampered = verify("dispatch", url)
        assert tampered.returncode == 1
        assert "TAMPERED dispatch: removed: position 4" in tampered.stderr
    finally:
        await drop_pg_database(postgres_admin_url, url)


async def rewrite_whole_chain(engine: AsyncEngine) -> None:
    """The strongest attacker: recompute every event's hashes after editing one."""
    rows = [row async for batch in iter_chain(engine) for row in batch]
    prev = bytes(32)
    async with engine.begin() as conn:
        for row in rows:
            digest = link(prev, row.bytes_at(row.position))
            await conn.execute(
                events.update()
                .where(events.c.position == row.position)
                .values(prev_hash=prev, hash=digest)
            )
            prev = digest


@pytest.mark.kafka
async def test_a_whole_rewritten_chain_is_caught_against_the_published_heads(
    database_url: str, kafka_bootstrap: str
) -> None:
    prefix = f"anchors{uuid4().hex[:8]}."
    app = await service_with_events(
        "fleet", database_url, kafka_bootstrap_servers=kafka_bootstrap, kafka_topic_prefix=prefix
    )
    try:
        await app.anchorer.publish_once()
        assert app.anchorer.published == 6
        assert await app.anchorer.publish_once() is False and app.anchorer.published == 6
        env = {
            "OPSLEDGER_KAFKA_TOPIC_PREFIX": prefix,
            "OPSLEDGER_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        }
        clean = verify("fleet", database_url, "--chain-only", "--against", "kafka", **env)
        assert clean.returncode == 0, clean.stderr
        assert "1 published head(s) match" in clean.stdout

        await edit_payload(app.runtime.engine, 2)
        await rewrite_whole_chain(app.runtime.engine)
        assert (await verify_chain(app.runtime.engine)).finding is None  # alone: undetectable
        async with app.runtime.engine.connect() as conn:
            assert (
                await conn.execute(
                    sa.select(sa.func.count())
                    .select_from(events)
                    .where(events.c.prev_hash.is_not(None))
                )
            ).scalar() == 6
    finally:
        await app.kafka.close()
        await app.runtime.engine.dispose()
    caught = verify("fleet", database_url, "--chain-only", "--against", "kafka", **env)
    assert caught.returncode == 1
    assert "TAMPERED fleet: anchor: position 6" in caught.stderr
