"""Replicas starting together on one empty PostgreSQL database both migrate it.

Found by the fault tier's scale-out case: two dispatch replicas started at once, both ran
the migrations, and one died at start-up (`duplicate key value violates unique constraint
"pg_type_typname_nsp_index"` creating alembic_version). Migrations now queue on an
advisory lock: the second replica finds the database at head and does nothing."""

import asyncio

import pytest
import sqlalchemy as sa
from opsledger.db import create_engine
from opsledger.migrate import upgrade
from opsledger.service import load_service

from tests.conftest import create_pg_database, drop_pg_database

pytestmark = pytest.mark.postgres


async def test_two_replicas_migrating_one_empty_database_at_once_both_succeed(
    postgres_admin_url: str,
) -> None:
    definition = load_service("callcenter")
    for _ in range(3):  # the race is likely on any attempt; three make it near certain
        url = await create_pg_database(postgres_admin_url)
        engines = [create_engine(url), create_engine(url)]
        try:
            await asyncio.gather(*(upgrade(e, definition) for e in engines))
            async with engines[0].connect() as conn:
                versions = (await conn.execute(sa.text("SELECT * FROM alembic_version"))).all()
            assert versions
        finally:
            for e in engines:
                await e.dispose()
            await drop_pg_database(postgres_admin_url, url)
