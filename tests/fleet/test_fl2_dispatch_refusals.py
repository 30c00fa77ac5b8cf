"""FL-1, FL-2: each dispatch refusal names its rule, its field and what is wrong, and the
odometer limits hold exactly at the limit (survivors of `make mutation SERVICES=fleet`)."""

from decimal import Decimal

from fleet.domain.vehicles.commands import StartTrip
from opsledger.errors import DomainError
from opsledger_contracts.events.fleet import VehicleFaultReported

from tests.fleet.test_vehicle_decider import NOW, V, out, registered, start


def refused(command: StartTrip, rule: str = "FL-2") -> tuple[str | None, str]:
    error: DomainError = registered().refuses(command, rule, at=NOW)
    return error.field, error.message


def test_fl1_fl2_dispatch_refusals_name_the_field_and_the_fault() -> None:
    assert refused(start(driver=None), "FL-1") == (
        "driver_id",
        "driver drv-07 has no company certificate (上崗證)",
    )
    assert refused(start(driver_out_on="veh-2/t9")) == (
        "driver_id",
        "driver drv-07 is out on trip veh-2/t9: the driver named on a trip drives it, "
        "one trip at a time",
    )
    assert refused(start(purpose="private")) == (
        "purpose",
        "vehicles are for delivery and official business only",
    )
    assert refused(start(business="  ")) == (
        "business",
        "name the delivery or the official business",
    )
    assert refused(start(for_unit="construction-co")) == (
        "for_unit",
        "no lending to other units: the vehicle belongs to customer-service, not construction-co",
    )
    assert refused(start(odometer_out_km=Decimal("999.9"))) == (
        "odometer_out_km",
        "the odometer never goes backwards: out 999.9 km < last reading 1000.0 km",
    )
    assert refused(start(odometer_out_km=Decimal("2000.1"))) == (
        "odometer_out_km",
        "odometer out is 1000.1 km above the last reading (limit 1000): the fleet captain "
        "confirms the reading first",
    )


def test_fl2_a_vehicle_out_or_with_a_fault_is_named() -> None:
    error = out().refuses(start(trip_id="t2"), "FL-2", at=NOW)
    assert (error.field, error.message) == (
        "vehicle_id",
        "vehicle 闽A·12345 is already out on trip t1",
    )
    faulty = registered().given(
        VehicleFaultReported(vehicle_id=V, fault_id="F1", description="Brakes"), at=NOW
    )
    error = faulty.refuses(start(), "FL-2", at=NOW)
    assert (error.field, error.message) == (
        "vehicle_id",
        "vehicle 闽A·12345 has an open fault report F1 (Brakes): never driven with a fault",
    )


def test_fl2_a_dispatch_exactly_at_the_jump_limit_is_taken_and_business_is_trimmed() -> None:
    [trip] = registered().when(
        start(odometer_out_km=Decimal("2000.0"), business=" Route 3 "), at=NOW
    )
    assert getattr(trip, "business", None) == "Route 3"
    assert getattr(trip, "odometer_out_km", None) == Decimal("2000.0")
