"""FL-7 rev.2: dismissal is a judgement (「情節嚴重的」), not a number.

Every serious fuel excess is fined at the closing; the dismissal flag comes only when the
office judges the case serious or records fuel fraud (弄虛作假). Each incident FL-7 names
is recorded with its consequence. The default serious-excess threshold is 20%.
"""

from datetime import UTC, datetime
from typing import Any

import pytest
from fleet.domain.conduct import CONDUCT
from fleet.domain.conduct.commands import RecordIncident
from opsledger.testing import given
from opsledger_contracts.events.fleet import (
    FleetLedgerEntryRecorded,
    IncidentRecorded,
    PersonFlagged,
)

from tests.fleet.conftest import SITE, Fleet
from tests.fleet.test_fuel_and_conduct_decider import NOW, bought, close, purchase, reconciled

WHEN = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


def incident(kind: str, role: str = "driver", amount_fen: int = 0, **kw: Any) -> RecordIncident:
    fields: dict[str, Any] = {
        "site_id": "site-a",
        "person": "drv-07",
        "incident_id": f"inc-{kind}",
        "kind": kind,
        "role": role,
        "vehicle_id": "veh-1",
        "occurred_at": WHEN,
        "note": "What happened, as the office found it",
        "amount_fen": amount_fen,
    }
    fields.update(kw)
    return RecordIncident(**fields)


def test_fl7_rev2_a_serious_excess_is_fined_without_a_dismissal_flag() -> None:
    scenario = bought(purchase()).record(close("500.0"), at=NOW)  # 42.86% over: serious
    [fine] = scenario.state.fine_changes(bought(purchase()).state)
    events = given(CONDUCT, at=NOW).when(fine, at=NOW)
    [entry] = events
    assert isinstance(entry, FleetLedgerEntryRecorded)  # no PersonFlagged
    assert (entry.amount_fen, entry.rule) == (25500, "FL-7")


@pytest.mark.parametrize(
    ("litres", "serious"),
    [("84.00", False), ("84.01", True), ("90.99", True)],  # 70 L allowed: 20%, 20.01%, 30%
)
def test_fl7_rev2_the_default_serious_excess_threshold_is_20_pct(
    litres: str, serious: bool
) -> None:
    rec = reconciled(bought(purchase(litres=litres)).when(close("500.0"), at=NOW))
    assert rec.serious is serious and (rec.fine_fen > 0) is serious


@pytest.mark.parametrize(
    ("kind", "role", "amount", "consequence", "flagged", "fined"),
    [
        ("fuel_fraud", "driver", 42500, "dismissal", True, 42500),
        ("serious_excess", "driver", 0, "dismissal", True, 0),
        ("police_fine", "driver", 0, "dismissal", True, 0),
        ("police_detention", "driver", 0, "dismissal", True, 0),
        ("drinking_with_consequences", "driver", 0, "dismissal", True, 0),
        ("off_site_parking_incident", "driver", 120000, "pays_cost", False, 120000),
        ("off_site_parking_incident", "director", 20000, "penalty", False, 20000),
        ("major_accident", "director", 0, "accountable", False, 0),
    ],
)
def test_fl7_rev2_each_incident_is_recorded_with_its_consequence(
    kind: str, role: str, amount: int, consequence: str, flagged: bool, fined: int
) -> None:
    events = given(CONDUCT, at=NOW).when(incident(kind, role, amount), at=NOW)
    recorded = events[0]
    assert isinstance(recorded, IncidentRecorded)
    assert (recorded.kind, recorded.consequence, recorded.month) == (kind, consequence, "2026-11")
    flags = [e for e in events if isinstance(e, PersonFlagged)]
    assert [(f.flag, f.rule) for f in flags] == ([("dismissal", "FL-7")] if flagged else [])
    fines = [e for e in events if isinstance(e, FleetLedgerEntryRecorded)]
    assert sum(f.amount_fen for f in fines) == fined
    assert all(f.kind == "penalty" and f.rule == "FL-7" for f in fines)


@pytest.mark.parametrize(
    ("kind", "role", "amount", "field"),
    [
        ("off_site_parking_incident", "driver", 0, "amount_fen"),  # the driver pays: how much
        ("off_site_parking_incident", "director", 0, "amount_fen"),
        ("major_accident", "driver", 0, "role"),  # the director is accountable
        ("serious_excess", "driver", 100, "amount_fen"),  # fined at the closing already
    ],
)
def test_fl7_rev2_an_incident_needs_what_its_consequence_needs(
    kind: str, role: str, amount: int, field: str
) -> None:
    refusal = given(CONDUCT, at=NOW).refuses(incident(kind, role, amount), "FL-7", at=NOW)
    assert refusal.field == field


def test_fl7_rev2_only_the_office_judges() -> None:
    assert CONDUCT.roles(RecordIncident) == frozenset({"fleet_office"})
    twice = given(CONDUCT, at=NOW).record(incident("police_fine"), at=NOW)
    twice.refuses(incident("police_fine"), "CONFLICT", at=NOW)  # recorded once


async def test_fl7_rev2_the_office_records_an_incident_over_http(fleet: Fleet) -> None:
    body = {
        "site_id": SITE,
        "person": "drv-07",
        "incident_id": "inc-1",
        "kind": "fuel_fraud",
        "role": "driver",
        "vehicle_id": "veh-1",
        "occurred_at": "2026-11-20T06:00:00Z",
        "note": "Invoices for fuel never put in the tank",
        "amount_fen": 42500,
    }
    captain = await fleet.client.post("/incidents", json=body, headers=fleet.captain)
    assert captain.status_code == 403, captain.text
    office = fleet.auth("off-1", "fleet_office")
    answer = await fleet.post("/incidents", body, office, 201)
    assert answer["ledger_fen"] == -42500
    assert answer["flags"] == [
        "dismissal (FL-7): fuel_fraud: Invoices for fuel never put in the tank"
    ]
    bad = await fleet.client.post("/incidents", json={**body, "kind": "gossip"}, headers=office)
    assert bad.status_code == 422 and "kind" in bad.text
