"""Database engines and the kernel's tables (event store, checkpoints, inbox, timers)."""

import hashlib
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

# One MetaData for the kernel; each service adds its projection tables to its own.
kernel_metadata = sa.MetaData()

_Json = sa.JSON().with_variant(JSONB(), "postgresql")
_Position = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_Timestamp = sa.DateTime(timezone=True)

events = sa.Table(
    "events",
    kernel_metadata,
    # SQLite only auto-increments an INTEGER PRIMARY KEY, hence the variant.
    sa.Column("position", _Position, sa.Identity(always=False), primary_key=True),
    sa.Column("event_id", sa.Uuid(), nullable=False, unique=True),
    sa.Column("stream_id", sa.String(200), nullable=False),
    sa.Column("stream_type", sa.String(100), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("event_type", sa.String(100), nullable=False),
    sa.Column("schema_version", sa.Integer(), nullable=False),
    sa.Column("site_id", sa.String(64), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("correlation_id", sa.String(200), nullable=False),
    sa.Column("causation_id", sa.String(200), nullable=True),
    sa.Column("occurred_at", _Timestamp, nullable=False),
    sa.Column("recorded_at", _Timestamp, nullable=False),
    sa.Column("payload", _Json, nullable=False),
    # The tamper-evident chain (opsledger.chain, kernel_0009), written with the row.
    sa.Column("prev_hash", sa.LargeBinary(32), nullable=True),
    sa.Column("hash", sa.LargeBinary(32), nullable=True),
    sa.UniqueConstraint("stream_id", "version", name="uq_events_stream_version"),
    sa.Index("ix_events_event_type", "event_type"),
    sa.Index("ix_events_site_id", "site_id"),
    sa.Index(
        "ix_events_unlinked",
        "position",
        postgresql_where=sa.text("prev_hash IS NULL"),
        sqlite_where=sa.text("prev_hash IS NULL"),
    ),
)

checkpoints = sa.Table(
    "checkpoints",
    kernel_metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("position", sa.BigInteger(), nullable=False),
    sa.Column("updated_at", _Timestamp, nullable=False),
)

inbox = sa.Table(
    "inbox",
    kernel_metadata,
    sa.Column("consumer", sa.String(200), primary_key=True),
    sa.Column("event_id", sa.Uuid(), primary_key=True),
    sa.Column("outcome", sa.String(20), nullable=False),
    sa.Column("topic", sa.String(255), nullable=False),
    sa.Column("partition", sa.Integer(), nullable=False),
    sa.Column("offset", sa.BigInteger(), nullable=False),
    sa.Column("error", sa.Text(), nullable=True),
    sa.Column("handled_at", _Timestamp, nullable=False),
)

timers = sa.Table(
    "timers",
    kernel_metadata,
    sa.Column("timer_id", sa.String(250), primary_key=True),
    sa.Column("kind", sa.String(100), nullable=False),
    sa.Column("stream_id", sa.String(200), nullable=False),
    sa.Column("site_id", sa.String(64), nullable=False),
    sa.Column("due_at", _Timestamp, nullable=False),
    sa.Column("payload", _Json, nullable=False),
    sa.Column("created_at", _Timestamp, nullable=False),
    sa.Column("fired_at", _Timestamp, nullable=True),
    sa.Column("cancelled_at", _Timestamp, nullable=True),
    # Backoff and parking (kernel_0006): failed attempts, when the next may run, and
    # why a timer is parked (no handler knows its kind, or it failed too often).
    sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("next_attempt_at", _Timestamp, nullable=True),
    sa.Column("parked_at", _Timestamp, nullable=True),
    sa.Column("parked_reason", sa.String(40), nullable=True),
    sa.Column("last_error", sa.String(200), nullable=True),
    sa.Index("ix_timers_pending", "fired_at", "cancelled_at", "due_at"),
)


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine; SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE writes.

    BEGIN IMMEDIATE takes SQLite's single write lock at the start of every transaction,
    so commit order equals insert order (global positions never commit out of order)
    and two writers never deadlock upgrading a read lock.

    SQLite durability: `synchronous=NORMAL` in WAL mode. A commit survives a crash of
    the process (it is in the WAL, written before COMMIT returns) but not necessarily an
    OS crash or power loss (the WAL is fsynced at checkpoints, not per commit); the
    database is never corrupted either way. FULL fsyncs per commit: on our 2-core VM that
    caps one writer at ~1/fsync (~400 appends/s, `make bench` prints both). Pass
    `sqlite_synchronous="FULL"` where losing the last commits on power loss is not
    acceptable.

    PostgreSQL: no pre-ping (it cost a BEGIN/ROLLBACK round trip per checkout). A
    connection whose socket is already closed (server restarted, backend terminated) is
    replaced at checkout without a round trip; one that dies mid-use fails that
    transaction once, and SQLAlchemy then invalidates the whole pool, so the caller's
    retry (relay and consumers retry every poll, HTTP returns an error) gets a fresh one.
    `statement_timeout` (seconds, PostgreSQL; 0 or absent: none) cancels longer statements.

    Every engine hides SQL parameters in its errors (`hide_parameters`): a failed insert
    must not carry a customer's name or phone into logs, dead letters or the inbox.
    """
    kwargs.setdefault("hide_parameters", True)
    statement_timeout = float(kwargs.pop("statement_timeout", 0) or 0)
    if url.startswith("sqlite"):
        synchronous = kwargs.pop("sqlite_synchronous", "NORMAL")
        kwargs.pop("pool_size", None)  # one writer at a time: SQLAlchemy's default pool fits
        if synchronous not in ("NORMAL", "FULL", "EXTRA"):
            raise ValueError(f"sqlite_synchronous must be NORMAL, FULL or EXTRA: {synchronous}")
        path = url.split(":///", 1)[-1]
        if path and path != ":memory:":
            from pathlib import Path

            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _on_connect(dbapi_conn: Any, _: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute(f"PRAGMA synchronous={synchronous}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _on_begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    # Connections opened beyond pool_size are closed on return: a TLS handshake each, so
    # the pool covers the usual concurrency and overflow only absorbs bursts.
    kwargs.setdefault("pool_size", 20)
    kwargs.setdefault("max_overflow", 10)
    kwargs.setdefault("pool_pre_ping", False)
    if statement_timeout > 0 and url.startswith("postgresql+asyncpg"):
        connect_args = dict(kwargs.pop("connect_args", {}))
        server_settings = dict(connect_args.get("server_settings", {}))
        server_settings["statement_timeout"] = str(int(statement_timeout * 1000))  # ms
        connect_args["server_settings"] = server_settings
        kwargs["connect_args"] = connect_args
    engine = create_async_engine(url, **kwargs)
    if engine.dialect.driver == "asyncpg":

        @event.listens_for(engine.sync_engine, "checkout")
        def _on_checkout(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
            # A local check of the socket, no round trip; the pool then connects anew.
            if dbapi_conn.driver_connection.is_closed():
                raise sa.exc.DisconnectionError("connection closed by the server")

        event.listen(engine.sync_engine, "handle_error", _discard_cancelled_connection)

    return engine


# SQLSTATE query_canceled: a statement timeout or a cancel request.
_QUERY_CANCELED = "57014"


def _discard_cancelled_connection(ctx: sa.engine.ExceptionContext) -> None:
    """Never pool again a connection whose statement was cancelled.

    A cancel can land while a server-side function holds a session-scoped lock (the event
    store's allocation lock); rolling back does not release it, closing the session does.
    Only this connection is dropped, not the pool. (An asyncio cancel already drops it.)
    """
    if getattr(ctx.original_exception, "sqlstate", None) == _QUERY_CANCELED:
        ctx.is_disconnect = True
        ctx.invalidate_pool_on_disconnect = False


# SQLSTATE classes of a database that is unreachable, shutting down or starting up:
# connection exception, insufficient resources, operator intervention.
_UNAVAILABLE_SQLSTATE_CLASSES = ("08", "53", "57")


def database_unavailable(exc: BaseException) -> bool:
    """The database cannot serve now (down, restarting, connection lost): retry, not a bug."""
    if isinstance(exc, ConnectionError | TimeoutError):
        return True
    driver_error: BaseException | None = exc
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated or isinstance(exc, sa.exc.OperationalError):
            return True
        # SQLAlchemy's adapted error, caused by asyncpg's (which carries the SQLSTATE).
        driver_error = exc.orig.__cause__ or exc.orig if exc.orig is not None else None
    sqlstate = str(getattr(driver_error, "sqlstate", "") or "")
    return sqlstate[:2] in _UNAVAILABLE_SQLSTATE_CLASSES


def advisory_lock_key(name: str) -> int:
    """A stable 64-bit PostgreSQL advisory-lock id for a name."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


_XACT_LOCK = sa.text("SELECT pg_advisory_xact_lock(:key)")  # parsed once per process


async def lock_for_transaction(conn: AsyncConnection, name: str) -> None:
    """Queue transactions on `name` until commit (PostgreSQL; SQLite has one writer)."""
    if conn.dialect.name == "postgresql":
        await conn.execute(_XACT_LOCK, {"key": advisory_lock_key(name)})
