"""LG-5 on the real broker: an entry for a person not registered at the site, or with a
malformed amount, goes to the dead-letter topic with its reason; nothing is counted."""

from uuid import uuid4

import pytest
from aiokafka.admin import NewTopic
from opsledger.consumers import Outcome
from opsledger_contracts import dlq_topic, events_topic

from tests.kafka_clients import kafka_admin, kafka_consumer
from tests.ledger.conftest import SITE, Ledger, dispatch_entry, fleet_entry

pytestmark = pytest.mark.kafka


async def _dead_letters(bootstrap: str, topic: str, count: int) -> list[dict[str, str]]:
    consumer = kafka_consumer(bootstrap, auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.subscribe([topic])
        found: list[dict[str, str]] = []
        while len(found) < count:
            batch = await consumer.getmany(timeout_ms=10_000)
            assert batch, f"no dead letter on {topic}"
            for records in batch.values():
                found += [{k: v.decode() for k, v in r.headers} for r in records]
        return found
    finally:
        await consumer.stop()


async def test_lg5_unknown_person_and_malformed_amount_are_dead_lettered(
    ledger: Ledger, kafka_bootstrap: str
) -> None:
    prefix = f"test-{uuid4().hex[:8]}."
    topics = [dlq_topic(prefix + events_topic(s)) for s in ("fleet", "dispatch")]
    admin = kafka_admin(kafka_bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(t, 1, 1) for t in topics])
    finally:
        await admin.close()
    await ledger.register("drv-07")
    stranger = fleet_entry("r-9", person="drv-99")
    assert await ledger.deliver(stranger, topic_prefix=prefix) == Outcome.DEAD_LETTERED
    zero = dispatch_entry("p-0", amount_fen=0)
    assert await ledger.deliver(zero, topic_prefix=prefix) == Outcome.DEAD_LETTERED
    negative = dispatch_entry("p-1", amount_fen=-100)
    assert await ledger.deliver(negative, topic_prefix=prefix) == Outcome.DEAD_LETTERED
    fleet_letters = await _dead_letters(kafka_bootstrap, topics[0], 1)
    assert "LG-5: person drv-99 is not registered at site site-a" in fleet_letters[0]["dlq_error"]
    dispatch_letters = await _dead_letters(kafka_bootstrap, topics[1], 2)
    errors = [d["dlq_error"] for d in dispatch_letters]
    assert "amount_fen is 0" in errors[0] and "negative but the entry corrects nothing" in errors[1]
    statement = await ledger.get(f"/statements/{SITE}/2026-11", ledger.finance)
    assert statement["statements"] == []
