"""Callcenter's read models (tables derived from aggregate state), one module per area."""

from typing import Any

from opsledger.readmodels import ReadModel

from callcenter.readmodels import desk

READ_MODELS: list[ReadModel[Any]] = [*desk.READ_MODELS]
