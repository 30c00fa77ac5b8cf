"""The registry's read models (tables derived from aggregate state), one module per area."""

from typing import Any

from opsledger.readmodels import ReadModel

from secrets_registry.readmodels import audit, carriers, personnel

READ_MODELS: list[ReadModel[Any]] = [
    *personnel.READ_MODELS,
    *carriers.READ_MODELS,
    *audit.READ_MODELS,
]
