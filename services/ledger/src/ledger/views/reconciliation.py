"""The sources' published ledger entries of a site-month, re-read from their topics from
the beginning (no consumer group: nothing is committed), for the reconciliation."""

from collections.abc import Sequence

from aiokafka import AIOKafkaConsumer, TopicPartition
from ledger.domain.month.reconcile import Published
from opsledger.kafka import KafkaSecurity, connection_options
from opsledger_contracts import ContractError, decode_message
from opsledger_contracts.ledger import LedgerEntry


async def published_entries(
    bootstrap: str,
    security: KafkaSecurity,
    topics: Sequence[str],
    site_id: str,
    month: str,
) -> dict[str, Published]:
    consumer = AIOKafkaConsumer(**connection_options(bootstrap, security), enable_auto_commit=False)
    await consumer.start()
    found: dict[str, Published] = {}
    try:
        # The metadata partitions_for_topic answers from (as the kernel's LagMonitor does).
        await consumer._client.force_metadata_update()
        partitions = [
            TopicPartition(topic, p)
            for topic in topics
            for p in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        if not partitions:
            return found
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        while await _behind(consumer, ends):
            batch = await consumer.getmany(*partitions, timeout_ms=2000, max_records=1000)
            for tp, records in batch.items():
                for record in records:
                    try:
                        decoded = decode_message(list(record.headers), record.value or b"")
                    except (ContractError, ValueError):
                        continue  # not ours to judge: the consumer dead-lettered it
                    payload, envelope = decoded.payload, decoded.envelope
                    if not isinstance(payload, LedgerEntry) or envelope.site_id != site_id:
                        continue
                    entry = LedgerEntry.model_validate(payload.model_dump())
                    if entry.month == month:
                        found[entry.entry_id] = Published(envelope.source, tp.topic, entry)
    finally:
        await consumer.stop()
    return found


async def _behind(consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> bool:
    for tp, end in ends.items():
        if await consumer.position(tp) < end:
            return True
    return False
