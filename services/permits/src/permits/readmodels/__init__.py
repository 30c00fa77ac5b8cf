"""Permits' read models (tables derived from aggregate state), one module per area."""

from typing import Any

from opsledger.readmodels import ReadModel

from permits.readmodels import conduct, permits, units

READ_MODELS: list[ReadModel[Any]] = [
    *units.UNIT_READ_MODELS,
    *permits.PERMIT_READ_MODELS,
    *conduct.CONDUCT_READ_MODELS,
]
