"""FL-10 read models: one row per itemized deduction, of a driver and of a vehicle."""

from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa
from opsledger.readmodels import ReadModel

from fleet.domain.conduct import CONDUCT, ConductState
from fleet.domain.vehicles import VEHICLE, VehicleState
from fleet.readmodels.vehicles import _id, _str


def _columns() -> list[sa.Column[Any]]:
    return [
        _id("row_id"),
        _str("subject"),
        _str("site_id"),
        _str("deduction_id", 100),
        _str("month", 7),
        sa.Column("points", sa.Integer, nullable=False),
        _str("item"),
        _str("rule", 16),
        _str("note", 1000),
    ]


def _point_rows(
    row_id: str,
    subject: str,
    site_id: str,
    deductions: Iterable[tuple[str, str, int, str, str, str]],
) -> Iterator[dict[str, Any]]:
    """One row per deduction: `<row_id>/<deduction_id>`, of the driver or the vehicle."""
    for deduction_id, month, points, item, rule, note in deductions:
        yield {
            "row_id": f"{row_id}/{deduction_id}",
            "subject": subject,
            "site_id": site_id,
            "deduction_id": deduction_id,
            "month": month,
            "points": points,
            "item": item,
            "rule": rule,
            "note": note,
        }


def _driver_point_rows(state: ConductState) -> Iterator[dict[str, Any]]:
    row_id = f"{state.site_id}/{state.person}"
    return _point_rows(row_id, state.person, state.site_id, state.deductions)


def _vehicle_point_rows(state: VehicleState) -> Iterator[dict[str, Any]]:
    return _point_rows(state.vehicle_id, state.vehicle_id, state.site_id, state.deductions)


DRIVER_POINTS: ReadModel[ConductState] = ReadModel(
    name="fleet_driver_points",
    aggregate=CONDUCT,
    columns=_columns(),
    rows=_driver_point_rows,
    indexes=[("site_id", "month")],
)

VEHICLE_POINTS: ReadModel[VehicleState] = ReadModel(
    name="fleet_vehicle_points",
    aggregate=VEHICLE,
    columns=_columns(),
    rows=_vehicle_point_rows,
    indexes=[("site_id", "month")],
)

ASSESSMENT_READ_MODELS: list[ReadModel[Any]] = [DRIVER_POINTS, VEHICLE_POINTS]
