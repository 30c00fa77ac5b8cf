"""The dashboard's read models: the rows behind every card (one module per area)."""

from typing import Any

from opsledger.readmodels import ReadModel

from dashboard.readmodels.kpi_rows import KPI_ROWS

READ_MODELS: list[ReadModel[Any]] = [KPI_ROWS]
