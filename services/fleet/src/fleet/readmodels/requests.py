"""Flow 3 read model: one row per vehicle request, for the depot director (FL-2 rev.2)."""

from typing import Any

import sqlalchemy as sa
from opsledger.readmodels import ReadModel, column

from fleet.domain.requests import VEHICLE_REQUEST, VehicleRequestState


def _str(name: str, length: int = 64) -> sa.Column[Any]:
    return column(name, sa.String(length), nullable=True)


VEHICLE_REQUESTS: ReadModel[VehicleRequestState] = ReadModel(
    name="fleet_vehicle_requests",
    aggregate=VEHICLE_REQUEST,
    columns=[
        column("request_id", sa.String(120), primary_key=True),
        column("site_id", sa.String(64)),
        column("work_order_id", sa.String(64)),
        column("status", sa.String(20)),
        column("needed_at", sa.DateTime(timezone=True), nullable=True),
        _str("purpose", 20),
        _str("business", 500),
        _str("destination", 200),
        _str("suggested_vehicle_id"),
        _str("suggested_driver_id"),
        _str("vehicle_id"),
        _str("plate", 20),
        _str("driver_id"),
        _str("trip_id", 128),
        _str("rule", 16),
        _str("reason", 1000),
    ],
    indexes=[("site_id", "status")],
)

REQUEST_READ_MODELS: list[ReadModel[Any]] = [VEHICLE_REQUESTS]
