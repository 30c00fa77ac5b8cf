"""The person stream's carrier custody claims (SR-18), used by reg-b's carrier workflows."""

from datetime import date

from opsledger.pipeline import SYSTEM_ONLY
from secrets_registry.domain.clearance import CarrierLevel, PersonLevel
from secrets_registry.domain.personnel import (
    PERSON,
    CarrierCustodyReleased,
    CarrierCustodyTaken,
    ReleaseCarrierCustody,
    TakeCarrierCustody,
    person_stream,
)

from tests.secrets_registry.people import NOW, PID, TODAY, in_post


def test_sr18_custody_is_taken_and_released_on_the_person_stream() -> None:
    s = in_post(PersonLevel.CORE)
    assert s.when(TakeCarrierCustody(PID, "car-1"), at=NOW) == [
        CarrierCustodyTaken(person_id=PID, carrier_id="car-1")
    ]
    s.record(TakeCarrierCustody(PID, "car-1"), at=NOW)
    s.record(TakeCarrierCustody(PID, "car-2"), at=NOW)
    assert s.state.held_carriers == frozenset({"car-1", "car-2"})
    s.record(ReleaseCarrierCustody(PID, "car-1"), at=NOW)
    assert s.state.held_carriers == frozenset({"car-2"})
    assert s.when(ReleaseCarrierCustody(PID, "car-2"), at=NOW) == [
        CarrierCustodyReleased(person_id=PID, carrier_id="car-2")
    ]
    s.refuses(ReleaseCarrierCustody(PID, "car-1"), "CONFLICT", at=NOW)


def test_custody_commands_are_the_systems_only() -> None:
    assert PERSON.roles(TakeCarrierCustody) == SYSTEM_ONLY
    assert PERSON.roles(ReleaseCarrierCustody) == SYSTEM_ONLY
    assert person_stream(PID) == f"person-{PID}"


def test_clearance_of_a_person_in_post() -> None:
    clearance = in_post(PersonLevel.IMPORTANT).state.clearance()
    assert clearance.level == PersonLevel.IMPORTANT
    assert clearance.vetted and clearance.trained
    assert clearance.clears(CarrierLevel.SECRET) and not clearance.clears(CarrierLevel.TOP_SECRET)
    assert clearance.pledged_on(TODAY)


def test_a_person_snapshot_round_trips_the_whole_record() -> None:
    """PERSON opts in to snapshots (a person's file lives for years): the state with
    applications, travels, custody and levels reads back equal from its JSON."""
    from opsledger.catalog import EventCatalog
    from opsledger.snapshots import Snapshotter
    from secrets_registry.domain.personnel import leaving as lc
    from secrets_registry.domain.personnel.commands import RequestForeignTravel

    s = in_post(PersonLevel.CORE, key_department=True)
    s.record(TakeCarrierCustody(PID, "car-1"), at=NOW)
    s.record(RequestForeignTravel(PID, "TR1", "HK", TODAY, TODAY, "x"), at=NOW)
    s.record(lc.ApplyToLeave(PID, "A1", "leave_post", date(2027, 1, 1), "go"), at=NOW)
    s.record(lc.AppointRegisters(PID, ["use"]), at=NOW)
    adapter, _ = Snapshotter(EventCatalog(service="secrets_registry")).codec(PERSON)
    full = s.state
    assert adapter.validate_json(adapter.dump_json(full)) == full
