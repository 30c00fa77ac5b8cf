"""Issue 20 item 7: nothing classified leaves the registry — not on Kafka (allow-listed
contracts only: clearances, departures, the allowance, key locations), not in logs, not
in metrics. Personnel files, vetting, pledges, notes and carrier custody stay private."""

from datetime import timedelta

import pytest
import structlog
from opsledger_contracts import REGISTRY
from secrets_registry.bootstrap import definition
from structlog.testing import capture_logs

from tests.secrets_registry.harness import OK, Registry

MARK = "ZZ-CLASSIFIED-7f3a"  # a text that must never be seen outside the store
PUBLISHED = {
    "ClearanceGranted",
    "ClearanceEnded",
    "PersonDeparted",
    "SecrecyAllowanceRecorded",
    "KeyLocationRegistered",
    "KeyLocationEntryListChanged",
    "InventoryReconciled",  # issue 23: an inventory's count of discrepancies, no carrier
}


def test_the_registry_publishes_only_clearances_departures_allowances_and_key_locations() -> None:
    published = {m.event_type for m in REGISTRY if m.service == "secrets_registry"}
    assert published == PUBLISHED
    private = {m.event_type for m in definition.private_events}
    assert {"VettingRecorded", "PledgeSigned", "LeavingDecided", "CarrierCustodyTaken"} <= private
    assert not published & private
    for model in REGISTRY:
        if model.service == "secrets_registry":
            fields = set(model.model_fields)
            banned = {"title", "content", "holders", "carrier_id", "note", "file_note", "opinion"}
            assert not fields & (banned | {"purpose", "destination", "vetting", "scopes"}), (
                model.event_type,
                fields,
            )


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_notes_and_custody_never_reach_published_events_logs_or_metrics(
    registry: Registry,
) -> None:
    with capture_logs() as logged:
        await _leave_with_marked_texts(registry)
        structlog.get_logger("probe").info("capture_works")
    stored = await registry.events()
    assert any(MARK in str(e.payload) for e in stored), "the marks are in the store"
    outgoing = [e for e in stored if e.event_type in PUBLISHED]
    published = {e.event_type for e in outgoing}
    assert published >= {"ClearanceGranted", "ClearanceEnded", "PersonDeparted"}
    assert not [e.event_type for e in outgoing if MARK in str(e.payload)]
    metrics = await registry.client.get("/metrics")
    assert metrics.status_code == 200 and MARK not in metrics.text
    # The registry logs nothing of these commands (the probe proves the capture works).
    assert [entry["event"] for entry in logged] == ["capture_works"]
    assert not [entry for entry in logged if MARK in str(entry)]


async def _leave_with_marked_texts(registry: Registry) -> None:
    await registry.in_post("stf-1")
    base = "/people/stf-1"
    vetting = {
        "vetted_on": "2026-12-07",
        "political_conduct": OK,
        "work_performance": OK,
        "study": OK,
        "secrecy_compliance": OK,
        "last_year_appraisal": "competent",
        "note": f"vetting {MARK}",
    }
    await registry.post(f"{base}/vetting", vetting, registry.officer)
    await registry.post(
        f"{base}/scopes", {"scope": "proj-x", "reason": f"scope {MARK}"}, registry.leader
    )
    # a refused command's message names ids, never the body's texts
    await registry.post(
        f"{base}/travel",
        {
            "travel_id": "TR1",
            "destination": f"Macau {MARK}",
            "departs_on": "2027-01-02",
            "returns_on": "2027-01-03",
            "purpose": f"family {MARK}",
        },
        registry.officer,
        422,
    )
    application = {
        "application_id": "A1",
        "kind": "leave_post",
        "intended_on": "2026-12-08",
        "reason": f"leaving {MARK}",
    }
    await registry.post(f"{base}/leaving", application, registry.officer)
    review = {"cleared": True, "note": f"review {MARK}"}
    await registry.post(f"{base}/leaving/A1/secrecy-review", review, registry.committee)
    pledge = {"pledge_id": "D1", "kind": "departure", "signed_on": "2026-12-07"}
    await registry.post(f"{base}/pledges", pledge, registry.officer)
    decision = {"approved": True, "note": f"ok {MARK}", "file_note": f"file {MARK}"}
    await registry.post(f"{base}/leaving/A1/decision", decision, registry.leader)
    registry.clock.advance(timedelta(days=1))
    await registry.post(f"{base}/leaving/A1/departure", {"left_on": "2026-12-08"}, registry.officer)
