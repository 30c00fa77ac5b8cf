"""Works-conduct read models: the works board (one row per permit's works), patrol
coverage (one row per permit and site-local day, RP-5) and violations (one row each,
RP-6), for the reads per day, per permit and per contractor."""

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from opsledger.readmodels import ReadModel, column

from permits.domain.conduct import WORKS, ConductState

_ID = sa.String(64)


WORKS_BOARD: ReadModel[ConductState] = ReadModel(
    name="permits_works",
    aggregate=WORKS,
    columns=[
        column("permit_id", _ID, primary_key=True),
        column("site_id", _ID),
        column("unit_id", _ID),
        column("contractor", sa.String(200)),
        column("open", sa.Boolean),
        column("violations", sa.Integer, lambda s: s.rungs()),
        column("complaints", sa.Integer, lambda s: len(s.complaints)),
        column("missed_days", sa.Integer, lambda s: sum(1 for d in s.days if d.missed)),
        column("stopped", sa.String(20), nullable=True),
    ],
    indexes=[("site_id", "unit_id")],
)


def _day_rows(state: ConductState) -> Iterator[dict[str, Any]]:
    for day in state.days:
        yield {
            "permit_id": state.permit_id,
            "local_date": day.local_date,
            "site_id": state.site_id,
            "unit_id": state.unit_id,
            "patrols": day.patrols,
            "missed": day.missed,
        }


PATROL_DAYS: ReadModel[ConductState] = ReadModel(
    name="permits_patrol_days",
    aggregate=WORKS,
    columns=[
        sa.Column("permit_id", _ID, primary_key=True),
        sa.Column("local_date", sa.Date, primary_key=True),
        sa.Column("site_id", _ID, nullable=False),
        sa.Column("unit_id", _ID, nullable=False),
        sa.Column("patrols", sa.Integer, nullable=False),
        sa.Column("missed", sa.Boolean, nullable=False),
    ],
    rows=_day_rows,
    indexes=[("site_id", "local_date")],
)


def _violation_rows(state: ConductState) -> Iterator[dict[str, Any]]:
    for v in state.violations:
        yield {
            "permit_id": state.permit_id,
            "violation_id": v.violation_id,
            "site_id": state.site_id,
            "unit_id": state.unit_id,
            "contractor": state.contractor,
            "number": v.number,
            "serious": v.serious,
            "occurred_at": v.occurred_at,
            "department": v.department,
            "inspector": v.inspector,
            "description": v.description,
            "inspection_id": v.inspection_id,
            "warned": v.warned,
            "noticed": v.noticed,
            "owner_notified": v.owner_notified,
            "withdrawn": v.withdrawn,
        }


VIOLATIONS: ReadModel[ConductState] = ReadModel(
    name="permits_violations",
    aggregate=WORKS,
    columns=[
        column("permit_id", _ID, primary_key=True),
        column("violation_id", sa.String(80), primary_key=True),
        column("site_id", _ID, shown=False),  # a key of the queries
        column("unit_id", _ID),
        column("contractor", sa.String(200)),
        column("number", sa.Integer),
        column("serious", sa.Boolean),
        column("occurred_at", sa.DateTime(timezone=True)),
        column("department", sa.String(20)),
        column("inspector", _ID),
        column("description", sa.String(2000)),
        column("inspection_id", sa.String(80), nullable=True),
        column("warned", sa.Boolean),
        column("noticed", sa.Boolean),
        column("owner_notified", sa.Boolean),
        column("withdrawn", sa.Boolean),
    ],
    rows=_violation_rows,
    indexes=[("site_id", "contractor")],
)

CONDUCT_READ_MODELS: list[ReadModel[Any]] = [WORKS_BOARD, PATROL_DAYS, VIOLATIONS]
