"""What read models need of the database that PostgreSQL and SQLite do differently.

One object per backend (`backend_for`), so the runner, the rebuild and verify read the
same on both: exclusion per read-model table, the bulk write, and one consistent snapshot.
"""

from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from opsledger.db import advisory_lock_key

_BULK_CHUNK = 50_000  # rows per executemany on SQLite (one hop to aiosqlite's thread)


class Backend(Protocol):
    """The database-specific side of read models."""

    async def lock(self, conn: AsyncConnection, name: str, *, wait: bool) -> bool:
        """Hold `name` until `conn`'s transaction ends; False if taken and not `wait`."""
        ...

    async def try_locks(self, conn: AsyncConnection, names: Sequence[str]) -> list[bool]:
        """`lock(..., wait=False)` of each name, in one round trip; True where taken."""
        ...

    async def bulk_insert(
        self, conn: AsyncConnection, table: sa.Table, records: list[tuple[Any, ...]]
    ) -> None:
        """Insert bound value tuples in table column order, as fast as the backend can."""
        ...

    def snapshot(self, engine: AsyncEngine) -> AbstractAsyncContextManager[AsyncConnection]:
        """A connection whose statements all see the database at one moment."""
        ...


class PostgresBackend:
    """Transaction-scoped advisory locks, binary COPY, REPEATABLE READ."""

    async def lock(self, conn: AsyncConnection, name: str, *, wait: bool) -> bool:
        function = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
        query = sa.text(f"SELECT {function}(:key)")
        got = (await conn.execute(query, {"key": advisory_lock_key(name)})).scalar()
        return wait or bool(got)

    async def try_locks(self, conn: AsyncConnection, names: Sequence[str]) -> list[bool]:
        keys = [advisory_lock_key(n) for n in names]
        query = sa.text(
            "SELECT pg_try_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[]))"
            " WITH ORDINALITY AS t(k, i) ORDER BY i"
        )
        return [bool(got) for got in (await conn.execute(query, {"keys": keys})).scalars()]

    async def bulk_insert(
        self, conn: AsyncConnection, table: sa.Table, records: list[tuple[Any, ...]]
    ) -> None:
        # asyncpg's own connection, inside the transaction SQLAlchemy began on it.
        driver = (await conn.get_raw_connection()).driver_connection
        assert driver is not None  # a checked-out connection always has one
        names = [c.name for c in table.columns]
        await driver.copy_records_to_table(table.name, records=records, columns=names)

    @asynccontextmanager
    async def snapshot(self, engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
        async with engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="REPEATABLE READ")
            async with conn.begin():
                yield conn


class SqliteBackend:
    """One writer: every transaction begins IMMEDIATE (`db.create_engine`), holding the
    write lock from its first statement, so a transaction already excludes the others."""

    async def lock(self, conn: AsyncConnection, name: str, *, wait: bool) -> bool:
        return True

    async def try_locks(self, conn: AsyncConnection, names: Sequence[str]) -> list[bool]:
        return [True for _ in names]

    async def bulk_insert(
        self, conn: AsyncConnection, table: sa.Table, records: list[tuple[Any, ...]]
    ) -> None:
        names = [c.name for c in table.columns]
        columns = ", ".join(f'"{n}"' for n in names)
        marks = ", ".join("?" for _ in names)  # SQLite's paramstyle
        insert = f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})'
        for start in range(0, len(records), _BULK_CHUNK):
            await conn.exec_driver_sql(insert, records[start : start + _BULK_CHUNK])

    @asynccontextmanager
    async def snapshot(self, engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
        async with engine.begin() as conn:
            yield conn


_BACKENDS: dict[str, Backend] = {"postgresql": PostgresBackend(), "sqlite": SqliteBackend()}


def backend_for(dialect: sa.Dialect | AsyncConnection | AsyncEngine) -> Backend:
    name = dialect.name if isinstance(dialect, sa.Dialect) else dialect.dialect.name
    try:
        return _BACKENDS[name]
    except KeyError:
        raise ValueError(f"read models support PostgreSQL and SQLite, not {name}") from None
