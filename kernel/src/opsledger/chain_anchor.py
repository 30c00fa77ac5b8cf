"""Publishing the chain head (`ChainHeadAnchored`) and reading the published heads back.

Every `OPSLEDGER_CHAIN_ANCHOR_SECONDS` a service publishes the position and hash of the
last chained event to `opsledger.<service>.anchors` (the contract:
opsledger_contracts.anchors), once per new head: an idle service publishes nothing and
writes nothing. A copy of that topic kept out of the database administrators' reach is
what catches a log rewritten as a whole, chain included (`opsledger verify --against`).
Several replicas may publish the same head: harmless, the heads agree.
"""

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

from aiokafka import AIOKafkaConsumer, TopicPartition
from opsledger_contracts.anchors import ChainHeadAnchored
from opsledger_contracts.envelope import CONTENT_TYPE, SPEC_VERSION
from sqlalchemy.ext.asyncio import AsyncEngine

from opsledger.chain import chain_head
from opsledger.chain_verify import Anchor
from opsledger.kafka import KafkaConnector, KafkaSecurity


def anchor_message(head: ChainHeadAnchored) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """Key, value and CloudEvents binary-mode headers of one anchor."""
    headers = [
        ("ce_id", str(uuid4()).encode()),
        ("ce_type", ChainHeadAnchored.event_type.encode()),
        ("ce_source", f"opsledger/{head.service}".encode()),
        ("ce_specversion", SPEC_VERSION.encode()),
        ("ce_time", head.anchored_at.isoformat().replace("+00:00", "Z").encode()),
        ("ce_schemaversion", str(ChainHeadAnchored.schema_version).encode()),
        ("content-type", CONTENT_TYPE.encode()),
    ]
    return head.service.encode(), head.model_dump_json().encode(), headers


class ChainAnchorer:
    """Publishes the chain head now and then (a background loop of `ServiceApp`)."""

    def __init__(
        self,
        engine: AsyncEngine,
        kafka: KafkaConnector,
        service: str,
        topic: str,
        interval_seconds: float,
        topic_layout: tuple[int, int] = (1, 1),
    ) -> None:
        """`topic_layout`: partitions and replication factor if it creates the topic."""
        self._engine = engine
        self._kafka = kafka
        self.service = service
        self.topic = topic
        self.interval = interval_seconds
        self._due = 0.0
        self._layout = topic_layout
        self._topic_ready = False
        self.published: int = 0  # position of the last head published by this process

    async def publish_once(self) -> bool:
        """Publish the head if the interval has passed and it moved; never loops hot."""
        now = time.monotonic()
        if now < self._due:
            return False
        self._due = now + self.interval
        async with self._engine.connect() as conn:
            position, digest = await chain_head(conn)
        if position == 0 or position == self.published:
            return False
        head = ChainHeadAnchored(
            service=self.service,
            position=position,
            hash=digest.hex(),
            anchored_at=datetime.now(UTC),
        )
        key, value, headers = anchor_message(head)
        if not self._topic_ready:
            # Apart from the service's other topics: a cluster not granting this one yet
            # delays only the anchors (retried each interval), never the consumers.
            await self._kafka.ensure_topics([self.topic], *self._layout)
            self._topic_ready = True
        producer = await self._kafka.producer()
        try:
            await producer.send_and_wait(self.topic, key=key, value=value, headers=headers)
        except Exception as exc:
            self._kafka.discard_if_fatal(producer, exc)
            self._due = now  # try again at the next poll
            raise
        self.published = position
        return False


def _anchor(head: ChainHeadAnchored) -> Anchor:
    return Anchor(head.position, bytes.fromhex(head.hash), head.anchored_at.isoformat())


def load_anchor_file(path: Path, service: str) -> list[Anchor]:
    """Anchors saved as JSON lines (one `ChainHeadAnchored` per line) or one JSON array."""
    text = path.read_text(encoding="utf-8").strip()
    items = (
        json.loads(text)
        if text.startswith("[")
        else [json.loads(x) for x in text.splitlines() if x.strip()]
    )
    heads = [ChainHeadAnchored.model_validate(item) for item in items]
    return [_anchor(h) for h in heads if h.service == service]


async def read_anchor_topic(
    bootstrap_servers: str, security: KafkaSecurity, topic: str, service: str
) -> list[Anchor]:
    """Every anchor on the topic, from the beginning to its current end (no group)."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers, enable_auto_commit=False, **security.client_options()
    )
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
        if not parts:
            return []
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        anchors: list[Anchor] = []

        async def behind() -> bool:
            for tp in parts:
                if await consumer.position(tp) < ends[tp]:
                    return True
            return False

        while await behind():
            batch = await consumer.getmany(*parts, timeout_ms=1000)
            for records in batch.values():
                for record in records:
                    if record.value is None:
                        continue
                    head = ChainHeadAnchored.model_validate_json(record.value)
                    if head.service == service:
                        anchors.append(_anchor(head))
        return anchors
    finally:
        await consumer.stop()
