"""Run Alembic migrations (kernel branch + the service's own) on an async engine."""

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import AsyncEngine

from opsledger.db import kernel_metadata, lock_for_transaction
from opsledger.service import ServiceDefinition

_HERE = Path(__file__).parent / "migrations"


def alembic_config(definition: ServiceDefinition) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_HERE))
    locations = [str(_HERE / "versions")]
    if definition.migrations is not None:
        locations.append(str(definition.migrations))
    config.set_main_option("version_locations", " ".join(locations))
    config.set_main_option("path_separator", "space")
    config.attributes["target_metadata"] = target_metadata(definition)
    return config


def target_metadata(definition: ServiceDefinition) -> sa.MetaData:
    """Kernel tables and the service's projection tables together."""
    merged = sa.MetaData()
    for table in (*kernel_metadata.tables.values(), *definition.metadata.tables.values()):
        table.to_metadata(merged)
    return merged


async def upgrade(
    engine: AsyncEngine, definition: ServiceDefinition, revision: str = "heads"
) -> None:
    config = alembic_config(definition)

    def run(sync_conn: sa.Connection) -> None:
        config.attributes["connection"] = sync_conn
        command.upgrade(config, revision)

    async with engine.begin() as conn:
        # Replicas starting together queue here (PostgreSQL; the DDL is transactional, so
        # the lock is held until it commits): the next one finds the database at head.
        await lock_for_transaction(conn, "opsledger.migrate")
        await conn.run_sync(run)
