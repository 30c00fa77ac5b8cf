"""Which read-model tables exist, of which definition, and when a replica last used each.

Two versions of a service (a rolling deploy, a rollback) may define a read model
differently; each then has its own table (`<name>_<fingerprint>`), and both must stay
until the old one is unused. Every runner marks its tables seen (`last_seen_at`) at
start-up and once a `heartbeat_every` while it runs; a table nobody has marked for the
grace period is dropped, with its checkpoint. The registry is a table the kernel
creates at run time (`readmodel_tables`), like the read-model tables themselves.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from opsledger.db import checkpoints, lock_for_transaction
from opsledger.readmodels.backend import backend_for
from opsledger.readmodels.model import CHECKPOINT_PREFIX, ReadModel, UtcDateTime

registry = sa.Table(
    "readmodel_tables",
    sa.MetaData(),  # not the kernel's: created at run time, not by migrations
    sa.Column("table_name", sa.String(200), primary_key=True),
    sa.Column("read_model", sa.String(200), nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("last_seen_at", UtcDateTime(), nullable=False),
)
_SEEN = sa.text(
    "INSERT INTO readmodel_tables (table_name, read_model, fingerprint, created_at,"
    " last_seen_at) VALUES (:table_name, :read_model, :fingerprint, :now, :now)"
    " ON CONFLICT (table_name) DO UPDATE SET last_seen_at = excluded.last_seen_at"
).bindparams(sa.bindparam("now", type_=UtcDateTime()))
_PHYSICAL = re.compile(r"^(?P<name>.+)_(?P<hash>[0-9a-f]{8})$")


def table_lock(table_name: str) -> str:
    """The lock that rebuilds, live passes and drops of one table take (see `Backend`)."""
    return f"opsledger.readmodel:{table_name}"


@dataclass(frozen=True)
class Entry:
    """One registered table."""

    table_name: str
    read_model: str
    fingerprint: str
    last_seen_at: datetime


async def ensure(engine: AsyncEngine) -> None:
    """Create the registry if this database has none yet (replicas queue on a lock)."""
    async with engine.begin() as conn:
        await lock_for_transaction(conn, "opsledger.readmodels.registry")
        await conn.run_sync(lambda sync: registry.create(sync, checkfirst=True))


async def mark_seen(conn: AsyncConnection, models: Sequence[ReadModel[Any]], now: datetime) -> None:
    """These definitions' tables are in use (by this replica) as of `now`."""
    values = [
        {"table_name": m.table.name, "read_model": m.name, "fingerprint": m.fingerprint()}
        for m in models
    ]
    if values:
        await conn.execute(_SEEN, [{**v, "now": now} for v in values])


async def entries(conn: AsyncConnection, now: datetime) -> list[Entry]:
    """Every registered table; a read-model table built before the registry existed (a
    checkpoint `readmodel:<name>_<hash>` without an entry) is registered as seen `now`,
    so it gets the grace period from the first time a registry-aware replica saw it."""
    prefixed = checkpoints.c.name.startswith(CHECKPOINT_PREFIX)
    names = (await conn.execute(sa.select(checkpoints.c.name).where(prefixed))).scalars()
    built = [n.removeprefix(CHECKPOINT_PREFIX) for n in names]
    columns = registry.c.table_name, registry.c.read_model, registry.c.fingerprint
    query = sa.select(*columns, registry.c.last_seen_at)
    found = [Entry(*row) for row in (await conn.execute(query)).all()]
    known = {e.table_name for e in found}
    for table_name in built:
        match = _PHYSICAL.match(table_name)
        if table_name in known or match is None:
            continue
        entry = Entry(table_name, match["name"], match["hash"], now)
        await conn.execute(_SEEN, [{**_values(entry), "now": now}])
        found.append(entry)
    return found


def _values(entry: Entry) -> dict[str, str]:
    return {
        "table_name": entry.table_name,
        "read_model": entry.read_model,
        "fingerprint": entry.fingerprint,
    }


async def drop_if_unused(engine: AsyncEngine, table_name: str, cutoff: datetime) -> bool:
    """Drop a table (and its checkpoint and entry) unless it was seen after `cutoff`.

    Under the table's lock, so no pass or rebuild of it is under way, and re-checked
    there: a replica may have marked it seen meanwhile.
    """
    async with engine.begin() as conn:
        await backend_for(conn).lock(conn, table_lock(table_name), wait=True)
        query = sa.select(registry.c.last_seen_at).where(registry.c.table_name == table_name)
        last_seen = (await conn.execute(query)).scalar()
        if last_seen is not None and last_seen > cutoff:
            return False
        await conn.execute(sa.text(f'DROP TABLE IF EXISTS "{table_name}"'))
        checkpoint = CHECKPOINT_PREFIX + table_name
        await conn.execute(checkpoints.delete().where(checkpoints.c.name == checkpoint))
        await conn.execute(registry.delete().where(registry.c.table_name == table_name))
    return True
