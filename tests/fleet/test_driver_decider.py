"""FL-2 on the driver's stream: a trip claims its driver (pure decider)."""

from datetime import UTC, date, datetime
from typing import Any

from fleet.domain.drivers import DRIVER, AssignDriverToTrip
from fleet.domain.drivers.events import DriverAssignedToTrip
from fleet.domain.drivers.state import DriverState
from opsledger.testing import Scenario, given
from opsledger_contracts.events.fleet import DriverCertified

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
CERTIFIED = DriverCertified(
    driver_id="drv-07",
    name="Lin Wei",
    certificate_no="SG-1",
    valid_from=date(2026, 1, 1),
    valid_to=date(2027, 12, 31),
)


def trip_of(scenario: Scenario[DriverState, Any]) -> tuple[str, str] | None:
    """The claimed trip, read afresh (an attribute narrowed by an assert stays narrowed)."""
    return scenario.state.trip


def test_a_trip_claims_its_driver_and_the_latest_claim_counts() -> None:
    scenario = given(DRIVER, CERTIFIED, at=NOW, stream_id="driver-drv-07")
    assert trip_of(scenario) is None
    decided = scenario.when(AssignDriverToTrip("drv-07", "veh-1", "t1"), at=NOW)
    assert decided == [DriverAssignedToTrip(driver_id="drv-07", vehicle_id="veh-1", trip_id="t1")]
    scenario.given(*decided, at=NOW)
    scenario.record(AssignDriverToTrip("drv-07", "veh-2", "t2"), at=NOW)
    assert trip_of(scenario) == ("veh-2", "t2")
    assert scenario.state.certificate_no == "SG-1"  # a claim changes nothing else
