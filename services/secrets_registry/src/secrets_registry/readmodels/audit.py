"""The read audit (SR-20): one row per read of the registry, allowed or not."""

from typing import Any

import sqlalchemy as sa
from opsledger.readmodels import ReadModel, column

from secrets_registry.domain.audit import READ_AUDIT, ReadState

READS: ReadModel[ReadState] = ReadModel(
    name="registry_reads",
    aggregate=READ_AUDIT,
    columns=[
        column("read_id", sa.String(64), "read.read_id", primary_key=True),
        column("site_id", sa.String(64)),
        column("reader", sa.String(200)),
        column("route", sa.String(200), "read.route"),
        column("target", sa.String(500), "read.target"),
        column("result", sa.String(64), "read.result"),
        column("carrier_id", sa.String(64), "read.carrier_id", nullable=True),
        column("at", sa.DateTime(timezone=True)),
    ],
    indexes=[("site_id", "at"), ("reader",)],
)

READ_MODELS: list[ReadModel[Any]] = [READS]
