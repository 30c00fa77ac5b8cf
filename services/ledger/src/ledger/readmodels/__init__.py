"""The ledger's read models (tables derived from aggregate state), one module per area."""

from typing import Any

from opsledger.readmodels import ReadModel

from ledger.readmodels import months

READ_MODELS: list[ReadModel[Any]] = [*months.MONTH_READ_MODELS]
