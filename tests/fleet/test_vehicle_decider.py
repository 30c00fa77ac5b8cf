"""FL-1, FL-2, FL-4: the vehicle decider as given events / when command / then events."""

from datetime import UTC, date, datetime
from decimal import Decimal

from fleet.domain.drivers import DriverState
from fleet.domain.vehicles import VEHICLE, VehicleState
from fleet.domain.vehicles.commands import (
    ConfirmOdometer,
    ConfirmTripReturn,
    RegisterVehicle,
    ReturnOwnTrip,
    ReturnTrip,
    StartTrip,
    VehicleCommand,
)
from opsledger.testing import Scenario, given, site_calendar
from opsledger_contracts.events.fleet import (
    TripDispatched,
    TripReturned,
    VehicleFaultCleared,
    VehicleFaultReported,
    VehicleRegistered,
    VehicleServiceOverdue,
)

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
V = "veh-1"
REGISTERED = VehicleRegistered(
    vehicle_id=V,
    plate="闽A·12345",
    model="soueast",
    unit="customer-service",
    parking_place="Depot yard, bay 3",
    odometer_km=Decimal("1000.0"),
)
CERTIFIED = DriverState(
    driver_id="drv-07",
    site_id="site-a",
    name="Lin Wei",
    certificate_no="SG-1",
    valid_from=date(2026, 1, 1),
    valid_to=date(2027, 12, 31),
)


def start(**overrides: object) -> StartTrip:
    fields: dict[str, object] = {
        "vehicle_id": V,
        "trip_id": "t1",
        "purpose": "delivery",
        "business": "Route 3 delivery",
        "destination": "Route 3",
        "driver_id": "drv-07",
        "driver": CERTIFIED,
        "odometer_out_km": Decimal("1000.0"),
    }
    fields.update(overrides)
    return StartTrip(**fields)  # type: ignore[arg-type]


def registered() -> Scenario[VehicleState, VehicleCommand]:
    return given(VEHICLE, REGISTERED, at=NOW, stream_id="vehicle-veh-1")


def out() -> Scenario[VehicleState, VehicleCommand]:
    return registered().record(start(), at=NOW, actor="dir-01")


def test_fl5_vehicle_of_a_model_without_allowance_is_refused() -> None:
    command = RegisterVehicle("site-a", V, "X-1", "hiace", "cs", "bay 1", Decimal(0))
    given(VEHICLE, at=NOW).refuses(command, "FL-5", at=NOW)


def test_fl2_dispatch_records_the_log_entry() -> None:
    events = registered().when(start(), at=NOW, actor="dir-01")
    assert events == [
        TripDispatched(
            vehicle_id=V,
            trip_id="t1",
            plate="闽A·12345",
            purpose="delivery",
            business="Route 3 delivery",
            destination="Route 3",
            driver_id="drv-07",
            odometer_out_km=Decimal("1000.0"),
        )
    ]


def test_fl1_uncertified_driver_is_refused() -> None:
    registered().refuses(start(driver=None), "FL-1", at=NOW)


def test_fl1_expired_certificate_is_refused() -> None:
    expired = DriverState(**{**CERTIFIED.__dict__, "valid_to": date(2026, 11, 22)})
    error = registered().refuses(start(driver=expired), "FL-1", at=NOW)
    assert "expired" in error.message


def test_fl1_suspended_driver_is_refused() -> None:
    suspended = DriverState(**{**CERTIFIED.__dict__, "suspended": True})
    registered().refuses(start(driver=suspended), "FL-1", at=NOW)


def test_fl2_private_purpose_is_refused() -> None:
    registered().refuses(start(purpose="private"), "FL-2", at=NOW)


def test_fl2_lending_to_another_unit_is_refused() -> None:
    registered().refuses(start(for_unit="construction-co"), "FL-2", at=NOW)


def test_fl2_vehicle_already_out_is_refused() -> None:
    out().refuses(start(trip_id="t2"), "FL-2", at=NOW)


def test_fl2_vehicle_with_open_fault_is_refused() -> None:
    scenario = registered().given(
        VehicleFaultReported(vehicle_id=V, fault_id="F1", description="Brakes"), at=NOW
    )
    error = scenario.refuses(start(), "FL-2", at=NOW)
    assert "fault" in error.message
    scenario.given(VehicleFaultCleared(vehicle_id=V, fault_id="F1", note="Fixed"), at=NOW)
    assert scenario.when(start(), at=NOW)


def test_fl2_odometer_backwards_is_refused() -> None:
    registered().refuses(start(odometer_out_km=Decimal("999.9")), "FL-2", at=NOW)
    out().refuses(ReturnTrip(V, "t1", Decimal("999.0")), "FL-2", at=NOW)


def test_fl2_odometer_jump_over_limit_is_refused_unless_captain_confirms() -> None:
    registered().refuses(start(odometer_out_km=Decimal("2000.1")), "FL-2", at=NOW)
    scenario = out()
    scenario.refuses(ReturnTrip(V, "t1", Decimal("2000.1")), "FL-2", at=NOW)
    events = scenario.when(ConfirmTripReturn(V, "t1", Decimal("2000.1")), at=NOW, actor="cap")
    returned = events[0]
    assert isinstance(returned, TripReturned)
    assert returned.jump_confirmed_by == "cap" and returned.km == Decimal("1000.1")
    confirmed = registered().record(ConfirmOdometer(V, Decimal("2500.0"), "Repair trip"), at=NOW)
    assert confirmed.when(start(odometer_out_km=Decimal("2500.0")), at=NOW)


def test_fl2_the_named_driver_records_own_return() -> None:
    scenario = out()
    scenario.refuses(ReturnOwnTrip(V, "t1", Decimal("1010.0")), "FL-2", at=NOW, actor="drv-99")
    events = scenario.when(ReturnOwnTrip(V, "t1", Decimal("1010.0")), at=NOW, actor="drv-07")
    assert events == [
        TripReturned(
            vehicle_id=V,
            trip_id="t1",
            driver_id="drv-07",
            odometer_in_km=Decimal("1010.0"),
            km=Decimal("10.0"),
            month="2026-11",
        )
    ]


def test_fl2_km_limit_is_a_site_setting() -> None:
    site = site_calendar("site-a", {"rules": {"fleet": {"max_trip_km": "5000"}}})
    scenario = given(VEHICLE, REGISTERED, at=NOW, site=site).record(start(), at=NOW)
    assert scenario.when(ReturnTrip(V, "t1", Decimal("4000.0")), at=NOW)


def test_fl4_service_overdue_by_mileage_is_an_event() -> None:
    site = site_calendar("site-a", {"rules": {"fleet": {"max_trip_km": "9000"}}})
    scenario = given(VEHICLE, REGISTERED, at=NOW, site=site).record(start(), at=NOW)
    events = scenario.when(ReturnTrip(V, "t1", Decimal("6000.0")), at=NOW)
    assert events[-1] == VehicleServiceOverdue(
        vehicle_id=V, odometer_km=Decimal("6000.0"), due_at_km=Decimal("6000.0")
    )


def test_fl2_a_driver_out_on_another_vehicle_is_refused() -> None:
    error = registered().refuses(start(driver_out_on="veh-2/t9"), "FL-2", at=NOW)
    assert "veh-2/t9" in error.message
