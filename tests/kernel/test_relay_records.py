"""What the outbox relay hands the producer, and when it moves its checkpoint.

A recording producer stands in for Kafka (the broker round trip is covered in
test_kafka_relay_consumers): every record must be the stored event with exactly the
headers `EventEnvelope.to_kafka_headers()` writes (the contract's one definition),
private events are never sent, and the checkpoint moves only once every ack is in.
"""

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from opsledger.catalog import public_event_types
from opsledger.checkpoints import read_checkpoint
from opsledger.clock import SystemClock
from opsledger.db import create_engine
from opsledger.eventstore import EventStore, RecordedEvent
from opsledger.kafka import KafkaConnector
from opsledger.metrics import Metrics
from opsledger.migrate import upgrade
from opsledger.relay import RELAY_CHECKPOINT, OutboxRelay
from opsledger.runtime import CommandContext, Runtime
from opsledger_contracts import UpcasterChain
from opsledger_contracts.events.callcenter import DiagnosticPingSent
from opsledger_contracts.headers import SCHEMA_BASE_ENV
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import KERNEL_ONLY
from tests.kernel.payloads import CounterIncremented

Record = tuple[str, bytes, bytes, list[tuple[str, bytes]]]


class RecordingProducer:
    """`send` like aiokafka's: returns a future the test resolves (or not) later."""

    def __init__(self, auto_ack: bool = True) -> None:
        self.auto_ack = auto_ack
        self.sent: list[Record] = []
        self.acks: list[asyncio.Future[None]] = []
        self.expected = 0
        self.all_sent = asyncio.Event()

    async def send(
        self, topic: str, value: bytes, key: bytes, headers: list[tuple[str, bytes]]
    ) -> asyncio.Future[None]:
        self.sent.append((topic, key, value, list(headers)))
        ack: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if self.auto_ack:
            ack.set_result(None)
        self.acks.append(ack)
        if len(self.sent) == self.expected:
            self.all_sent.set()
        return ack


class FakeKafka(KafkaConnector):
    def __init__(self, producer: RecordingProducer) -> None:
        super().__init__("127.0.0.1:1", "test-relay-records")
        self.fake = producer

    async def producer(self, wait_seconds: float = 10.0) -> Any:
        return self.fake


def _upcasters() -> UpcasterChain:
    chain = UpcasterChain()

    @chain.register("CounterIncremented", 1)
    def _v1_to_v2(payload: dict[str, object]) -> dict[str, object]:
        return {"amount": payload["by"], "reason": "unknown"}

    return chain


@pytest.fixture
def runtime(engine: AsyncEngine) -> Runtime:
    clock = SystemClock()
    store = EventStore(clock, upcasters=_upcasters())
    return Runtime("callcenter", engine, clock, Metrics("callcenter"), store=store)


MakeRelay = Callable[..., OutboxRelay]
# The test counter goes out as if it were one of callcenter's contracts (to be upcast).
PUBLIC = public_event_types("callcenter") | {"CounterIncremented"}


@pytest.fixture
async def make_relay(runtime: Runtime) -> AsyncIterator[MakeRelay]:
    """Relays on a recording producer; each gives up leadership at the end (PostgreSQL)."""
    made: list[OutboxRelay] = []

    def make(producer: RecordingProducer, **kwargs: Any) -> OutboxRelay:
        kwargs.setdefault("public_event_types", PUBLIC)
        made.append(OutboxRelay(runtime, FakeKafka(producer), **kwargs))
        return made[-1]

    yield make
    for relay in made:
        await relay.resign()


async def _checkpoint(runtime: Runtime) -> int:
    async with runtime.engine.connect() as conn:
        return await read_checkpoint(conn, RELAY_CHECKPOINT)


async def _stored(runtime: Runtime) -> list[RecordedEvent]:
    async with runtime.engine.connect() as conn:
        return await runtime.store.read_all(conn, 0, 1000)


def _ping(i: int) -> DiagnosticPingSent:
    return DiagnosticPingSent(ping_id=f"p{i}", message="m")


async def _append_mixed(runtime: Runtime) -> None:
    """Events that exercise every header: with and without causation, whole seconds,
    non-ASCII text, an old schema version that goes out upcast, a private event."""
    plain = CommandContext("staff-1", "site-a", "corr-1")
    caused = CommandContext("Zoë Ødegård", "site-ü", "corr-2", causation_id="cmd-7")
    whole_second = datetime(2026, 3, 1, 8, 30, 0, tzinfo=UTC)
    with_micros = datetime(2026, 3, 1, 8, 30, 0, 120, tzinfo=UTC)
    async with runtime.transaction() as tx:
        await tx.append("ping-ä", "DiagnosticPing", 0, [plain.event(_ping(1), whole_second)])
        await tx.append("ping-ä", "DiagnosticPing", 1, [caused.event(_ping(2), with_micros)])
        await tx.append("counter-1", "Counter", 0, [caused.event(CounterIncremented(by=5))])
        await tx.append("ping-b", "DiagnosticPing", 0, [plain.event(_ping(3))])


def _expected(events: list[RecordedEvent], private: frozenset[str] = frozenset()) -> list[Any]:
    return [
        (e.stream_id.encode(), e.payload, e.envelope("callcenter").to_kafka_headers())
        for e in events
        if e.event_type not in private
    ]


def _got(producer: RecordingProducer) -> list[Any]:
    return [(key, json.loads(value), headers) for _, key, value, headers in producer.sent]


async def test_records_are_the_stored_events_with_exactly_the_envelope_headers(
    runtime: Runtime, make_relay: MakeRelay
) -> None:
    await _append_mixed(runtime)
    producer = RecordingProducer()
    relay = make_relay(producer, batch_size=3)
    while await relay.publish_batch():
        pass
    stored = await _stored(runtime)
    assert [e.schema_version for e in stored] == [1, 1, 2, 1]  # the counter went out as v2
    assert _got(producer) == _expected(stored)
    assert {topic for topic, *_ in producer.sent} == {relay.topic}
    assert await _checkpoint(runtime) == stored[-1].position


async def test_ce_time_is_utc_whatever_the_database_session_time_zone(
    database_url: str,
) -> None:
    # PostgreSQL formats ce_time: a session in Newfoundland (UTC-03:30, DST) must not
    # shift it.
    settings = {"server_settings": {"timezone": "America/St_Johns"}}
    engine = create_engine(
        database_url, **({"connect_args": settings} if "postgresql" in database_url else {})
    )
    try:
        await upgrade(engine, KERNEL_ONLY)
        clock = SystemClock()
        runtime = Runtime("callcenter", engine, clock, Metrics("callcenter"), EventStore(clock))
        await _append_mixed(runtime)
        producer = RecordingProducer()
        relay = OutboxRelay(runtime, FakeKafka(producer), public_event_types=PUBLIC)
        assert await relay.publish_batch() == 4
        await relay.resign()
        assert _got(producer) == _expected(await _stored(runtime))
        assert dict(producer.sent[0][3])["ce_time"] == b"2026-03-01T08:30:00Z"
    finally:
        await engine.dispose()


async def test_private_events_are_never_sent_but_the_checkpoint_passes_them(
    runtime: Runtime, make_relay: MakeRelay
) -> None:
    await _append_mixed(runtime)
    private = frozenset({"CounterIncremented"})
    producer = RecordingProducer()
    relay = make_relay(producer, private_event_types=private)
    assert await relay.publish_batch() == 4  # passed, of which three were sent
    stored = await _stored(runtime)
    assert _got(producer) == _expected(stored, private)
    assert len(producer.sent) == 3
    assert await _checkpoint(runtime) == stored[-1].position


async def test_the_schema_base_setting_is_followed_between_batches(
    runtime: Runtime, make_relay: MakeRelay, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _append_mixed(runtime)
    producer = RecordingProducer()
    relay = make_relay(producer, batch_size=2)
    assert await relay.publish_batch() == 2
    monkeypatch.setenv(SCHEMA_BASE_ENV, "https://schemas.example.org/v/")
    while await relay.publish_batch():
        pass
    schemas = [dict(headers)["ce_dataschema"] for *_, headers in producer.sent]
    assert [s.startswith(b"https://opsledger.example/contracts/") for s in schemas] == [
        True,
        True,
        False,
        False,
    ]
    assert _got(producer)[2:] == _expected((await _stored(runtime))[2:])


async def test_checkpoint_moves_only_after_every_ack_and_a_failed_batch_is_sent_again(
    runtime: Runtime, make_relay: MakeRelay
) -> None:
    ctx = CommandContext("staff-1", "site-a", "corr")
    async with runtime.transaction() as tx:
        await tx.append("ping-1", "DiagnosticPing", 0, [ctx.event(_ping(i)) for i in range(3)])
    producer = RecordingProducer(auto_ack=False)
    producer.expected = 3
    relay = make_relay(producer)
    publishing = asyncio.create_task(relay.publish_batch())
    await producer.all_sent.wait()
    for ack in producer.acks[:2]:
        ack.set_result(None)
    await asyncio.sleep(0)  # let the relay see the first acks
    assert not publishing.done()
    assert await _checkpoint(runtime) == 0
    producer.acks[2].set_exception(RuntimeError("NotEnoughReplicas"))
    with pytest.raises(RuntimeError):
        await publishing
    assert await _checkpoint(runtime) == 0  # nothing is lost: the batch goes again

    producer.auto_ack = True
    assert await relay.publish_batch() == 3
    assert [dict(h)["ce_streamversion"] for *_, h in producer.sent] == [
        b"1",
        b"2",
        b"3",
        b"1",
        b"2",
        b"3",
    ]
    assert await _checkpoint(runtime) == (await _stored(runtime))[-1].position


def _versions(producer: RecordingProducer) -> list[int]:
    return [int(dict(headers)["ce_streamversion"]) for *_, headers in producer.sent]


async def _append_pings(runtime: Runtime, stream: str, after: int, count: int) -> None:
    ctx = CommandContext("staff-1", "site-a", "corr")
    async with runtime.transaction() as tx:
        events = [ctx.event(_ping(after + i)) for i in range(count)]
        await tx.append(stream, "DiagnosticPing", after, events)


async def test_a_backlog_goes_out_once_in_order_with_the_next_batch_read_ahead(
    runtime: Runtime, make_relay: MakeRelay
) -> None:
    await _append_pings(runtime, "ping-1", 0, 5)
    producer = RecordingProducer()
    relay = make_relay(producer, batch_size=2)
    assert await relay.publish_batch() == 2  # full: the next batch is read meanwhile
    await _append_pings(runtime, "ping-1", 5, 2)  # lands after that read-ahead
    while await relay.publish_batch():
        pass
    assert _versions(producer) == [1, 2, 3, 4, 5, 6, 7]
    assert await _checkpoint(runtime) == (await _stored(runtime))[-1].position


async def test_an_empty_read_ahead_is_not_trusted(runtime: Runtime, make_relay: MakeRelay) -> None:
    await _append_pings(runtime, "ping-1", 0, 2)
    producer = RecordingProducer()
    relay = make_relay(producer, batch_size=2)
    assert await relay.publish_batch() == 2
    ahead = relay._read_ahead  # white box: let it finish, so the event surely lands after
    assert ahead is not None
    assert await ahead == []  # it found nothing; an event lands only now
    await _append_pings(runtime, "ping-1", 2, 1)
    assert await relay.publish_batch() == 1
    assert _versions(producer) == [1, 2, 3]


async def test_a_failed_batch_drops_the_read_ahead_and_goes_again_from_the_checkpoint(
    runtime: Runtime, make_relay: MakeRelay
) -> None:
    await _append_pings(runtime, "ping-1", 0, 4)
    producer = RecordingProducer(auto_ack=False)
    producer.expected = 2
    relay = make_relay(producer, batch_size=2)
    publishing = asyncio.create_task(relay.publish_batch())
    await producer.all_sent.wait()  # the read of events 3 and 4 has started by now
    producer.acks[0].set_exception(RuntimeError("RequestTimedOut"))
    producer.acks[1].set_result(None)
    with pytest.raises(RuntimeError):
        await publishing
    producer.auto_ack = True
    while await relay.publish_batch():
        pass
    assert _versions(producer) == [1, 2, 1, 2, 3, 4]  # 1 and 2 again, never skipped
    assert await _checkpoint(runtime) == (await _stored(runtime))[-1].position


async def test_a_relay_that_led_again_reads_from_the_checkpoint_not_its_old_read_ahead(
    runtime: Runtime, make_relay: MakeRelay
) -> None:
    await _append_pings(runtime, "ping-1", 0, 6)
    first_producer, second_producer = RecordingProducer(), RecordingProducer()
    first = make_relay(first_producer, batch_size=2)
    second = make_relay(second_producer, batch_size=2)
    assert await first.publish_batch() == 2  # reads 3 and 4 ahead
    await first.resign()  # e.g. its database connection was lost
    assert await second.publish_batch() == 2
    await second.resign()
    assert await first.publish_batch() == 2
    assert _versions(first_producer) == [1, 2, 5, 6]
    assert _versions(second_producer) == [3, 4]


async def test_reading_a_batch_does_not_wait_for_a_writer(
    runtime: Runtime, make_relay: MakeRelay
) -> None:
    # SQLite: a read inside SQLAlchemy's transaction would BEGIN IMMEDIATE, i.e. queue
    # for the write lock behind every append (here until the busy timeout fails it).
    await _append_pings(runtime, "ping-1", 0, 2)
    producer = RecordingProducer()
    producer.expected = 2
    relay = make_relay(producer)
    async with runtime.engine.begin() as writer:
        await writer.execute(sa.text("SELECT 1"))  # the write lock is taken by now
        publishing = asyncio.create_task(relay.publish_batch())
        sent = asyncio.create_task(producer.all_sent.wait())
        await asyncio.wait({publishing, sent}, return_when=asyncio.FIRST_COMPLETED)
        assert sent.done(), publishing.exception()  # both events read and produced
    assert await publishing == 2
