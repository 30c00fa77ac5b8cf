"""Kafka knows who is talking: against the real broker that deploy/local/kafka.sh runs
(SASL/SCRAM, a principal per service, deny-by-default ACLs from deploy/local/kafka/acls.txt).

Without it, any client that reaches the broker could publish an event that a consumer
executes as `system`. The probes written here to the services' real topics carry a
CloudEvents type no consumer subscribes to, so a service that later reads them ignores them.
"""

import asyncio
import os
from pathlib import Path
from uuid import uuid4

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError, TopicAuthorizationFailedError
from aiokafka.structs import RecordMetadata
from opsledger.kafka import KafkaConnector, KafkaSecurity
from opsledger.service import load_service
from opsledger_contracts import SERVICES, dlq_topic, events_topic
from opsledger_contracts.anchors import anchors_topic

from tests.kafka_clients import kafka_consumer, kafka_security
from tests.kernel.messages import Message, ping_message

REPO = Path(__file__).resolve().parents[2]
ACLS = REPO / "deploy" / "local" / "kafka" / "acls.txt"
CALLCENTER = events_topic("callcenter")

# -- the ACL file says what the service definitions need, no more --------------------------


def _acl_lines() -> set[tuple[str, str, str, str, str]]:
    lines = set()
    for raw in ACLS.read_text().splitlines():
        if raw.strip() and not raw.lstrip().startswith("#"):
            who, operations, resource, pattern, name = raw.split()
            for operation in operations.split(","):
                lines.add((who, operation, resource, pattern, name))
    return lines


def _needed(service: str) -> set[tuple[str, str, str, str, str]]:
    def topic(name: str, *operations: str) -> set[tuple[str, str, str, str, str]]:
        return {(service, op, "Topic", "Literal", "{prefix}" + name) for op in operations}

    needed = topic(events_topic(service), "Write", "Create")  # the relay; ensure_topics
    needed |= topic(anchors_topic(service), "Write", "Create")  # the chain's published heads
    for consumed in {inbound.topic for inbound in load_service(service).inbound()}:
        needed |= topic(consumed, "Read", "Create")
        needed |= topic(dlq_topic(consumed), "Write", "Read", "Create")  # dead letters; dlq list
    needed.add((service, "Read", "Group", "Prefixed", f"{{prefix}}opsledger.{service}."))
    needed.add((service, "IdempotentWrite", "Cluster", "Literal", "kafka-cluster"))
    return needed


def test_the_acl_file_grants_each_service_what_its_definition_needs_and_nothing_more() -> None:
    expected = set().union(*(_needed(service) for service in SERVICES))

    assert _acl_lines() == expected


# -- against the real broker ---------------------------------------------------------------


def _credentials_dir() -> Path:
    explicit = os.environ.get("OPSLEDGER_TEST_KAFKA_CREDENTIALS")
    if explicit:
        return Path(explicit)
    password_file = os.environ.get("OPSLEDGER_KAFKA_PASSWORD_FILE", "")
    if not password_file or "{service}" in password_file:
        pytest.fail(
            "the per-service Kafka passwords are not known: set OPSLEDGER_TEST_KAFKA_CREDENTIALS "
            "to the credentials directory deploy/local/kafka.sh made, or export "
            "`deploy/local/kafka.sh env admin` (its password file sits beside the others)"
        )
    return Path(password_file).parent


def as_principal(name: str) -> KafkaSecurity:
    """The identity of principal `name`, as kafka.sh generated it."""
    base = kafka_security()
    password = (_credentials_dir() / f"{name}.password").read_text().strip()
    return KafkaSecurity(base.protocol, base.mechanism, name, password, base.ssl_cafile)


def probe(key: str) -> Message:
    """A well-formed message of a type no consumer subscribes to (it is ignored if read)."""
    _, value, headers = ping_message(ping_id=key)
    headers = [
        (k, b"opsledger.callcenter.KafkaIdentityProbe" if k == "ce_type" else v) for k, v in headers
    ]
    return key.encode(), value, headers


async def send(producer: AIOKafkaProducer, topic: str, message: Message) -> RecordMetadata:
    key, value, headers = message
    return await producer.send_and_wait(topic, value, key=key, headers=headers)


async def _end_offsets(bootstrap: str, topic: str) -> dict[TopicPartition, int]:
    consumer = kafka_consumer(bootstrap)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        assert parts, f"{topic} does not exist"
        return dict(await consumer.end_offsets(parts))
    finally:
        await consumer.stop()


async def _read_until(
    consumer: AIOKafkaConsumer, start: dict[TopicPartition, int], marker: bytes
) -> list[ConsumerRecord[bytes, bytes]]:
    """Every record after `start` up to the one keyed `marker` (30 s at most)."""
    consumer.assign(list(start))
    for tp, offset in start.items():
        consumer.seek(tp, offset)
    records: list[ConsumerRecord[bytes, bytes]] = []
    async with asyncio.timeout(30):
        while not any(r.key == marker for r in records):
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                records.extend(batch)
    return records


@pytest.fixture
async def callcenter_topic(kafka_bootstrap: str) -> str:
    """callcenter's events topic exists (created as callcenter, which may create it)."""
    kafka = KafkaConnector(kafka_bootstrap, "identity-test", as_principal("callcenter"))
    try:
        await kafka.ensure_topics([CALLCENTER])
    finally:
        await kafka.close()
    return CALLCENTER


@pytest.mark.kafka
@pytest.mark.parametrize("login", ["none", "wrong-password"])
async def test_a_client_that_does_not_log_in_as_a_principal_cannot_produce(
    kafka_bootstrap: str, callcenter_topic: str, login: str
) -> None:
    options = (
        {}
        if login == "none"
        else KafkaSecurity(
            kafka_security().protocol, kafka_security().mechanism, "callcenter", "not-it"
        ).client_options()
    )
    before = await _end_offsets(kafka_bootstrap, callcenter_topic)
    stranger = AIOKafkaProducer(
        bootstrap_servers=kafka_bootstrap, request_timeout_ms=5_000, **options
    )
    key = f"stranger-{uuid4().hex}"

    async def start_and_send() -> None:
        async with asyncio.timeout(20):
            await stranger.start()
            await send(stranger, callcenter_topic, probe(key))

    with pytest.raises((KafkaError, TimeoutError)):
        await start_and_send()
    await stranger.stop()

    assert await _end_offsets(kafka_bootstrap, callcenter_topic) == before


@pytest.mark.kafka
async def test_fleet_cannot_produce_to_callcenters_topic_nor_see_it(
    kafka_bootstrap: str, callcenter_topic: str
) -> None:
    fleet = KafkaConnector(kafka_bootstrap, "opsledger-fleet", as_principal("fleet"))
    try:
        producer = await fleet.producer()
        with pytest.raises(TopicAuthorizationFailedError):
            await send(producer, callcenter_topic, probe(f"forged-{uuid4().hex}"))
        visible = (await producer.client.fetch_all_metadata()).topics()
    finally:
        await fleet.close()

    assert callcenter_topic not in visible  # no Describe either: fleet does not consume it


@pytest.mark.kafka
async def test_a_service_produces_to_its_own_topic_and_its_consumer_reads_it_in_its_group(
    kafka_bootstrap: str, callcenter_topic: str
) -> None:
    callcenter = KafkaConnector(kafka_bootstrap, "opsledger-callcenter", as_principal("callcenter"))
    before = await _end_offsets(kafka_bootstrap, callcenter_topic)
    key = f"probe-{uuid4().hex}"
    try:
        producer = await callcenter.producer()
        sent = await send(producer, callcenter_topic, probe(key))
    finally:
        await callcenter.close()
    # dispatch consumes callcenter's events, under its own consumer groups.
    group = f"opsledger.dispatch.identity-test-{uuid4().hex[:8]}"
    dispatch = AIOKafkaConsumer(
        bootstrap_servers=kafka_bootstrap,
        group_id=group,
        enable_auto_commit=False,
        **as_principal("dispatch").client_options(),
    )
    await dispatch.start()
    try:
        records = await _read_until(dispatch, before, key.encode())
        tp = TopicPartition(callcenter_topic, sent.partition)
        await dispatch.commit({tp: sent.offset + 1})  # Read on its group
        assert await dispatch.committed(tp) == sent.offset + 1
    finally:
        await dispatch.stop()

    assert [r.offset for r in records if r.key == key.encode()] == [sent.offset]


@pytest.mark.kafka
async def test_a_forged_event_from_another_principal_never_reaches_the_consumer(
    kafka_bootstrap: str, callcenter_topic: str
) -> None:
    before = await _end_offsets(kafka_bootstrap, callcenter_topic)
    # fleet forges callcenter's DiagnosticPingSent, which dispatch would execute as system.
    forged = ping_message(ping_id=f"forged-{uuid4().hex[:8]}")
    fleet = KafkaConnector(kafka_bootstrap, "opsledger-fleet", as_principal("fleet"))
    try:
        with pytest.raises(TopicAuthorizationFailedError):
            await send(await fleet.producer(), callcenter_topic, forged)
    finally:
        await fleet.close()
    # Then callcenter publishes for real: once dispatch has read that, it has read all.
    marker = f"marker-{uuid4().hex}"
    callcenter = KafkaConnector(kafka_bootstrap, "opsledger-callcenter", as_principal("callcenter"))
    try:
        await send(await callcenter.producer(), callcenter_topic, probe(marker))
    finally:
        await callcenter.close()

    dispatch = AIOKafkaConsumer(
        bootstrap_servers=kafka_bootstrap,
        enable_auto_commit=False,
        **as_principal("dispatch").client_options(),
    )
    await dispatch.start()
    try:
        records = await _read_until(dispatch, before, marker.encode())
    finally:
        await dispatch.stop()

    assert forged[0] not in {r.key for r in records}
    assert any(r.key == marker.encode() for r in records)
