"""Issue 23: the dashboard's "open inventory discrepancies" card needs a published fact.
The yearly inventory publishes `InventoryReconciled` — the inventory's id, day and number of
discrepancies, nothing else (no carrier id, no title, no holder): the discrepancies
themselves stay private (`InventoryDiscrepancyReported`)."""

from datetime import UTC, date, datetime

from opsledger.testing import given
from opsledger_contracts import EventPayload
from opsledger_contracts.events.secrets_registry import InventoryReconciled
from opsledger_contracts.registry import REGISTRY
from secrets_registry.bootstrap import definition
from secrets_registry.domain.carriers import CARRIER_REGISTER
from secrets_registry.domain.carriers import events as ev
from secrets_registry.domain.carriers.register import ReconcileInventory

AT = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


def published(events: list[EventPayload]) -> list[EventPayload]:
    """What the relay would produce: the service's registered contracts only."""
    private = set(definition.private_events)
    return [e for e in events if type(e) not in private]


def test_the_inventory_publishes_its_count_of_discrepancies_and_nothing_else() -> None:
    scenario = given(
        CARRIER_REGISTER,
        ev.CarrierEnteredRegister(carrier_id="car-secret-1"),
        ev.CarrierEnteredRegister(carrier_id="car-secret-2"),
        at=AT,
    )
    inventory = ReconcileInventory(
        "site-a", "inv-2026", date(2026, 12, 7), frozenset({"car-secret-1", "x"}), frozenset()
    )
    decided = list(scenario.when(inventory, at=AT))
    public = published(decided)
    assert public == [
        InventoryReconciled(inventory_id="inv-2026", on=date(2026, 12, 7), discrepancies=2)
    ]
    text = public[0].model_dump_json()
    assert "car-secret" not in text and '"x"' not in text


def test_the_contract_carries_ids_and_counts_only() -> None:
    model = REGISTRY.latest("InventoryReconciled")
    assert model.service == "secrets_registry"
    assert set(model.model_fields) == {"inventory_id", "on", "discrepancies"}
