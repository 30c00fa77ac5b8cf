"""`opsledger verify`: rebuild every read model from the log into a scratch database and
compare it row by row with the live table, at the live checkpoint."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from opsledger.catalog import EventCatalog
from opsledger.eventstore import EventStore
from opsledger.projections import Difference, compare_tables, read_checkpoint, scratch_engine
from opsledger.readmodels import ReadModel, fold_all, write_table


async def verify_read_models(
    live: AsyncEngine, store: EventStore, catalog: EventCatalog, models: Sequence[ReadModel[Any]]
) -> list[Difference]:
    """Differences between each live read model and its rebuild (empty: equal)."""
    differences: list[Difference] = []
    async with scratch_engine(live) as scratch:
        for model in models:
            async with live.connect() as conn:
                upto = await read_checkpoint(conn, model.checkpoint)
            states, _ = await fold_all(live, store, catalog, [model.aggregate], upto=upto)
            async with scratch.begin() as conn:
                await write_table(conn, model, states[model.aggregate.stream_type])
            differences.extend(await compare_tables(model.name, model.table, live, scratch))
    return differences
