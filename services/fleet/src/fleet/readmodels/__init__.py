"""Fleet's read models (tables derived from aggregate state), one module per area."""

from typing import Any

from opsledger.readmodels import ReadModel

from fleet.readmodels import assessment, maintenance, requests, vehicles

READ_MODELS: list[ReadModel[Any]] = [
    *vehicles.READ_MODELS,
    *maintenance.MAINTENANCE_READ_MODELS,
    *assessment.ASSESSMENT_READ_MODELS,
    *requests.REQUEST_READ_MODELS,
]
