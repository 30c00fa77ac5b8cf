"""A command's answer derived from the aggregate's state, each field written once.

`class VehicleView(StateView)`: a field reads the state attribute of its name, or the
source `From(...)` names (`From("odometer")`, a dotted path `From("out.trip_id")`, None
when a step is None, or a small function of the state), the same sources a read-model
column names. `VehicleView.of(state)` builds it: no hand-written mapping, so a field
added to the view (`retired: Retirement | None`, the state's own dataclass) is one line.
A nested `StateView` field is built from the state object its source gives.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, model_validator

from opsledger.readmodels.columns import Attr, getter

__all__ = ["From", "StateView"]

_SOURCES: "dict[type[StateView], dict[str, Callable[[Any], Any]]]" = {}


@dataclass(frozen=True)
class From:
    """Where a `StateView` field's value comes from (default: the attribute of its name)."""

    attr: Attr


class StateView(BaseModel):
    """An answer built from a state object by `of(state)`; a mapping still validates as usual."""

    model_config = ConfigDict(frozen=True)

    @classmethod
    def _sources(cls) -> dict[str, Callable[[Any], Any]]:
        found = _SOURCES.get(cls)
        if found is None:
            found = {
                name: getter(next((m.attr for m in f.metadata if isinstance(m, From)), name))
                for name, f in cls.model_fields.items()
            }
            _SOURCES[cls] = found
        return found

    @model_validator(mode="before")
    @classmethod
    def _from_state(cls, data: Any) -> Any:
        if data is None or isinstance(data, dict | BaseModel):
            return data
        return {name: get(data) for name, get in cls._sources().items()}

    @classmethod
    def of(cls, state: Any) -> Self:
        """The answer for `state`: every field read from it."""
        return cls.model_validate(state)
