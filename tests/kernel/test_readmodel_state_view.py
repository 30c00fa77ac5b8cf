"""A command's answer derived from the state: each field reads the attribute it names."""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

import pytest
from opsledger.readmodels import From, StateView
from pydantic import ValidationError


@dataclass(frozen=True)
class _Trip:
    trip_id: str
    odometer_out: Decimal


@dataclass(frozen=True)
class _Retirement:
    disposal: str
    at: datetime


@dataclass(frozen=True)
class _State:
    vehicle_id: str
    odometer: Decimal
    faults: tuple[tuple[str, str], ...]
    out: _Trip | None
    retired: _Retirement | None = None


class _TripView(StateView):
    trip_id: str
    odometer_out_km: Annotated[Decimal, From("odometer_out")]


class _VehicleView(StateView):
    vehicle_id: str
    odometer_km: Annotated[Decimal, From("odometer")]
    open_faults: Annotated[list[str], From(lambda s: [f"{i}: {t}" for i, t in s.faults])]
    current_trip: Annotated[_TripView | None, From("out")]
    trip_id: Annotated[str | None, From("out.trip_id")]
    # a field written once: the state's own dataclass, no second view class, no mapping
    retired: _Retirement | None


AT = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)


def test_fields_read_their_state_attributes_renamed_dotted_computed_and_nested() -> None:
    state = _State("veh-1", Decimal("12.5"), (("f1", "brakes"),), _Trip("t-1", Decimal("10")))
    view = _VehicleView.of(state)
    assert view.model_dump(mode="json") == {
        "vehicle_id": "veh-1",
        "odometer_km": "12.5",
        "open_faults": ["f1: brakes"],
        "current_trip": {"trip_id": "t-1", "odometer_out_km": "10"},
        "trip_id": "t-1",
        "retired": None,
    }
    gone = _VehicleView.of(
        _State("veh-1", Decimal(0), (), None, _Retirement("scrapped", AT))
    ).model_dump(mode="json")
    assert gone["current_trip"] is None and gone["trip_id"] is None  # None when a step is None
    assert gone["retired"] == {"disposal": "scrapped", "at": "2026-12-08T01:00:00Z"}


def test_a_view_naming_an_attribute_the_state_lacks_fails_loudly() -> None:
    class Wrong(StateView):
        plate: str

    with pytest.raises(AttributeError, match="plate"):
        Wrong.of(_State("veh-1", Decimal(0), (), None))


def test_a_view_is_still_built_from_a_mapping_and_validated() -> None:
    with pytest.raises(ValidationError):
        _TripView.model_validate({"trip_id": "t", "odometer_out_km": "not a number"})
    assert _TripView(trip_id="t", odometer_out_km=Decimal(1)).trip_id == "t"
