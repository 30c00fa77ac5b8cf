"""Dispatch's read models (tables derived from aggregate state), one module per area."""

from typing import Any

from opsledger.readmodels import ReadModel

from dispatch.readmodels import secrecy, work_orders

READ_MODELS: list[ReadModel[Any]] = [*work_orders.read_models(), secrecy.CLEARANCES]
