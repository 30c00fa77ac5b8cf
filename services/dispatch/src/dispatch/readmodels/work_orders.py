"""Dispatch's read models, derived from aggregate state (the kernel owns the tables).

A board column is named like the `WorkOrderState` attribute it shows, so a new column is
one line here (and one in the view model); the kernel rebuilds the table from the events.
"""

from collections.abc import Iterable
from dataclasses import asdict
from operator import attrgetter
from typing import Any

import sqlalchemy as sa
from opsledger.readmodels import ReadModel

from dispatch.domain.diagnostics import PING_RECEIPT, ReceiptState
from dispatch.domain.requests import REQUEST, RequestState
from dispatch.domain.work_order import WORK_ORDER
from dispatch.domain.work_order.state import WorkOrderState

_Time = sa.DateTime(timezone=True)
Row = dict[str, Any]


def _col(name: str, kind: Any, nullable: bool = False, key: bool = False) -> sa.Column[Any]:
    return sa.Column(name, kind, nullable=nullable, primary_key=key)


BOARD_COLUMNS = [
    _col("work_order_id", sa.String(64), key=True),
    _col("site_id", sa.String(64)),
    _col("serial_no", sa.Integer()),
    _col("status", sa.String(20)),
    _col("overdue", sa.Boolean()),
    _col("escalated", sa.Boolean()),
    _col("judged_unreasonable", sa.Boolean()),
    _col("repeat_of", sa.String(64), nullable=True),
    _col("issuer", sa.String(64)),
    _col("assignee", sa.String(64)),
    _col("assignee_role", sa.String(64), nullable=True),
    _col("location", sa.String(200)),
    _col("content", sa.String(2000)),
    _col("requirements", sa.String(1000)),
    _col("reply_by", _Time),
    _col("deadline", _Time),
    _col("ticket_id", sa.String(64), nullable=True),
    _col("asset_id", sa.String(100), nullable=True),
    _col("fault_code", sa.String(64), nullable=True),
    _col("repair_class", sa.String(10), nullable=True),
    _col("issued_at", _Time),
    _col("accepted_at", _Time, nullable=True),
    _col("last_progress_at", _Time, nullable=True),
    _col("completed_at", _Time, nullable=True),
    _col("archived_at", _Time, nullable=True),
    _col("penalties_fen", sa.Integer()),
    _col("updated_at", _Time),
]
# WO-11: the latest vehicle request and fleet's answer, `vehicle_<VehicleRequest field>`.
VEHICLE_PREFIX = "vehicle_"
VEHICLE_COLUMNS = [
    _col(VEHICLE_PREFIX + name, kind, nullable=True)
    for name, kind in (
        ("request_id", sa.String(100)),
        ("status", sa.String(20)),
        ("purpose", sa.String(20)),
        ("business", sa.String(500)),
        ("destination", sa.String(200)),
        ("needed_at", _Time),
        ("requested_by", sa.String(64)),
        ("requested_at", _Time),
        ("trip_id", sa.String(100)),
        ("vehicle_id", sa.String(64)),
        ("plate", sa.String(20)),
        ("driver_id", sa.String(64)),
        ("rule", sa.String(16)),
        ("reason", sa.String(1000)),
        ("answered_at", _Time),
    )
]
_BOARD_NAMES = [c.name for c in BOARD_COLUMNS]
# One C call per row for all the attributes (a rebuild calls this once per order).
_board_values = attrgetter(*_BOARD_NAMES)
_vehicle_values = attrgetter(*(c.name.removeprefix(VEHICLE_PREFIX) for c in VEHICLE_COLUMNS))
_NO_VEHICLE = (None,) * len(VEHICLE_COLUMNS)
_ROW_NAMES = (*_BOARD_NAMES, *(c.name for c in VEHICLE_COLUMNS))


def board_rows(state: WorkOrderState) -> Iterable[Row]:
    if not state.exists:
        return []
    vehicle = state.vehicle
    values = _board_values(state) + (_NO_VEHICLE if vehicle is None else _vehicle_values(vehicle))
    return [dict(zip(_ROW_NAMES, values, strict=True))]


def penalty_rows(state: WorkOrderState) -> Iterable[Row]:
    base = {"site_id": state.site_id, "work_order_id": state.work_order_id}
    return [{**base, **asdict(penalty)} for penalty in state.penalties]


def request_rows(state: RequestState) -> Iterable[Row]:
    if state.received is None:
        return []
    request = state.received.model_dump(exclude={"requested_event_id"})
    status = "open" if state.closed_by is None else "closed"
    extra = {"status": status, "work_order_id": state.closed_by}
    return [{**request, **extra, "site_id": state.site_id, "received_at": state.received_at}]


def ping_rows(state: ReceiptState) -> Iterable[Row]:
    if state.ping is None:
        return []
    return [{**state.ping.model_dump(), "site_id": state.site_id, "received_at": state.received_at}]


WORK_ORDERS = ReadModel(
    name="work_orders",
    aggregate=WORK_ORDER,
    columns=[*BOARD_COLUMNS, *VEHICLE_COLUMNS],
    rows=board_rows,
    indexes=[("site_id", "status")],
)
PENALTIES = ReadModel(
    name="penalties",
    aggregate=WORK_ORDER,
    columns=[
        _col("event_id", sa.String(36), key=True),
        _col("site_id", sa.String(64)),
        _col("person", sa.String(64)),
        _col("month", sa.String(7)),
        _col("amount_fen", sa.Integer()),
        _col("rule", sa.String(16)),
        _col("reason", sa.String(1000)),
        _col("work_order_id", sa.String(64)),
        _col("occurred_at", _Time),
    ],
    rows=penalty_rows,
    indexes=[("site_id", "month")],
)
WORK_ORDER_REQUESTS = ReadModel(
    name="work_order_requests",
    aggregate=REQUEST,
    columns=[
        _col("ticket_id", sa.String(64), key=True),
        _col("site_id", sa.String(64)),
        _col("kind", sa.String(32)),
        _col("location", sa.String(200)),
        _col("content", sa.String(2000)),
        _col("requirements", sa.String(1000)),
        _col("reply_by", _Time),
        _col("asset_id", sa.String(100), nullable=True),
        _col("fault_code", sa.String(64), nullable=True),
        _col("status", sa.String(10)),
        _col("work_order_id", sa.String(64), nullable=True),
        _col("received_at", _Time),
        # Flow 2: a request from permits is an inspection of a unit (and its permit).
        _col("inspection_id", sa.String(80), nullable=True),
        _col("permit_id", sa.String(64), nullable=True),
        _col("unit_id", sa.String(64), nullable=True),
    ],
    rows=request_rows,
    indexes=[("site_id", "status")],
)
DIAGNOSTIC_PINGS = ReadModel(
    name="diagnostic_pings",
    aggregate=PING_RECEIPT,
    columns=[
        _col("ping_id", sa.String(64), key=True),
        _col("site_id", sa.String(64)),
        _col("message", sa.String(500)),
        _col("sent_event_id", sa.String(64)),
        _col("sent_at", _Time),
        _col("received_at", _Time),
    ],
    rows=ping_rows,
)


def read_models() -> list[ReadModel[Any]]:
    return [WORK_ORDERS, PENALTIES, WORK_ORDER_REQUESTS, DIAGNOSTIC_PINGS]
