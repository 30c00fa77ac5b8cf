"""FL-2, FL-4: each vehicle refusal names its rule, its field and what is wrong, and every
limit holds exactly at the limit (survivors of `make mutation SERVICES=fleet`)."""

from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal

from fleet.domain.bookings import Booking
from fleet.domain.vehicles.commands import (
    ClearFault,
    ConfirmTripReturn,
    ReturnOwnTrip,
    ReturnTrip,
)
from opsledger.errors import DomainError
from opsledger_contracts.events.fleet import TripReturned

from tests.fleet.test_vehicle_decider import NOW, V, out, registered, start


def said(error: DomainError) -> tuple[str, str | None, str]:
    return error.code, error.field, error.message


def returned(events: Sequence[object]) -> TripReturned:
    first = events[0]
    assert isinstance(first, TripReturned)
    return first


def test_fl2_clearing_a_fault_that_is_not_open_names_it() -> None:
    error = registered().refuses(ClearFault(V, "F9", "fixed"), "FL-2", at=NOW)
    assert said(error) == ("FL-2", "fault_id", "no open fault F9")


def test_fl2_a_return_names_the_trip_and_the_reading_at_fault() -> None:
    error = out().refuses(ReturnTrip(V, "t9", Decimal("1010.0")), "FL-2", at=NOW)
    assert said(error) == ("FL-2", "trip_id", "trip t9 is not out on this vehicle")
    error = out().refuses(ReturnTrip(V, "t1", Decimal("999.0")), "FL-2", at=NOW)
    assert said(error) == (
        "FL-2",
        "odometer_in_km",
        "odometer in 999.0 km is below odometer out 1000.0 km",
    )
    error = out().refuses(ReturnOwnTrip(V, "t1", Decimal("1010.0")), "FL-2", at=NOW, actor="d9")
    assert said(error) == (
        "FL-2",
        "trip_id",
        "the driver named on the trip (drv-07) drives it and records its return",
    )
    error = out().refuses(ReturnTrip(V, "t1", Decimal("2000.1")), "FL-2", at=NOW)
    assert said(error) == (
        "FL-2",
        "odometer_in_km",
        "1000.1 km on one trip is above the 1000 km limit: the fleet captain confirms it",
    )


def test_fl2_a_trip_returned_twice_is_a_conflict_naming_it() -> None:
    back = out().record(ReturnTrip(V, "t1", Decimal("1010.0")), at=NOW)
    error = back.refuses(ReturnTrip(V, "t1", Decimal("1010.0")), "CONFLICT", at=NOW)
    assert (error.status, error.message) == (409, "trip t1 already returned")


def test_fl2_a_return_at_the_odometer_out_and_exactly_at_the_km_limit_is_taken() -> None:
    standing = returned(out().when(ReturnTrip(V, "t1", Decimal("1000.0")), at=NOW))
    assert standing.km == Decimal("0.0")
    at_limit = returned(out().when(ReturnTrip(V, "t1", Decimal("2000.0")), at=NOW))
    assert (at_limit.km, at_limit.jump_confirmed_by) == (Decimal("1000.0"), None)


def test_fl2_the_captain_is_named_only_for_a_jump_over_the_limit() -> None:
    command = ConfirmTripReturn(V, "t1", Decimal("2000.0"))
    at_limit = returned(out().when(command, at=NOW, actor="cap-01"))
    assert at_limit.jump_confirmed_by is None
    command = ConfirmTripReturn(V, "t1", Decimal("2000.1"))
    assert returned(out().when(command, at=NOW, actor="cap-01")).jump_confirmed_by == "cap-01"


def test_fl2_rev2_a_booking_holds_from_the_dispatch_window_exactly() -> None:
    needed = NOW + timedelta(minutes=60)  # the window (60 minutes) opens now
    booked = (("vehicle_id", Booking("req-1", needed)),)
    error = registered().refuses(start(booked=booked), "FL-2", at=NOW)
    assert said(error) == (
        "FL-2",
        "vehicle_id",
        "vehicle is reserved for vehicle request req-1 needed at "
        f"{needed.isoformat()}: it goes to that trip only",
    )
    assert registered().when(start(booked=booked), at=NOW - timedelta(microseconds=1))
    driver = (("driver_id", Booking("req-1", needed)),)
    error = registered().refuses(start(booked=driver), "FL-2", at=NOW)
    assert (error.field, error.message.split(" is ")[0]) == ("driver_id", "driver")
