"""Alembic migrations create exactly the tables the code declares, for every service."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from opsledger.db import create_engine
from opsledger.migrate import target_metadata, upgrade
from opsledger.service import load_service, service_names


@pytest.mark.parametrize(
    "service", ["callcenter", "dispatch", "fleet", "permits", "secrets_registry"]
)
async def test_migrated_schema_matches_the_declared_tables(database_url: str, service: str) -> None:
    assert service in service_names()
    definition = load_service(service)
    engine = create_engine(database_url)
    try:
        await upgrade(engine, definition)
        await upgrade(engine, definition)  # idempotent: a second start changes nothing

        def diff(sync_conn: sa.Connection) -> list[object]:
            context = MigrationContext.configure(sync_conn, opts={"compare_type": True})
            return list(compare_metadata(context, target_metadata(definition)))

        async with engine.connect() as conn:
            differences = await conn.run_sync(diff)
    finally:
        await engine.dispose()
    assert differences == [], f"{service}: migrations and tables disagree: {differences}"
