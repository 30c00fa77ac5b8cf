"""Vehicles and their dispatch log (派車登記): the Vehicle aggregate."""

from typing import Any

from opsledger.decider import Aggregate
from opsledger.pipeline import SYSTEM_ONLY, roles

from fleet.domain.sites import site_of_stream
from fleet.domain.vehicles import commands as c
from fleet.domain.vehicles.decide import decide, retired
from fleet.domain.vehicles.state import Trip, VehicleState, evolve, vehicle_stream

__all__ = ["VEHICLE", "Trip", "VehicleState", "vehicle_stream"]


def _stream_id(command: Any) -> str:
    return vehicle_stream(command.vehicle_id)


VEHICLE: Aggregate[VehicleState, c.VehicleCommand] = Aggregate(
    stream_type="Vehicle",
    stream_prefix="vehicle-",
    initial=VehicleState(),
    evolve=evolve,
    stream_id=_stream_id,
    commands={
        c.RegisterVehicle: (roles("fleet_captain", "fleet_office", "depot_director"), decide),
        c.ReportFault: (
            roles("driver", "depot_director", "fleet_captain", "fleet_group_lead"),
            decide,
        ),
        c.ClearFault: (roles("fleet_captain", "depot_director"), decide),
        c.HoldFaultForRepair: (SYSTEM_ONLY, decide),  # by RequestRepair
        c.ClearRepairedFault: (SYSTEM_ONLY, decide),  # by FinishRepair
        c.ConfirmOdometer: (roles("fleet_captain"), decide),
        c.StartTrip: (SYSTEM_ONLY, decide),  # run by the DispatchTrip workflow (loads the driver)
        c.ReturnTrip: (roles("depot_director", "fleet_captain"), decide),
        c.ReturnOwnTrip: (roles("driver"), decide),
        c.ConfirmTripReturn: (roles("fleet_captain"), decide),
        c.RecordService: (roles("fleet_captain"), decide),
        c.DeductVehiclePoints: (SYSTEM_ONLY, decide),  # RecordVehicleDeduction (FL-10 rev.2)
        c.RetireVehicle: (roles("fleet_office", "fleet_captain", "depot_director"), decide),
        c.BookVehicle: (SYSTEM_ONLY, decide),  # by DispatchRequestedTrip, for a later time
    },
    closed=retired,  # FL-11
    snapshot_every=200,  # a vehicle's log lives for years
    site_of=site_of_stream,
    creates=frozenset({c.RegisterVehicle}),
)
