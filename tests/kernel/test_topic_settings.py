"""OPSLEDGER_KAFKA_PARTITIONS / OPSLEDGER_KAFKA_REPLICATION_FACTOR: the topics a service
creates get them (issue #12 item 3: replicas share a topic's work through its partitions)."""

from pathlib import Path
from uuid import uuid4

import pytest
from opsledger.app import ServiceApp
from opsledger.service import load_service
from opsledger.settings import Settings
from opsledger_contracts import dlq_topic, events_topic
from pydantic import ValidationError

from tests.kafka_clients import kafka_consumer


def test_partitions_and_replication_default_to_one_broker_with_three_partitions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OPSLEDGER_KAFKA_PARTITIONS", raising=False)
    monkeypatch.delenv("OPSLEDGER_KAFKA_REPLICATION_FACTOR", raising=False)
    settings = Settings()
    assert (settings.kafka_partitions, settings.kafka_replication_factor) == (3, 1)
    monkeypatch.setenv("OPSLEDGER_KAFKA_PARTITIONS", "12")
    monkeypatch.setenv("OPSLEDGER_KAFKA_REPLICATION_FACTOR", "3")
    settings = Settings()
    assert (settings.kafka_partitions, settings.kafka_replication_factor) == (12, 3)
    monkeypatch.setenv("OPSLEDGER_KAFKA_PARTITIONS", "0")
    with pytest.raises(ValidationError):
        Settings()


async def _partitions(bootstrap: str, topic: str) -> int:
    consumer = kafka_consumer(bootstrap)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        return len(consumer.partitions_for_topic(topic) or ())
    finally:
        await consumer.stop()


@pytest.mark.kafka
async def test_a_service_creates_its_topics_with_the_configured_partitions(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    prefix = f"parts{uuid4().hex[:8]}."
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'dispatch.db'}",
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_topic_prefix=prefix,
        kafka_partitions=5,
        dev_mode=True,
    )
    app = ServiceApp(load_service("callcenter"), settings)
    try:
        await app._connect_kafka()
        own = prefix + events_topic("callcenter")
        consumed = prefix + events_topic("dispatch")
        for topic in (own, consumed, dlq_topic(consumed)):
            assert await _partitions(kafka_bootstrap, topic) == 5, topic
    finally:
        await app.stop()
