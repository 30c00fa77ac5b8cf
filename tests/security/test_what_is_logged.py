"""What a failure can carry: never the data of the statement, never a driver's message.

A failed statement's exception text goes to logs, dead-letter headers and the inbox's
`error` column; `hide_parameters` keeps a customer's name and phone out of it. /ready
names the failing dependency by the class of its failure only (no host, user or SQL).
A statement running past the configured timeout is cancelled by PostgreSQL.
"""

import asyncio
from pathlib import Path

import pytest
import sqlalchemy as sa
from opsledger.app import ServiceApp
from opsledger.db import create_engine
from opsledger.service import load_service
from opsledger.settings import Settings

PHONE = "+86-138-0013-8000"
NAME = "Wang Xiaoming"

_people = sa.Table(
    "people",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100)),
    sa.Column("phone", sa.String(40)),
)


async def test_a_failed_statement_does_not_carry_its_parameters(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_people.metadata.create_all)
            await conn.execute(_people.insert().values(id=1, name="first", phone="0"))
        with pytest.raises(sa.exc.IntegrityError) as caught:
            async with engine.begin() as conn:  # the same id again: a unique violation
                await conn.execute(_people.insert().values(id=1, name=NAME, phone=PHONE))
    finally:
        await engine.dispose()
    text = str(caught.value)
    assert "people" in text  # the statement is still named, for the operator
    assert PHONE not in text and NAME not in text
    assert "hidden due to hide_parameters" in text


@pytest.mark.postgres
async def test_postgres_cancels_a_statement_past_the_timeout(postgres_admin_url: str) -> None:
    engine = create_engine(postgres_admin_url, statement_timeout=0.5)
    try:
        async with engine.connect() as conn:
            shown = await conn.scalar(sa.text("SHOW statement_timeout"))
            assert shown == "500ms"
            with pytest.raises(sa.exc.DBAPIError, match="statement timeout"):
                await conn.execute(sa.text("SELECT pg_sleep(5)"))
    finally:
        await engine.dispose()


async def test_ready_names_an_unreachable_database_without_its_address(tmp_path: Path) -> None:
    # A closed port and a password in the URL: neither may show in the answer.
    url = "postgresql+asyncpg://opsledger:hunter2-secret@127.0.0.1:9/opsledger_{service}"
    settings = Settings(database_url=url, kafka_bootstrap_servers="127.0.0.1:9", data_dir=tmp_path)
    service = ServiceApp(load_service("dispatch"), settings)
    try:
        checks = await asyncio.wait_for(service.readiness(), 30)
    finally:
        await service.runtime.engine.dispose()
        await service.kafka.close()
    for dependency in ("database", "kafka"):
        state = checks[dependency]
        assert state.startswith("unreachable: ")
        assert "127.0.0.1" not in state and "hunter2" not in state and "opsledger" not in state
        assert len(state) <= 60, state
