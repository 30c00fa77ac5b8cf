"""FL-4 maintenance: repairs (stream repair-<id>) and oil / small parts (parts-<id>)."""

from typing import Any

from opsledger.decider import Aggregate
from opsledger.pipeline import SYSTEM_ONLY, roles

from fleet.domain.maintenance import commands as c
from fleet.domain.maintenance.commands import Part
from fleet.domain.maintenance.decide import decide_parts, decide_repair
from fleet.domain.maintenance.state import (
    PartsPurchaseState,
    RepairState,
    evolve_parts,
    evolve_repair,
    parts_stream,
    repair_stream,
)
from fleet.domain.sites import site_of_stream

__all__ = [
    "PARTS_PURCHASE",
    "REPAIR",
    "Part",
    "PartsPurchaseState",
    "RepairState",
    "parts_stream",
    "repair_stream",
]


def _repair_id(command: Any) -> str:
    return repair_stream(command.repair_id)


def _parts_id(command: Any) -> str:
    return parts_stream(command.purchase_id)


REPAIR: Aggregate[RepairState, c.RepairCommand] = Aggregate(
    stream_type="Repair",
    stream_prefix="repair-",
    initial=RepairState(),
    evolve=evolve_repair,
    stream_id=_repair_id,
    commands={
        c.OpenRepair: (
            SYSTEM_ONLY,
            decide_repair,
        ),  # the RequestRepair workflow (opens the vehicle's fault)
        c.ApproveRepair: (roles("fleet_office"), decide_repair),
        c.ApproveRepairForm: (roles("fleet_office"), decide_repair),
        c.SendRepairToShop: (roles("depot_director", "fleet_captain", "driver"), decide_repair),
        c.SignPartsList: (roles("driver"), decide_repair),
        c.InspectReplacedParts: (roles("fleet_office"), decide_repair),
        c.CompleteRepair: (
            SYSTEM_ONLY,
            decide_repair,
        ),  # the FinishRepair workflow (clears the fault)
        c.SettleRepair: (roles("fleet_captain"), decide_repair),
        c.AuditRepair: (roles("fleet_office"), decide_repair),
        c.ApproveRepairPayment: (roles("manager"), decide_repair),
    },
    site_of=site_of_stream,
    creates=frozenset({c.OpenRepair}),
)

PARTS_PURCHASE: Aggregate[PartsPurchaseState, c.PartsCommand] = Aggregate(
    stream_type="PartsPurchase",
    stream_prefix="parts-",
    initial=PartsPurchaseState(),
    evolve=evolve_parts,
    stream_id=_parts_id,
    commands={
        c.RequestSmallParts: (roles("driver", "fleet_captain", "fleet_group_lead"), decide_parts),
        c.ConfirmSmallParts: (roles("fleet_group_lead"), decide_parts),
        c.ApproveSmallParts: (roles("depot_director"), decide_parts),
        c.RecordSmallPartsBought: (
            roles("driver", "fleet_captain", "fleet_group_lead"),
            decide_parts,
        ),
    },
    site_of=site_of_stream,
    creates=frozenset({c.RequestSmallParts, c.RecordSmallPartsBought}),
)
