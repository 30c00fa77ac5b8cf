"""The reconciliation read: a site-month against what the sources published for it (their
topics re-read; the ledger calls no other service), every difference named."""

from datetime import timedelta

import pytest
from ledger.domain.month.events import LedgerEntryApplied
from ledger.domain.month.reconcile import Published, reconcile
from opsledger_contracts import events_topic

from tests.kafka_clients import kafka_producer
from tests.ledger.conftest import SITE, Ledger, dispatch_entry, fleet_entry


def _line(entry_id: str, amount_fen: int = 10000) -> LedgerEntryApplied:
    e = fleet_entry(entry_id, amount_fen=amount_fen)
    return LedgerEntryApplied(
        **e.model_dump(exclude={"month"}),
        month="2026-11",
        source_service="fleet",
        source_event=e.event_type,
        entry_month="2026-11",
        published_at="2026-11-27T02:00:00Z",
    )


def test_reconcile_names_every_difference() -> None:
    topic = "opsledger.fleet.events"
    published = {
        "a": Published("fleet", topic, fleet_entry("a")),
        "b": Published("fleet", topic, fleet_entry("b", amount_fen=500)),
        "c": Published("fleet", topic, fleet_entry("c")),
        "d": Published("fleet", topic, fleet_entry("d")),
    }
    counted = [
        ("2026-11", _line("a")),
        ("2026-11", _line("b")),  # 10000 counted, 500 published
        ("2026-12", _line("d")),  # after the close
        ("2026-11", _line("x")),  # not on the topic
    ]
    differences = reconcile("2026-11", published, counted)
    assert len(differences) == 4
    assert "published reward 500 fen for drv-07, the ledger counted reward 10000" in differences[0]
    assert "entry d" in differences[1] and "counted in 2026-12 as an adjustment" in differences[1]
    assert "entry x" in differences[2] and "not on its source's topic" in differences[2]
    assert "entry c" in differences[3] and "is not in the ledger" in differences[3]
    assert reconcile("2026-11", {"a": published["a"]}, [("2026-11", _line("a"))]) == []


@pytest.mark.kafka
async def test_reconciliation_reads_the_sources_topics(
    ledger: Ledger, kafka_bootstrap: str
) -> None:
    await ledger.register("drv-07")
    prefix = ledger.service.settings.kafka_topic_prefix
    counted, late, lost = fleet_entry("r-1"), dispatch_entry("p-late"), fleet_entry("r-lost")
    other_month = fleet_entry("r-dec", month="2026-12")
    producer = kafka_producer(kafka_bootstrap)
    await producer.start()
    try:
        for entry in (counted, late, lost, other_month):
            key, value, headers = ledger.message(entry)
            topic = prefix + events_topic(entry.service)
            await producer.send_and_wait(topic, key=key, value=value, headers=headers)
    finally:
        await producer.stop()
    await ledger.deliver(counted)
    ledger.clock.advance(timedelta(days=4))
    body = {"site_id": SITE}
    closed = await ledger.client.post("/months/2026-11/close", json=body, headers=ledger.finance)
    assert closed.status_code == 200, closed.text
    await ledger.deliver(late)
    answer = await ledger.get(f"/months/{SITE}/2026-11/reconciliation", ledger.auth("a", "auditor"))
    assert answer["published_entries"] == 3 and answer["counted_entries"] == 2
    assert [d.split(" ")[1] for d in answer["differences"]] == ["p-late", "r-lost"]
    assert "counted in 2026-12 as an adjustment" in answer["differences"][0]
