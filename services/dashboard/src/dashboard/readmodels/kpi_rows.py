"""`dashboard_kpi_rows`: every KPI's rows of every record, derived from the facts kept.

Rebuilt by `opsledger rebuild dashboard` from the dashboard's own store (FactRecorded),
never from another service's database.
"""

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from opsledger.readmodels import ReadModel

from dashboard.domain.catalogue import CATALOGUE
from dashboard.domain.records import RECORD, RecordState

# The KPIs' rows live in domain.rows, which the fingerprint does not follow:
# bump this whenever a KPI's rows change.
REVISION = 1  # (domain.rows)


def kpi_rows(state: RecordState) -> Iterator[dict[str, Any]]:
    for kpi in CATALOGUE:
        if kpi.service != state.source:
            continue
        for row in kpi.rows(state):
            yield {
                "kpi": kpi.key,
                "record_id": state.source_stream,
                "row_key": row.key,
                "site_id": state.site_id,
                "service": state.source,
                "day": row.day,
                "at": row.at,
                "counted": row.counted,
                "value": row.value,
                "detail": row.detail[:200],
                "ref": row.ref[:300],
                "applied_at": state.applied_at,
                "ends": row.ends,
            }


KPI_ROWS: ReadModel[RecordState] = ReadModel(
    name="dashboard_kpi_rows",
    aggregate=RECORD,
    columns=[
        sa.Column("kpi", sa.String(64), primary_key=True),
        sa.Column("record_id", sa.String(200), primary_key=True),
        sa.Column("row_key", sa.String(40), primary_key=True),
        sa.Column("site_id", sa.String(64), nullable=False),
        sa.Column("service", sa.String(40), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("counted", sa.Boolean, nullable=False),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("detail", sa.String(200), nullable=False),
        sa.Column("ref", sa.String(300), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends", sa.Date, nullable=True),
    ],
    rows=kpi_rows,
    indexes=[("site_id", "kpi", "day")],
    revision=REVISION,
)
