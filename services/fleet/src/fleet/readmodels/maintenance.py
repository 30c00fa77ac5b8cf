"""FL-4 read models: one row per repair, one per purchase of oil or small parts."""

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from opsledger.readmodels import ReadModel, column

from fleet.domain.maintenance import PARTS_PURCHASE, REPAIR, PartsPurchaseState, RepairState
from fleet.readmodels.vehicles import _id, _site, _str


def _repair_rows(state: RepairState) -> Iterator[dict[str, Any]]:
    yield {
        "repair_id": state.repair_id,
        "site_id": state.site_id,
        "vehicle_id": state.vehicle_id,
        "fault_id": state.fault_id,
        "driver_id": state.driver_id,
        "shop": state.shop,
        "description": state.description,
        "requested_at": state.requested_at,
        "status": state.status,
        "by_phone": state.by_phone,
        "form_no": state.form_no,
        "parts_signed": state.parts_signed_by is not None,
        "parts_fen": sum(p.amount_fen for p in state.parts),
        "uninspected": ", ".join(state.uninspected) or None,
        "settled_fen": state.settled_fen,
        "invoice_no": state.invoice_no,
    }


REPAIRS: ReadModel[RepairState] = ReadModel(
    name="fleet_repairs",
    aggregate=REPAIR,
    columns=[
        _id("repair_id"),
        _site(),
        _str("vehicle_id"),
        _str("fault_id"),
        _str("driver_id"),
        _str("shop", 200),
        _str("description", 1000),
        column("requested_at", sa.DateTime(timezone=True)),
        _str("status", 20),
        column("by_phone", sa.Boolean),
        _str("form_no", 64, True),
        column("parts_signed", sa.Boolean),
        column("parts_fen", sa.BigInteger),
        _str("uninspected", 1000, True),
        column("settled_fen", sa.BigInteger, nullable=True),
        _str("invoice_no", 64, True),
    ],
    rows=_repair_rows,
    indexes=[("site_id", "status")],
)


def _parts_rows(state: PartsPurchaseState) -> Iterator[dict[str, Any]]:
    yield {
        "purchase_id": state.purchase_id,
        "site_id": state.site_id,
        "vehicle_id": state.vehicle_id,
        "items": state.items or None,
        "estimated_fen": state.estimated_fen,
        "confirmed_by": state.confirmed_by,
        "approved_by": state.approved_by,
        "bought_fen": state.bought_fen,
        "invoice_no": state.invoice_no,
        "reimbursable": state.reimbursable,
        "reason": state.reason,
    }


SMALL_PARTS: ReadModel[PartsPurchaseState] = ReadModel(
    name="fleet_small_parts",
    aggregate=PARTS_PURCHASE,
    columns=[
        _id("purchase_id"),
        _site(),
        _str("vehicle_id"),
        _str("items", 1000, True),
        column("estimated_fen", sa.BigInteger),
        _str("confirmed_by", 64, True),
        _str("approved_by", 64, True),
        column("bought_fen", sa.BigInteger, nullable=True),
        _str("invoice_no", 64, True),
        column("reimbursable", sa.Boolean),
        _str("reason", 1000, True),
    ],
    rows=_parts_rows,
    indexes=[("site_id",)],
)

MAINTENANCE_READ_MODELS: list[ReadModel[Any]] = [REPAIRS, SMALL_PARTS]
