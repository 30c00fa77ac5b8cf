"""HTTP routes for vehicles, drivers, trips and violations (FL-1 … FL-4, FL-7)."""

from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Annotated, Literal

from fastapi import APIRouter
from opsledger.command_routes import post_command
from opsledger.fields import Instant, StrictDate
from opsledger.http import rule
from opsledger.pipeline import roles
from opsledger.readmodels import From, Row, StateView, response_model
from opsledger.redaction import read_by, redact
from opsledger.routes import Commands, Reader, Reads
from pydantic import BaseModel, Field, StrictBool, StrictInt, model_validator

from fleet.domain.conduct import ConductState, RecordAccident, RecordViolation
from fleet.domain.conduct.commands import CorrectRecord, IncidentKind, RecordIncident
from fleet.domain.drivers.commands import (
    CertifyDriver,
    ReinstateDriver,
    RevokeCertificate,
    SuspendDriver,
)
from fleet.domain.vehicles import commands as vc
from fleet.domain.vehicles.state import Retirement
from fleet.entrypoints.fields import (
    Body,
    FleetBody,
    Ident,
    Km,
    Month,
    Reason,
    Short,
    SiteId,
    StaffId,
)
from fleet.readmodels.vehicles import DRIVERS, VEHICLES
from fleet.views import vehicles as views
from fleet.workflows.vehicles import DispatchTrip

router = APIRouter(tags=["vehicles, drivers and trips"])
BOARD_READERS = roles(
    "depot_director",
    "fleet_captain",
    "fleet_group_lead",
    "fleet_office",
    "driver",
    "manager",
    "auditor",
)
RETURN_FOR_OTHERS = frozenset({"depot_director", "fleet_captain", "admin"})
BoardReads = Annotated[Reader, Reads(roles=BOARD_READERS)]


class TripView(StateView):
    trip_id: str
    driver_id: str
    purpose: str
    business: str
    odometer_out_km: Annotated[Decimal, From("odometer_out")]
    odometer_in_km: Annotated[Decimal | None, From("odometer_in")]
    km: Decimal | None
    dispatched_at: datetime
    returned_at: datetime | None


# A command's answer, read from the vehicle's state (opsledger.readmodels.StateView): a
# field the state has is one line here, with no mapping to write.
class VehicleView(StateView):
    vehicle_id: str
    site_id: str
    plate: str
    model: str
    unit: str
    parking_place: str
    odometer_km: Annotated[Decimal, From("odometer")]
    open_faults: Annotated[list[str], From(lambda s: [f"{i}: {text}" for i, text in s.faults])]
    current_trip: Annotated[TripView | None, From("out")]
    last_trip: Annotated[TripView | None, From(lambda s: s.out or s.last)]
    retired: Retirement | None  # FL-11: disposal, reason, at, by


class DriverView(StateView):
    driver_id: str
    site_id: str
    name: str
    certificate_no: str
    valid_from: date | None
    valid_to: date | None
    suspended: bool
    revoked: bool


@router.post("/vehicles", status_code=201)
async def register_vehicle(
    body: FleetBody[vc.RegisterVehicle, None], commands: Commands
) -> VehicleView:
    result = await commands.run(body.command())
    return VehicleView.of(result.state)


@router.get("/vehicles", response_model=response_model(VEHICLES, many=True))
async def vehicle_board(site_id: SiteId, reads: BoardReads) -> list[Row]:
    reads.authorize(site_id)
    return await reads(views.vehicle_board, site_id)


@router.get("/vehicles/{vehicle_id}/trips")
async def vehicle_trips(
    vehicle_id: Ident, site_id: SiteId, reads: BoardReads, month: Month | None = None
) -> list[views.TripRow]:
    reads.authorize(site_id)
    return await reads(views.vehicle_trips, site_id, vehicle_id, month)


async def _vehicle(commands: Commands, command: object) -> VehicleView:
    return VehicleView.of((await commands.run(command)).state)


# A vehicle command's route: the body derived from the command, the vehicle answered.
_post = partial(post_command, router, answer=_vehicle, body=FleetBody, path_type=Ident)


_post("/vehicles/{vehicle_id}/faults", vc.ReportFault)
_post("/vehicles/{vehicle_id}/faults/{fault_id}/clear", vc.ClearFault)
_post("/vehicles/{vehicle_id}/odometer", vc.ConfirmOdometer)
_post("/vehicles/{vehicle_id}/service", vc.RecordService)
_post("/vehicles/{vehicle_id}/retire", vc.RetireVehicle)


class DispatchBody(Body):
    site_id: SiteId
    vehicle_id: Ident
    purpose: Literal["delivery", "official_business", "private"] = Field(
        json_schema_extra=rule("FL-2")
    )
    business: str = Field(min_length=1, max_length=500, json_schema_extra=rule("FL-2"))
    destination: Short
    driver_id: StaffId = Field(json_schema_extra=rule("FL-1"))
    odometer_out_km: Km
    for_unit: Short | None = Field(default=None, json_schema_extra=rule("FL-2"))


@router.post("/trips", status_code=201)
async def dispatch_trip(body: DispatchBody, commands: Commands) -> VehicleView:
    result = await commands.run(DispatchTrip(**body.model_dump()))
    return VehicleView.of(result.state)


class ReturnBody(Body):
    odometer_in_km: Km
    confirm_jump: bool = Field(default=False, description="Fleet captain: accept a km jump")


@router.post("/vehicles/{vehicle_id}/trips/{trip_id}/return")
async def return_trip(
    vehicle_id: Ident, trip_id: str, body: ReturnBody, commands: Commands
) -> VehicleView:
    args = (vehicle_id, trip_id, body.odometer_in_km)
    if body.confirm_jump:
        command: vc.ReturnTrip | vc.ReturnOwnTrip | vc.ConfirmTripReturn = vc.ConfirmTripReturn(
            *args
        )
    elif commands.principal.roles & RETURN_FOR_OTHERS:
        command = vc.ReturnTrip(*args)
    else:
        command = vc.ReturnOwnTrip(*args)  # a driver records their own trip (FL-2 rev.)
    result = await commands.run(command)
    return VehicleView.of(result.state)


class CertifyBody(Body):
    site_id: SiteId
    driver_id: StaffId
    name: str = Field(min_length=1, max_length=100)
    certificate_no: Ident = Field(json_schema_extra=rule("FL-1"))
    valid_from: StrictDate = Field(json_schema_extra=rule("FL-1"))
    valid_to: StrictDate = Field(json_schema_extra=rule("FL-1"))

    @model_validator(mode="after")
    def _ordered(self) -> "CertifyBody":
        if self.valid_to < self.valid_from:
            raise ValueError("valid_to must not be before valid_from (FL-1)")
        return self


@router.post("/drivers", status_code=201)
async def certify_driver(body: CertifyBody, commands: Commands) -> DriverView:
    result = await commands.run(CertifyDriver(**body.model_dump()))
    return DriverView.of(result.state)


@router.get("/drivers", response_model=response_model(DRIVERS, many=True))
async def drivers(site_id: SiteId, reads: BoardReads) -> list[Row]:
    reads.authorize(site_id)
    return await reads(views.drivers, site_id)


@router.post("/drivers/{driver_id}/suspend")
async def suspend(driver_id: StaffId, body: Reason, commands: Commands) -> DriverView:
    return DriverView.of((await commands.run(SuspendDriver(driver_id, body.reason))).state)


@router.post("/drivers/{driver_id}/reinstate")
async def reinstate(driver_id: StaffId, body: Reason, commands: Commands) -> DriverView:
    return DriverView.of((await commands.run(ReinstateDriver(driver_id, body.reason))).state)


@router.post("/drivers/{driver_id}/revoke")
async def revoke(driver_id: StaffId, body: Reason, commands: Commands) -> DriverView:
    return DriverView.of((await commands.run(RevokeCertificate(driver_id, body.reason))).state)


class ViolationBody(Body):
    site_id: SiteId
    person: StaffId
    violation_id: Ident
    kind: Literal["overnight_away", "private_use", "drink_driving", "other_driver"] = Field(
        json_schema_extra=rule("FL-7")
    )
    role: Literal["driver", "director"] = Field(json_schema_extra=rule("FL-7"))
    vehicle_id: Ident
    occurred_at: Instant
    # The ledger's reason is "<what the violation is>: <note>", at most 1000 characters.
    note: str = Field(min_length=1, max_length=900)


class ConductView(BaseModel):
    person: str
    site_id: str
    violations: int
    # The person's ledger net and dismissal/removal flags (FL-7, FL-8): ledger readers only.
    ledger_fen: int | None = read_by(views.LEDGER_READERS)
    flags: list[str] | None = read_by(views.LEDGER_READERS)

    @classmethod
    def of(cls, s: ConductState, roles: frozenset[str]) -> "ConductView":
        """The person's conduct as a reader with `roles` may see it."""
        return redact(
            cls(
                person=s.person,
                site_id=s.site_id,
                violations=len(s.violations),
                ledger_fen=sum(
                    x.amount_fen if x.kind == "reward" else -x.amount_fen for x in s.ledger
                ),
                flags=[f"{flag} ({rule_id}): {reason}" for flag, rule_id, reason in s.flags],
            ),
            roles,
        )


@router.post("/violations", status_code=201)
async def record_violation(body: ViolationBody, commands: Commands) -> ConductView:
    result = await commands.run(RecordViolation(**body.model_dump()))
    return ConductView.of(result.state, commands.principal.roles)


class AccidentBody(Body):
    site_id: SiteId
    person: StaffId
    accident_id: Ident
    vehicle_id: Ident
    occurred_at: Instant
    on_duty: StrictBool = Field(json_schema_extra=rule("FL-8"))
    responsibility: Literal["full", "main", "equal", "minor", "none"] = Field(
        json_schema_extra=rule("FL-8")
    )
    cost_fen: StrictInt = Field(ge=0, le=100_000_000, json_schema_extra=rule("FL-8"))
    engine_seizure: StrictBool = False
    concealed: StrictBool = False
    serious: StrictBool = False


@router.post("/accidents", status_code=201)
async def record_accident(body: AccidentBody, commands: Commands) -> ConductView:
    result = await commands.run(RecordAccident(**body.model_dump()))
    return ConductView.of(result.state, commands.principal.roles)


class IncidentBody(Body):
    site_id: SiteId
    person: StaffId
    incident_id: Ident
    kind: IncidentKind = Field(json_schema_extra=rule("FL-7"))
    role: Literal["driver", "director"] = Field(json_schema_extra=rule("FL-7"))
    vehicle_id: Ident | None = None
    occurred_at: Instant
    note: Short
    amount_fen: StrictInt = Field(default=0, ge=0, le=100_000_000, json_schema_extra=rule("FL-7"))


@router.post("/incidents", status_code=201)
async def record_incident(body: IncidentBody, commands: Commands) -> ConductView:
    """The office records an incident FL-7 names, with its consequence (FL-7 rev.2)."""
    result = await commands.run(RecordIncident(**body.model_dump()))
    return ConductView.of(result.state, commands.principal.roles)


@router.post("/corrections", status_code=201)
async def correct_record(body: FleetBody[CorrectRecord, None], commands: Commands) -> ConductView:
    """Withdraw or correct a violation, an accident or a deduction (§0 rev.2)."""
    result = await commands.run(body.command())
    return ConductView.of(result.state, commands.principal.roles)
