"""FL-2, FL-4, FL-11 on a vehicle's own records: service, odometer confirmations, faults
held by repairs and retirement, each event and refusal to the letter (survivors of
`make mutation SERVICES=fleet`)."""

from decimal import Decimal

from fleet.domain.vehicles.commands import (
    ConfirmOdometer,
    HoldFaultForRepair,
    RecordService,
    RegisterVehicle,
    ReportFault,
    RetireVehicle,
)
from fleet.domain.vehicles.events import VehicleFaultHeldByRepair
from opsledger_contracts.events.fleet import (
    OdometerReadingConfirmed,
    VehicleFaultReported,
    VehicleRetired,
    VehicleServiced,
)

from tests.fleet.test_vehicle_decider import NOW, V, out, registered


def test_fl4_a_service_is_recorded_at_its_reading_never_below_the_last() -> None:
    assert registered().when(RecordService(V, Decimal("1000.0"), "Shop A"), at=NOW) == [
        VehicleServiced(vehicle_id=V, odometer_km=Decimal("1000.0"), shop="Shop A")
    ]
    error = registered().refuses(RecordService(V, Decimal("999.9"), "Shop A"), "FL-2", at=NOW)
    assert (error.field, error.message) == ("odometer_km", "the odometer never goes backwards")


def test_fl2_an_odometer_confirmation_names_the_reading_and_waits_for_the_return() -> None:
    assert registered().when(ConfirmOdometer(V, Decimal("1000.0"), "same"), at=NOW) == [
        OdometerReadingConfirmed(
            vehicle_id=V,
            odometer_km=Decimal("1000.0"),
            previous_km=Decimal("1000.0"),
            reason="same",
        )
    ]
    error = registered().refuses(ConfirmOdometer(V, Decimal("999.0"), "x"), "FL-2", at=NOW)
    assert (error.field, error.message) == (
        "odometer_km",
        "the odometer never goes backwards: 999.0 km < 1000.0 km",
    )
    error = out().refuses(ConfirmOdometer(V, Decimal("1500.0"), "x"), "FL-2", at=NOW)
    assert (error.field, error.message) == (None, "vehicle is out on trip t1: record the return")


def test_fl4_a_repair_holds_an_open_fault_once() -> None:
    faulty = registered().record(ReportFault(V, "F1", "Brakes"), at=NOW)
    assert faulty.state.faults == (("F1", "Brakes"),)
    held = faulty.when(HoldFaultForRepair(V, "F1", "rep-1"), at=NOW)
    assert held == [VehicleFaultHeldByRepair(vehicle_id=V, fault_id="F1", repair_id="rep-1")]
    error = faulty.refuses(ReportFault(V, "F1", "again"), "CONFLICT", at=NOW)
    assert error.message == "fault F1 is already open"
    error = faulty.refuses(HoldFaultForRepair(V, "F9", "rep-1"), "FL-4", at=NOW)
    assert error.message == "vehicle 闽A·12345 has no open fault F9"
    faulty.record(HoldFaultForRepair(V, "F1", "rep-1"), at=NOW)
    error = faulty.refuses(HoldFaultForRepair(V, "F1", "rep-2"), "CONFLICT", at=NOW)
    assert error.message == "fault F1 is held by repair rep-1"
    assert registered().when(ReportFault(V, "F2", "Wiper"), at=NOW) == [
        VehicleFaultReported(vehicle_id=V, fault_id="F2", description="Wiper")
    ]


def test_fl11_retiring_names_the_vehicle_and_waits_for_the_return() -> None:
    assert registered().when(RetireVehicle(V, "sold", "old"), at=NOW) == [
        VehicleRetired(
            vehicle_id=V,
            plate="闽A·12345",
            disposal="sold",
            reason="old",
            odometer_km=Decimal("1000.0"),
        )
    ]
    error = out().refuses(RetireVehicle(V, "sold", "old"), "FL-11", at=NOW)
    assert (error.field, error.message) == (
        "vehicle_id",
        "vehicle 闽A·12345 is out on trip t1: record the return first",
    )


def test_fl5_a_vehicle_is_registered_once() -> None:
    command = RegisterVehicle("site-a", V, "X-1", "soueast", "cs", "bay 1", Decimal(0))
    error = registered().refuses(command, "CONFLICT", at=NOW)
    assert (error.status, error.message) == (409, "Vehicle vehicle-veh-1 already exists")
