"""The unit register per site: one row per unit."""

from typing import Any

import sqlalchemy as sa
from opsledger.readmodels import ReadModel, column

from permits.domain.units import UNIT, UnitState


def _key(state: UnitState) -> str:
    return f"{state.site_id}:{state.unit_id}"


def _owner_ids(state: UnitState) -> str:
    return ",".join(o.owner_id for o in state.owners)


UNITS: ReadModel[UnitState] = ReadModel(
    name="permits_units",
    aggregate=UNIT,
    columns=[
        column("unit_key", sa.String(160), _key, primary_key=True, shown=False),
        column("site_id", sa.String(64)),
        column("unit_id", sa.String(64)),
        column("label", sa.String(200)),
        column("owner_ids", sa.String(1000), _owner_ids),
        column("owners", sa.String(2000), "owner_names"),
        column("handbook_signed_at_handover", sa.Boolean),
    ],
    indexes=[("site_id", "unit_id")],
)

UNIT_READ_MODELS: list[ReadModel[Any]] = [UNITS]
