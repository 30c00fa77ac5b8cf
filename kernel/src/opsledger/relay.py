"""Outbox relay: committed events, in global order, to the service's Kafka topic.

The events table is the outbox. The relay reads past its checkpoint, produces every
event (key = stream id, CloudEvents headers), waits until the broker acknowledged all
of them (acks=all), and only then moves the checkpoint. A crash in between re-produces
the batch: at-least-once, never lost; consumers dedupe on `ce_id`. A producer that can
never deliver again (OutOfOrderSequenceNumber and the like, or its sender task ended) is
replaced, and the next poll starts again from the checkpoint (`KafkaConnector`).
"""

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
import structlog
from opsledger_contracts import events_topic
from opsledger_contracts.envelope import CONTENT_TYPE, SPEC_VERSION
from opsledger_contracts.headers import data_schema_uri, schema_base_uri
from sqlalchemy.ext.asyncio import AsyncConnection

from opsledger.catalog import public_event_types as registered_event_types
from opsledger.checkpoints import read_checkpoint, write_checkpoint
from opsledger.clock import as_utc
from opsledger.db import advisory_lock_key, events
from opsledger.eventstore import safe_head
from opsledger.kafka import KafkaConnector, await_acks
from opsledger.runtime import Runtime

log = structlog.get_logger(__name__)

RELAY_CHECKPOINT = "relay:kafka"
# The relay's own read. Every header value comes out as UTF-8 bytes in its header
# form (ce_id and ce_time text as the envelope writes them), formatted by the database
# rather than per event in Python; the value is the payload's stored JSON text.
_PG_BATCH = sa.text(
    "SELECT position, event_type, schema_version,"
    " convert_to(event_id::text, 'UTF8'),"
    " convert_to(stream_id, 'UTF8'),"
    " convert_to(stream_type, 'UTF8'),"
    " convert_to(version::text, 'UTF8'),"
    " convert_to(site_id, 'UTF8'),"
    " convert_to(actor, 'UTF8'),"
    " convert_to(correlation_id, 'UTF8'),"
    " convert_to(causation_id, 'UTF8'),"
    # isoformat() leaves out a zero fraction
    " convert_to(replace(to_char(occurred_at AT TIME ZONE 'UTC',"
    " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), '.000000Z', 'Z'), 'UTF8'),"
    " convert_to(payload::text, 'UTF8')"
    " FROM events WHERE position > coalesce(:after,"
    " (SELECT position FROM checkpoints WHERE name = :checkpoint), 0)"
    " AND position <= :head ORDER BY position LIMIT :n"
)
# SQLite: for the driver itself (see _read).
_SQLITE_BATCH = (
    "SELECT position, event_type, schema_version,"
    " CAST(event_id AS BLOB),"  # 32 hex digits: _dashed() (cheaper than SQLite's substr)
    " CAST(stream_id AS BLOB),"
    " CAST(stream_type AS BLOB),"
    " CAST(CAST(version AS TEXT) AS BLOB),"
    " CAST(site_id AS BLOB),"
    " CAST(actor AS BLOB),"
    " CAST(correlation_id AS BLOB),"
    " CAST(causation_id AS BLOB),"
    # stored as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC (the store's and SQLAlchemy's form)
    " CAST(replace(replace(occurred_at, ' ', 'T') || 'Z', '.000000Z', 'Z') AS BLOB),"
    " CAST(payload AS BLOB)"
    " FROM events WHERE position > coalesce(?,"
    " (SELECT position FROM checkpoints WHERE name = ?), 0)"
    " ORDER BY position LIMIT ?"
)
# Advisory lock id of the relay leader: one relay per service database.
_LOCK_KEY = advisory_lock_key("opsledger.relay")
_SPEC_VERSION = ("ce_specversion", SPEC_VERSION.encode())
_CONTENT_TYPE = ("content-type", CONTENT_TYPE.encode())
Header = tuple[str, bytes]
Headers = list[Header]
_OfType = tuple[bool, Header, Header, Header]  # upcast?, ce_type, ce_dataschema, ce_schemaversion


class OutboxRelay:
    def __init__(
        self,
        runtime: Runtime,
        kafka: KafkaConnector,
        batch_size: int = 500,
        topic_prefix: str = "",
        private_event_types: frozenset[str] = frozenset(),
        public_event_types: frozenset[str] | None = None,
    ) -> None:
        self._rt = runtime
        self._kafka = kafka
        self._batch_size = batch_size
        # Publishing is an allow-list: the service's registered contracts, never a type
        # that is declared private or merely stored (the checkpoint moves past those).
        # (`public_event_types`: another allow-list than the registry's, for tests.)
        public = public_event_types
        if public is None:
            public = registered_event_types(runtime.service)
        self._public = public - private_event_types
        self.topic = topic_prefix + events_topic(runtime.service)
        self._leader: AsyncConnection | None = None
        self._read_ahead: asyncio.Task[list[tuple[Any, ...]]] | None = None
        self._upcasters = runtime.store.upcasters
        self._source = ("ce_source", f"/opsledger/{runtime.service}".encode())
        self._by_type: dict[tuple[str, int], _OfType] = {}  # (type, stored version)
        self._schema_base = ""

    async def is_leader(self) -> bool:
        """Only one relay per database publishes (replicas would only add duplicates).

        On PostgreSQL the leader holds a session advisory lock on a connection of its
        own; it goes with the connection, so a crashed leader's lock is freed at once
        and another replica takes over on its next poll. SQLite has one process.
        """
        if self._rt.engine.dialect.name != "postgresql":
            return True
        if self._leader is not None:
            try:
                await self._leader.execute(sa.text("SELECT 1"))
                await self._leader.commit()
                return True
            except Exception:
                await self.resign()
        conn = await self._connect()
        got = (
            await conn.execute(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": _LOCK_KEY})
        ).scalar()
        await conn.commit()  # the session lock outlives the transaction
        if got:
            self._leader = conn
            return True
        await conn.close()
        return False

    async def resign(self) -> None:
        """Give up leadership: unlock, or drop the connection so the server frees it."""
        self._drop_read_ahead()
        if self._leader is None:
            return
        conn, self._leader = self._leader, None
        try:
            await conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": _LOCK_KEY})
            await conn.commit()
            await conn.close()  # back to the pool, lock released
        except Exception:
            with contextlib.suppress(Exception):
                await conn.invalidate()  # never pool a connection that may hold the lock
                await conn.close()

    async def publish_batch(self) -> int:
        """Produce the next batch; returns how many events were published.

        Sends the whole batch without waiting (the producer pipelines it, keeping order
        per partition), then awaits every ack, and only then moves the checkpoint. While
        a backlog lasts, the next batch is read meanwhile (the database's round trips
        overlap the broker's); a failed batch drops that read-ahead, so the next call
        starts again from the checkpoint.
        """
        rt = self._rt
        if not await self.is_leader():  # losing the lead (resign) drops the read-ahead
            return 0
        rows = await self._next_rows()
        if not rows:
            return 0
        last = rows[-1][0]
        if len(rows) == self._batch_size:  # a full batch: more is likely waiting
            self._read_ahead = asyncio.create_task(self._read(last))
        producer = None
        try:
            producer = await self._kafka.producer()
            topic, send = self.topic, producer.send
            acks = [
                await send(topic, key=key, value=value, headers=headers)
                for key, value, headers in self._records(rows)
            ]
            await await_acks(acks)
            async with self._connection() as conn:
                await write_checkpoint(conn, RELAY_CHECKPOINT, last, rt.clock)
                await conn.commit()
        except BaseException as exc:
            self._drop_read_ahead()
            if producer is not None:  # a producer that can never deliver again is replaced
                self._kafka.discard_if_fatal(producer, exc)
            raise
        rt.metrics.relay_published.inc(len(acks))
        return len(rows)

    async def _next_rows(self) -> list[tuple[Any, ...]]:
        """The batch after the checkpoint: the read-ahead if it found any, else read now.

        An empty read-ahead is not trusted: it ran before the previous checkpoint moved,
        and an event committed since must not wait for the next wake-up.
        """
        ahead, self._read_ahead = self._read_ahead, None
        if ahead is not None and (rows := await ahead):
            return rows
        return await self._read(None)

    async def _read(self, after: int | None) -> list[tuple[Any, ...]]:
        """Up to a batch of rows after `after` (None: after the stored checkpoint).

        Plain tuples of str/int/bytes: the garbage collector stops tracking them, while
        a batch of Rows lived long enough to trigger full collections.
        """
        async with self._connection() as conn:
            if conn.dialect.name == "postgresql":  # never past an in-flight append
                params = {"after": after, "checkpoint": RELAY_CHECKPOINT, "n": self._batch_size}
                params["head"] = await safe_head(conn)
                return [tuple(row) for row in await conn.execute(_PG_BATCH, params)]
            # On the driver, outside SQLAlchemy's transaction: its BEGIN IMMEDIATE would
            # take the write lock for a read (stalling appends, and the checkpoint write
            # while the next batch is read ahead). Safe without it: the single writer
            # commits positions in order, so no gap can fill in later.
            driver: Any = (await conn.get_raw_connection()).driver_connection
            fetched = await driver.execute_fetchall(
                _SQLITE_BATCH, (after, RELAY_CHECKPOINT, self._batch_size)
            )
            return list(fetched)

    async def _connect(self) -> AsyncConnection:
        """A connection; on PostgreSQL in autocommit: each of the relay's statements stands
        alone (a read's snapshot is per statement anyway), so no BEGIN and COMMIT or
        ROLLBACK round trips around them."""
        conn = await self._rt.engine.connect()
        if conn.dialect.name == "postgresql":
            await conn.execution_options(isolation_level="AUTOCOMMIT")
        return conn

    @contextlib.asynccontextmanager
    async def _connection(self) -> AsyncIterator[AsyncConnection]:
        conn = await self._connect()
        try:
            yield conn
        finally:
            await conn.close()

    def _drop_read_ahead(self) -> None:
        ahead, self._read_ahead = self._read_ahead, None
        if ahead is not None:
            ahead.cancel()
            # Its failure, if any, is moot now: retrieve it so asyncio does not log it.
            ahead.add_done_callback(lambda task: task.cancelled() or task.exception())

    def _records(self, rows: Sequence[tuple[Any, ...]]) -> Iterator[tuple[bytes, bytes, Headers]]:
        """(key, value, headers) of every row of a public contract, in position order.

        Straight from the stored columns: they were validated when appended, so no
        envelope model per event (that cost more than producing the record). The headers
        are exactly `EventEnvelope.to_kafka_headers()` (tests compare the two).
        """
        base = schema_base_uri()  # once per batch: the setting may change, rarely
        if base != self._schema_base:
            self._schema_base, self._by_type = base, {}
        by_type, public, source = self._by_type, self._public, self._source
        canonical_id = _dashed if self._rt.engine.dialect.name == "sqlite" else _same
        for (
            _position,
            event_type,
            stored_version,
            ce_id,
            key,
            stream_type,
            version,
            site_id,
            actor,
            correlation_id,
            causation_id,
            ce_time,
            body,
        ) in rows:
            if event_type not in public:
                continue  # stays in the store; the checkpoint still moves past it
            of_type = by_type.get((event_type, stored_version))
            if of_type is None:
                of_type = by_type[(event_type, stored_version)] = self._of_type(
                    event_type, stored_version
                )
            upcast, ce_type, ce_dataschema, ce_schemaversion = of_type
            value = self._upcast(event_type, stored_version, body) if upcast else body
            headers = [
                _SPEC_VERSION,
                ("ce_id", canonical_id(ce_id)),
                ce_type,
                source,
                ("ce_subject", key),
                ("ce_time", ce_time),
                ce_dataschema,
                _CONTENT_TYPE,
                ("ce_siteid", site_id),
                ("ce_streamtype", stream_type),
                ("ce_streamversion", version),
                ce_schemaversion,
                ("ce_correlationid", correlation_id),
            ]
            if causation_id is not None:
                headers.append(("ce_causationid", causation_id))
            headers.append(("ce_actor", actor))
            yield key, value, headers

    def _of_type(self, event_type: str, stored_version: int) -> _OfType:
        """Whether events of this type and stored version go out upcast, and the headers
        that depend on the type and the (published) schema version only.

        Upcast on read: an old stored event goes out in its newest schema version.
        """
        version = stored_version
        while self._upcasters.has_step(event_type, version):
            version += 1
        path = f"schemas/{self._rt.service}/{event_type}.v{version}.json"
        return (
            version != stored_version,
            ("ce_type", f"opsledger.{self._rt.service}.{event_type}".encode()),
            ("ce_dataschema", data_schema_uri(path, self._schema_base).encode()),
            ("ce_schemaversion", str(version).encode()),
        )

    def _upcast(self, event_type: str, stored_version: int, body: bytes) -> bytes:
        _, payload = self._upcasters.upcast(event_type, stored_version, json.loads(body))
        return _json(payload)

    async def measure_backlog(self) -> tuple[int, float]:
        """(unpublished events, age in seconds of the oldest) — also set as metrics."""
        rt = self._rt
        async with rt.engine.connect() as conn:
            position = await read_checkpoint(conn, RELAY_CHECKPOINT)
            row = (
                await conn.execute(
                    sa.select(sa.func.count(), sa.func.min(events.c.recorded_at)).where(
                        events.c.position > position
                    )
                )
            ).one()
        count, oldest = int(row[0]), row[1]
        age = 0.0
        if oldest is not None:
            age = max(0.0, (rt.clock.now() - as_utc(oldest)).total_seconds())
        rt.metrics.outbox_backlog.set(count)
        rt.metrics.outbox_oldest_age.set(age)
        return count, age


def _dashed(stored: bytes) -> bytes:
    """The canonical text of a UUID SQLite keeps as its 32 hex digits."""
    if len(stored) != 32:
        return stored
    return b"-".join((stored[:8], stored[8:12], stored[12:16], stored[16:20], stored[20:]))


def _same(value: bytes) -> bytes:
    return value


def _json(payload: object) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False, default=str).encode()
