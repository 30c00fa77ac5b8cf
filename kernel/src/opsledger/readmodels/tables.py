"""Writing a read model's table: the live INSERT and the rebuild's bulk write."""

from collections.abc import Mapping
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from opsledger.readmodels.backend import backend_for
from opsledger.readmodels.fold import collector_paused
from opsledger.readmodels.model import SOURCE_COLUMN, ReadModel

_INSERT_CHUNK = 1000


# Built once per table, not on every read-model pass (the streams are bound, expanding).
_INSERTS: dict[sa.Table, sa.Insert] = {}
_DELETES: dict[sa.Table, sa.Delete] = {}


def _insert(table: sa.Table) -> sa.Insert:
    found = _INSERTS.get(table)
    if found is None:
        found = _INSERTS[table] = table.insert()
    return found


def _delete_streams(table: sa.Table) -> sa.Delete:
    found = _DELETES.get(table)
    if found is None:
        streams: sa.BindParameter[list[str]] = sa.bindparam("p_streams", expanding=True)
        found = _DELETES[table] = table.delete().where(table.c[SOURCE_COLUMN].in_(streams))
    return found


async def insert_rows(conn: AsyncConnection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    insert = _insert(table)
    for start in range(0, len(rows), _INSERT_CHUNK):
        await conn.execute(insert, rows[start : start + _INSERT_CHUNK])


async def replace_streams(
    conn: AsyncConnection, model: ReadModel[Any], streams: list[str], rows: list[dict[str, Any]]
) -> None:
    """The rows of `streams` become `rows` (derived from their new states)."""
    delete = _delete_streams(model.table)
    for start in range(0, len(streams), _INSERT_CHUNK):
        await conn.execute(delete, {"p_streams": streams[start : start + _INSERT_CHUNK]})
    await insert_rows(conn, model.table, rows)


def _records(
    table: sa.Table, dialect: sa.Dialect, model: ReadModel[Any], states: Mapping[str, Any]
) -> list[tuple[Any, ...]]:
    """Every stream's rows as value tuples in column order, bound as `table.insert()` would.

    Each value goes through its column type's bind processor for this dialect (UTC
    timestamps, SQLite's datetime text), so the bulk path stores exactly what the live
    path's INSERT stores; a missing key is NULL, an unknown one an error, as there.
    """
    names = [c.name for c in table.columns]
    known = frozenset(names)
    own = [n for n in names if n != SOURCE_COLUMN]  # the columns rows() gives
    pick = itemgetter(*own) if len(own) > 1 else lambda row: (row[own[0]],)
    source = names.index(SOURCE_COLUMN)
    binds = [
        (i, c.type.dialect_impl(dialect).bind_processor(dialect))
        for i, c in enumerate(table.columns)
    ]
    # NULL stays NULL for these processors (asked once), so None skips the call.
    processors = [(i, bind, bind(None) is None) for i, bind in binds if bind is not None]
    records: list[tuple[Any, ...]] = []
    for stream_id, state in states.items():
        for row in model.rows(state):
            try:
                values = [*pick(row)]
                exact = len(row) == len(own)
            except KeyError:
                values, exact = [row.get(name) for name in own], False
            if not exact and not row.keys() <= known:
                unknown = sorted(row.keys() - known)
                raise ValueError(f"read model {model.name}: rows() gave unknown {unknown}")
            values.insert(source, stream_id)
            for i, bind, skip_null in processors:
                if values[i] is not None or not skip_null:
                    values[i] = bind(values[i])
            records.append(tuple(values))
    return records


async def write_table(
    conn: AsyncConnection, model: ReadModel[Any], states: Mapping[str, Any]
) -> int:
    """(Re)create the model's table in `conn` and fill it from `states`; returns rows."""
    table = model.table
    await conn.run_sync(lambda sync: table.drop(sync, checkfirst=True))
    await conn.run_sync(lambda sync: table.create(sync))
    with collector_paused():
        records = _records(table, conn.dialect, model, states)
    await backend_for(conn).bulk_insert(conn, table, records)
    return len(records)
