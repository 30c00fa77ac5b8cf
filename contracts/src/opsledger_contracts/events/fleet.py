"""Events published by fleet on `opsledger.fleet.events` (RULES.md §3, FL-1 … FL-10).

Distances are km and fuel litres, both decimals (JSON strings such as "12.5"); money is
integer fen; timestamps are UTC instants; months are the site's local calendar months.
"""

from datetime import date
from decimal import Decimal
from typing import Annotated, ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, JsonValue

from opsledger_contracts.base import EventPayload
from opsledger_contracts.ledger import LEDGER_EXAMPLE, LedgerEntry
from opsledger_contracts.registry import REGISTRY

Km = Annotated[Decimal, Field(ge=0, max_digits=9, decimal_places=1, description="km")]
Litres = Annotated[Decimal, Field(ge=0, max_digits=8, decimal_places=2, description="litres")]
Economy = Annotated[Decimal, Field(ge=0, max_digits=8, decimal_places=2, description="L/100 km")]
Month = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")]
Staff = Annotated[str, Field(min_length=1, max_length=64, description="Staff id.")]

_VEH = "veh-site-a-0001"


def _example(**fields: JsonValue) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": [fields]})


# -- vehicles and trips (FL-2, FL-3, FL-4) --------------------------------------------


class VehicleEvent(EventPayload):
    """Fields every event of a vehicle's stream carries (the vehicle's dispatch log)."""

    service: ClassVar[str] = "fleet"
    stream_type: ClassVar[str | None] = "Vehicle"

    vehicle_id: str = Field(min_length=1, max_length=64, description="Vehicle id.")


@REGISTRY.register
class VehicleRegistered(VehicleEvent):
    """A vehicle joined the site's fleet with its designated parking place (FL-2, FL-3)."""

    event_type: ClassVar[str] = "VehicleRegistered"
    model_config = _example(
        vehicle_id=_VEH,
        plate="闽A·12345",
        model="soueast",
        unit="customer-service",
        parking_place="Depot yard, bay 3",
        odometer_km="48210.0",
    )

    plate: str = Field(min_length=1, max_length=20, description="Licence plate.")
    model: str = Field(min_length=1, max_length=40, description="Model key (FL-5 allowances).")
    unit: str = Field(min_length=1, max_length=100, description="The unit that owns it.")
    parking_place: str = Field(min_length=1, max_length=200, description="FL-3 parking place.")
    odometer_km: Km


@REGISTRY.register
class VehicleFaultReported(VehicleEvent):
    """A fault was reported: the vehicle is not dispatched until it is cleared (FL-2 rev.)."""

    event_type: ClassVar[str] = "VehicleFaultReported"
    model_config = _example(vehicle_id=_VEH, fault_id="F1", description="Brake warning light")

    fault_id: str = Field(min_length=1, max_length=64, description="Fault report id.")
    description: str = Field(min_length=1, max_length=1000, description="The fault.")


@REGISTRY.register
class VehicleFaultCleared(VehicleEvent):
    """A reported fault was repaired or found harmless."""

    event_type: ClassVar[str] = "VehicleFaultCleared"
    model_config = _example(vehicle_id=_VEH, fault_id="F1", note="Brake pads replaced")

    fault_id: str = Field(min_length=1, max_length=64, description="Fault report id.")
    note: str = Field(min_length=1, max_length=1000, description="How it was cleared.")


@REGISTRY.register
class OdometerReadingConfirmed(VehicleEvent):
    """The fleet captain confirmed an odometer reading outside the plausible range (FL-2)."""

    event_type: ClassVar[str] = "OdometerReadingConfirmed"
    model_config = _example(
        vehicle_id=_VEH, odometer_km="50400.0", previous_km="48210.0", reason="Long repair trip"
    )

    odometer_km: Km
    previous_km: Km
    reason: str = Field(min_length=1, max_length=1000, description="Why the jump is real.")


@REGISTRY.register
class TripDispatched(VehicleEvent):
    """The depot director dispatched a trip: the dispatch log entry (派車登記, FL-1, FL-2).

    `work_order_id` and `request_id` are set when the trip answers dispatch's
    `VehicleRequested` (WO-11, flow 3).
    """

    event_type: ClassVar[str] = "TripDispatched"
    model_config = _example(
        vehicle_id=_VEH,
        trip_id="trip-0001",
        plate="闽A·12345",
        purpose="delivery",
        business="Cigarette delivery, route 3",
        destination="Route 3",
        driver_id="drv-07",
        odometer_out_km="48210.0",
        work_order_id=None,
        request_id=None,
    )

    trip_id: str = Field(min_length=1, max_length=100, description="Trip id.")
    plate: str = Field(min_length=1, max_length=20, description="Licence plate.")
    purpose: Literal["delivery", "official_business"] = Field(description="FL-2 purposes.")
    business: str = Field(min_length=1, max_length=500, description="What the trip is for.")
    destination: str = Field(min_length=1, max_length=200, description="Where it goes.")
    driver_id: Staff
    odometer_out_km: Km
    work_order_id: str | None = Field(default=None, max_length=64, description="Flow 3 order.")
    request_id: str | None = Field(default=None, max_length=100, description="Flow 3 request.")


@REGISTRY.register
class TripReturned(VehicleEvent):
    """The vehicle came back; odometer in and the trip's km (FL-2)."""

    event_type: ClassVar[str] = "TripReturned"
    model_config = _example(
        vehicle_id=_VEH,
        trip_id="trip-0001",
        driver_id="drv-07",
        odometer_in_km="48275.5",
        km="65.5",
        month="2026-11",
        jump_confirmed_by=None,
    )

    trip_id: str = Field(min_length=1, max_length=100, description="Trip id.")
    driver_id: Staff
    odometer_in_km: Km
    km: Km
    month: Month
    jump_confirmed_by: str | None = Field(
        default=None, max_length=64, description="Fleet captain who confirmed a km jump."
    )


@REGISTRY.register
class VehicleServiceOverdue(VehicleEvent):
    """The routine service mileage was passed without a service (FL-4 rev.)."""

    event_type: ClassVar[str] = "VehicleServiceOverdue"
    model_config = _example(vehicle_id=_VEH, odometer_km="53300.0", due_at_km="53210.0")

    odometer_km: Km
    due_at_km: Km


@REGISTRY.register
class VehicleServiced(VehicleEvent):
    """A routine service was done at a designated shop (FL-4)."""

    event_type: ClassVar[str] = "VehicleServiced"
    model_config = _example(vehicle_id=_VEH, odometer_km="53300.0", shop="Fuzhou Soueast 4S")

    odometer_km: Km
    shop: str = Field(min_length=1, max_length=200, description="Designated shop.")


@REGISTRY.register
class VehicleRetired(VehicleEvent):
    """The vehicle left the fleet for good, sold or scrapped (FL-11). Its stream is closed:
    no trip, fuel, fault, service or deduction is recorded for it afterwards. Never
    recorded while the vehicle is out on a trip."""

    event_type: ClassVar[str] = "VehicleRetired"
    model_config = _example(
        vehicle_id=_VEH,
        plate="闽A·12345",
        disposal="scrapped",
        reason="Frame cracked; repair above the vehicle's value",
        odometer_km="312400.0",
    )

    plate: str = Field(min_length=1, max_length=20, description="Licence plate at retirement.")
    disposal: Literal["sold", "scrapped"] = Field(description="How the vehicle left the fleet.")
    reason: str = Field(min_length=1, max_length=1000, description="Why it was retired.")
    odometer_km: Km


# -- drivers (FL-1) ---------------------------------------------------------------------


class DriverEvent(EventPayload):
    """Fields every event of a driver's stream carries."""

    service: ClassVar[str] = "fleet"
    stream_type: ClassVar[str | None] = "Driver"

    driver_id: Staff


@REGISTRY.register
class DriverCertified(DriverEvent):
    """A driver holds a company certificate (上崗證) valid from/to, site-local dates (FL-1).

    A renewal is another `DriverCertified`; the latest one counts.
    """

    event_type: ClassVar[str] = "DriverCertified"
    model_config = _example(
        driver_id="drv-07",
        name="Lin Wei",
        certificate_no="SG-2026-0107",
        valid_from="2026-01-01",
        valid_to="2027-12-31",
    )

    name: str = Field(min_length=1, max_length=100, description="The driver's name.")
    certificate_no: str = Field(min_length=1, max_length=64, description="Certificate number.")
    valid_from: date = Field(description="First valid day (site-local).")
    valid_to: date = Field(description="Last valid day (site-local).")


@REGISTRY.register
class DriverSuspended(DriverEvent):
    """The certificate is suspended: no vehicle until reinstated (FL-1)."""

    event_type: ClassVar[str] = "DriverSuspended"
    model_config = _example(driver_id="drv-07", reason="Pending accident inquiry")

    reason: str = Field(min_length=1, max_length=1000, description="Why.")


@REGISTRY.register
class DriverReinstated(DriverEvent):
    """A suspension ended."""

    event_type: ClassVar[str] = "DriverReinstated"
    model_config = _example(driver_id="drv-07", reason="Inquiry closed: not at fault")

    reason: str = Field(min_length=1, max_length=1000, description="Why.")


@REGISTRY.register
class DriverCertificateRevoked(DriverEvent):
    """The certificate was revoked for good; only a new certification gives a vehicle (FL-1)."""

    event_type: ClassVar[str] = "DriverCertificateRevoked"
    model_config = _example(driver_id="drv-07", reason="Dismissed (FL-8)")

    reason: str = Field(min_length=1, max_length=1000, description="Why.")


# -- flow 3: answers to dispatch's VehicleRequested (WO-11) ----------------------------


class VehicleRequestEvent(EventPayload):
    """Fleet's answer to one `VehicleRequested`, naming the order and the request."""

    service: ClassVar[str] = "fleet"
    stream_type: ClassVar[str | None] = "VehicleRequest"

    work_order_id: str = Field(min_length=1, max_length=64, description="dispatch work order.")
    request_id: str = Field(min_length=1, max_length=100, description="The request answered.")


@REGISTRY.register
class VehicleRequestReferredToDirector(VehicleRequestEvent):
    """The request waits for the depot director, who dispatches or refuses it (FL-2 rev.2).

    The suggestion is a vehicle and a certified driver free when the request came (none
    when there was none); the director may take them or name others.
    """

    event_type: ClassVar[str] = "VehicleRequestReferredToDirector"
    model_config = _example(
        work_order_id="WO-site-a-000042",
        request_id="WO-site-a-000042-vehicle-1",
        purpose="official_business",
        business="Repair at Block 3, unit 1202",
        destination="Block 3, unit 1202",
        needed_at="2026-11-23T02:00:00Z",
        suggested_vehicle_id=_VEH,
        suggested_driver_id="drv-07",
    )

    purpose: Literal["delivery", "official_business"] = Field(
        description="FL-2: vehicles are for delivery and official business only."
    )
    business: str = Field(min_length=1, max_length=500, description="The named business.")
    destination: str = Field(min_length=1, max_length=200, description="Where the trip goes.")
    needed_at: AwareDatetime = Field(description="When the vehicle is needed.")
    suggested_vehicle_id: str | None = Field(
        default=None, min_length=1, max_length=64, description="A vehicle free now, if any."
    )
    suggested_driver_id: Staff | None = Field(
        default=None, description="A certified driver free now, if any."
    )


@REGISTRY.register
class VehicleRequestReserved(VehicleRequestEvent):
    """The director booked a vehicle and a driver for a later time (FL-2 rev.2): nothing
    is taken out now; the trip starts when the director dispatches it."""

    event_type: ClassVar[str] = "VehicleRequestReserved"
    model_config = _example(
        work_order_id="WO-site-a-000042",
        request_id="WO-site-a-000042-vehicle-1",
        needed_at="2026-11-24T02:00:00Z",
        vehicle_id=_VEH,
        plate="闽A·12345",
        driver_id="drv-07",
    )

    needed_at: AwareDatetime = Field(description="When the vehicle is needed.")
    vehicle_id: str = Field(min_length=1, max_length=64, description="Vehicle id.")
    plate: str = Field(min_length=1, max_length=20, description="Licence plate.")
    driver_id: Staff


@REGISTRY.register
class VehicleRequestFulfilled(VehicleRequestEvent):
    """The depot director dispatched a trip for the request with a certified driver (FL-1,
    FL-2 rev.2)."""

    event_type: ClassVar[str] = "VehicleRequestFulfilled"
    model_config = _example(
        work_order_id="WO-site-a-000042",
        request_id="WO-site-a-000042-vehicle-1",
        trip_id="trip-WO-site-a-000042-vehicle-1",
        vehicle_id=_VEH,
        plate="闽A·12345",
        driver_id="drv-07",
    )

    trip_id: str = Field(min_length=1, max_length=100, description="The trip dispatched.")
    vehicle_id: str = Field(min_length=1, max_length=64, description="Vehicle id.")
    plate: str = Field(min_length=1, max_length=20, description="Licence plate.")
    driver_id: Staff


@REGISTRY.register
class VehicleRequestRefused(VehicleRequestEvent):
    """No trip for the request: the depot director refused it, with the rule and the reason
    (FL-1, FL-2 rev.2)."""

    event_type: ClassVar[str] = "VehicleRequestRefused"
    model_config = _example(
        work_order_id="WO-site-a-000042",
        request_id="WO-site-a-000042-vehicle-1",
        rule="FL-1",
        reason="No certified driver is free at site-a",
    )

    rule: str = Field(min_length=1, max_length=16, description="Rule ID of the refusal.")
    reason: str = Field(min_length=1, max_length=1000, description="Why.")


# -- fuel (FL-5, FL-6, FL-7) -------------------------------------------------------------


class FuelMonthEvent(EventPayload):
    """Fields of every event of one vehicle-month of fuel (stream fuel-<vehicle>-<month>)."""

    service: ClassVar[str] = "fleet"
    stream_type: ClassVar[str | None] = "FuelMonth"

    vehicle_id: str = Field(min_length=1, max_length=64, description="Vehicle id.")
    month: Month


@REGISTRY.register
class FuelPurchaseRecorded(FuelMonthEvent):
    """A fuel purchase registered for the vehicle (逐臺登記, FL-5, FL-6).

    `back_dated`: filled before the site-local day it was recorded on; accepted and
    visible to auditors.
    """

    event_type: ClassVar[str] = "FuelPurchaseRecorded"
    model_config = _example(
        vehicle_id=_VEH,
        month="2026-11",
        purchase_id="fp-0001",
        litres="40.00",
        amount_fen=34000,
        station="Sinopec Gulou",
        odometer_km="48400.0",
        full_fill=True,
        invoice_no="35000123",
        filled_at="2026-11-20T03:00:00Z",
        back_dated=False,
    )

    purchase_id: str = Field(min_length=1, max_length=64, description="Purchase id.")
    litres: Litres
    amount_fen: int = Field(gt=0, description="Amount paid in fen.")
    station: str = Field(min_length=1, max_length=200, description="Filling station.")
    odometer_km: Km
    full_fill: bool = Field(description="Tank filled up (economy is computed between these).")
    invoice_no: str = Field(min_length=1, max_length=64, description="Invoice number.")
    filled_at: AwareDatetime = Field(description="When the fuel was bought.")
    back_dated: bool = Field(description="Recorded on a later site-local day than bought.")
    designated_station: bool = Field(
        default=True,
        description="FL-6: at one of the site's designated stations (else kept, flagged and "
        "not reimbursable).",
    )


@REGISTRY.register
class FuelPurchaseSigned(FuelMonthEvent):
    """The fleet captain signed the invoice (FL-6)."""

    event_type: ClassVar[str] = "FuelPurchaseSigned"
    model_config = _example(vehicle_id=_VEH, month="2026-11", purchase_id="fp-0001")

    purchase_id: str = Field(min_length=1, max_length=64, description="Purchase id.")


@REGISTRY.register
class FuelPurchaseApproved(FuelMonthEvent):
    """The manager's office approved the signed invoice: it is reimbursable (FL-6)."""

    event_type: ClassVar[str] = "FuelPurchaseApproved"
    model_config = _example(vehicle_id=_VEH, month="2026-11", purchase_id="fp-0001")

    purchase_id: str = Field(min_length=1, max_length=64, description="Purchase id.")


@REGISTRY.register
class FuelPurchaseVoided(FuelMonthEvent):
    """A purchase was voided; a correction is a void plus a new purchase (§0)."""

    event_type: ClassVar[str] = "FuelPurchaseVoided"
    model_config = _example(
        vehicle_id=_VEH, month="2026-11", purchase_id="fp-0001", reason="Wrong litres typed"
    )

    purchase_id: str = Field(min_length=1, max_length=64, description="Purchase id.")
    reason: str = Field(min_length=1, max_length=1000, description="Why.")


@REGISTRY.register
class FuelMonthReconciled(FuelMonthEvent):
    """The fleet captain closed the vehicle-month: litres / km * 100 against the allowance.

    `revision` counts closings (a reopened month closes again with revision + 1).
    `economy_l_per_100km` is null when no km were driven.
    """

    event_type: ClassVar[str] = "FuelMonthReconciled"
    model_config = _example(
        vehicle_id=_VEH,
        month="2026-11",
        revision=1,
        model="soueast",
        km="1000.0",
        litres="175.00",
        amount_fen=148750,
        economy_l_per_100km="17.50",
        allowance_l_per_100km="14.00",
        allowed_litres="140.00",
        excess_litres="35.00",
        excess_pct="25.00",
        anomalous=True,
        serious=True,
        fine_fen=29750,
        driver_id="drv-07",
    )

    revision: int = Field(ge=1, description="1 for the first closing, +1 per reopening.")
    model: str = Field(min_length=1, max_length=40, description="Vehicle model.")
    km: Km
    litres: Litres
    amount_fen: int = Field(ge=0, description="Fuel paid in the month, fen.")
    economy_l_per_100km: Decimal | None = Field(
        default=None, ge=0, max_digits=8, decimal_places=2, description="L/100 km driven."
    )
    allowance_l_per_100km: Economy
    allowed_litres: Litres
    excess_litres: Litres
    excess_pct: Decimal | None = Field(
        default=None, max_digits=9, decimal_places=2, description="% over the allowance."
    )
    anomalous: bool = Field(description="Above the allowance, or fuel with no km (FL-5).")
    serious: bool = Field(description="Over the serious-excess threshold (FL-7).")
    fine_fen: int = Field(
        ge=0, description="FL-7: excess litres at the month's average price when serious."
    )
    driver_id: str | None = Field(
        default=None, max_length=64, description="Driver with the most km in the month."
    )


@REGISTRY.register
class FuelAnomalyDetected(FuelMonthEvent):
    """A fuel anomaly to report to the office (FL-5): over the allowance, or fuel with no km."""

    event_type: ClassVar[str] = "FuelAnomalyDetected"
    model_config = _example(
        vehicle_id=_VEH,
        month="2026-11",
        revision=1,
        kind="over_allowance",
        excess_litres="35.00",
        excess_pct="25.00",
        serious=True,
        driver_id="drv-07",
    )

    revision: int = Field(ge=1, description="The closing that found it.")
    kind: Literal["over_allowance", "no_km"] = Field(description="What is anomalous.")
    excess_litres: Litres
    excess_pct: Decimal | None = Field(
        default=None, max_digits=9, decimal_places=2, description="% over the allowance."
    )
    serious: bool = Field(description="Over the serious-excess threshold (FL-7).")
    driver_id: str | None = Field(
        default=None, max_length=64, description="Driver with the most km in the month."
    )


@REGISTRY.register
class FuelMonthReopened(FuelMonthEvent):
    """A purchase arrived for a closed month: it is open again (a correction, FL-5)."""

    event_type: ClassVar[str] = "FuelMonthReopened"
    model_config = _example(
        vehicle_id=_VEH, month="2026-11", purchase_id="fp-0009", closed_revision=1
    )

    purchase_id: str = Field(min_length=1, max_length=64, description="The late purchase.")
    closed_revision: int = Field(ge=1, description="The closing it supersedes.")


@REGISTRY.register
class FuelMonthReconciliationOverdue(FuelMonthEvent):
    """The vehicle-month was not reconciled by the configured day of the next month:
    reported to the office (FL-5 rev.2, 「車隊長應每月對單車耗油進行核算」)."""

    event_type: ClassVar[str] = "FuelMonthReconciliationOverdue"
    model_config = _example(vehicle_id=_VEH, month="2026-11", due_on="2026-12-05")

    due_on: date = Field(description="The last day (site time) to reconcile the month.")


# -- the monthly assessment (FL-10 rev.2) ------------------------------------------------


class AssessmentEvent(EventPayload):
    """Fields of every event of a site's assessment month (stream assessment-<site>-<month>)."""

    service: ClassVar[str] = "fleet"
    stream_type: ClassVar[str | None] = "AssessmentMonth"

    month: Month


class AssessmentScore(BaseModel):
    """One driver's or vehicle's closed score: 100 minus the month's deductions, floored at 0."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["driver", "vehicle"] = Field(description="Who is assessed.")
    subject: str = Field(min_length=1, max_length=64, description="Driver or vehicle id.")
    deducted: int = Field(ge=0, description="Points deducted in the month.")
    score: int = Field(ge=0, le=100, description="The month's score.")


@REGISTRY.register
class AssessmentMonthClosed(AssessmentEvent):
    """The office closed the site's assessment month: the scores payroll pays with wages
    (FL-10 rev.2). Later corrections are `AssessmentAdjusted`, never a change to these."""

    event_type: ClassVar[str] = "AssessmentMonthClosed"
    model_config = _example(
        month="2026-11",
        scores=[{"kind": "driver", "subject": "drv-07", "deducted": 10, "score": 90}],
    )

    scores: list[AssessmentScore] = Field(description="Every driver and vehicle of the site.")


@REGISTRY.register
class AssessmentAdjusted(AssessmentEvent):
    """A correction to a closed month's score, with the reason and who made it (FL-10
    rev.2, §0): `points` more deducted (negative: given back), `score` the result."""

    event_type: ClassVar[str] = "AssessmentAdjusted"
    model_config = _example(
        month="2026-11",
        kind="driver",
        subject="drv-07",
        points=-10,
        score=100,
        reason="The deduction was a mistake",
        adjusted_by="off-1",
    )

    kind: Literal["driver", "vehicle"] = Field(description="Who is assessed.")
    subject: str = Field(min_length=1, max_length=64, description="Driver or vehicle id.")
    points: int = Field(ge=-100, le=100, description="More deducted (negative: given back).")
    score: int = Field(ge=0, le=100, description="The score after the adjustment.")
    reason: str = Field(min_length=1, max_length=1000, description="Why.")
    adjusted_by: Staff


# -- conduct: violations, flags, ledger (FL-3, FL-7 … FL-10) ----------------------------


class ConductEvent(EventPayload):
    """Fields of every event of a person's fleet conduct record (stream conduct-<site>-<person>)."""

    service: ClassVar[str] = "fleet"
    stream_type: ClassVar[str | None] = "Conduct"

    person: Staff


@REGISTRY.register
class ViolationRecorded(ConductEvent):
    """A breach of the vehicle rules by a person, with its penalty (FL-2, FL-3, FL-7).

    `count` is how many of this kind the person has now (repeat offenders, FL-3).
    """

    event_type: ClassVar[str] = "ViolationRecorded"
    model_config = _example(
        person="drv-07",
        violation_id="v-0001",
        kind="overnight_away",
        role="driver",
        vehicle_id=_VEH,
        occurred_at="2026-11-20T14:00:00Z",
        month="2026-11",
        note="Parked at home overnight",
        penalty_fen=30000,
        count=1,
    )

    violation_id: str = Field(min_length=1, max_length=64, description="Violation id.")
    kind: Literal["overnight_away", "private_use", "drink_driving", "other_driver"] = Field(
        description="What was breached."
    )
    role: Literal["driver", "director"] = Field(description="The person's role (FL-7 amounts).")
    vehicle_id: str = Field(min_length=1, max_length=64, description="Vehicle id.")
    occurred_at: AwareDatetime = Field(description="When it happened.")
    month: Month
    note: str = Field(min_length=1, max_length=1000, description="What happened.")
    penalty_fen: int = Field(ge=0, description="The fine in fen (0: none set by the rules).")
    count: int = Field(ge=1, description="Violations of this kind by the person so far.")


@REGISTRY.register
class AccidentRecorded(ConductEvent):
    """An accident of the person's, with their share of the cost (FL-8).

    On duty: `responsibility` share capped per site; private use or engine seizure from
    neglect: the whole cost. `liability_fen` is also a ledger entry.
    """

    event_type: ClassVar[str] = "AccidentRecorded"
    model_config = _example(
        person="drv-07",
        accident_id="acc-0001",
        vehicle_id=_VEH,
        occurred_at="2026-11-20T06:00:00Z",
        month="2026-11",
        on_duty=True,
        responsibility="main",
        cost_fen=500000,
        liability_fen=200000,
        engine_seizure=False,
        concealed=False,
        serious=False,
    )

    accident_id: str = Field(min_length=1, max_length=64, description="Accident id.")
    vehicle_id: str = Field(min_length=1, max_length=64, description="Vehicle id.")
    occurred_at: AwareDatetime = Field(description="When it happened.")
    month: Month
    on_duty: bool = Field(description="False: private use, 100% personal.")
    responsibility: Literal["full", "main", "equal", "minor", "none"] = Field(
        description="Responsibility as determined (traffic police / insurer)."
    )
    cost_fen: int = Field(ge=0, description="Total cost of the accident, fen.")
    liability_fen: int = Field(ge=0, description="The person's share, fen.")
    engine_seizure: bool = Field(description="Engine seized from neglected oil/coolant.")
    concealed: bool = Field(description="Not reported by the person (found out later).")
    serious: bool = Field(description="Serious consequences.")


@REGISTRY.register
class IncidentRecorded(ConductEvent):
    """An incident FL-7 names, as the office judged it, with its consequence (FL-7 rev.2).

    `dismissal`: the person is flagged (fuel fraud, a serious case, a police fine or
    detention, drinking with consequences); `pays_cost` / `penalty`: an off-site parking
    incident costs the driver and penalizes the director (a ledger entry each);
    `accountable`: a major accident makes the director accountable.
    """

    event_type: ClassVar[str] = "IncidentRecorded"
    model_config = _example(
        person="drv-07",
        incident_id="inc-0001",
        kind="fuel_fraud",
        role="driver",
        vehicle_id=_VEH,
        occurred_at="2026-11-20T06:00:00Z",
        month="2026-11",
        note="Invoices for fuel never put in the tank",
        amount_fen=42500,
        consequence="dismissal",
    )

    incident_id: str = Field(min_length=1, max_length=64, description="Incident id.")
    kind: Literal[
        "fuel_fraud",
        "serious_excess",
        "police_fine",
        "police_detention",
        "drinking_with_consequences",
        "off_site_parking_incident",
        "major_accident",
    ] = Field(description="What FL-7 names.")
    role: Literal["driver", "director"] = Field(description="The person's role.")
    vehicle_id: str | None = Field(
        default=None, min_length=1, max_length=64, description="Vehicle id, if one."
    )
    occurred_at: AwareDatetime = Field(description="When it happened.")
    month: Month
    note: str = Field(min_length=1, max_length=1000, description="The office's finding.")
    amount_fen: int = Field(ge=0, description="Fined or paid, fen (0: none).")
    consequence: Literal["dismissal", "pays_cost", "penalty", "accountable"] = Field(
        description="What follows (FL-7)."
    )


@REGISTRY.register
class ConductRecordCorrected(ConductEvent):
    """A violation, an accident or a deduction corrected or withdrawn (§0 rev.2), naming the
    original, the reason and who corrected it. Money it moved is put right by a ledger
    entry that `corrects` the original's; the original event stays as it was."""

    event_type: ClassVar[str] = "ConductRecordCorrected"
    model_config = _example(
        person="drv-07",
        correction_id="c-0001",
        target="violation",
        target_id="v-0001",
        action="withdraw",
        reason="Recorded against the wrong driver",
        corrected_by="off-1",
        amount_fen_before=10000,
        amount_fen_after=0,
    )

    correction_id: str = Field(min_length=1, max_length=64, description="Correction id.")
    target: Literal["violation", "accident", "deduction"] = Field(description="What it corrects.")
    target_id: str = Field(min_length=1, max_length=64, description="The original's id.")
    action: Literal["withdraw", "correct"] = Field(description="Withdrawn, or a new amount.")
    reason: str = Field(min_length=1, max_length=1000, description="Why.")
    corrected_by: Staff
    amount_fen_before: int | None = Field(default=None, description="Charged before, fen.")
    amount_fen_after: int | None = Field(default=None, ge=0, description="Charged now, fen.")


@REGISTRY.register
class PersonFlagged(ConductEvent):
    """A person is flagged for removal from post or dismissal (FL-3, FL-7, FL-8)."""

    event_type: ClassVar[str] = "PersonFlagged"
    model_config = _example(
        person="drv-07", flag="dismissal", rule="FL-3", reason="Second overnight parking away"
    )

    flag: Literal["removal", "dismissal"] = Field(description="What management should decide.")
    rule: str = Field(min_length=1, max_length=16, description="Rule ID.")
    reason: str = Field(min_length=1, max_length=1000, description="Why.")


@REGISTRY.register
class FleetLedgerEntryRecorded(LedgerEntry):
    """A fleet penalty or reward in the person's monthly ledger (FL-3, FL-7, FL-8, FL-9).

    The shared `opsledger_contracts.ledger.LedgerEntry` shape, recorded in the person's
    conduct stream.
    """

    event_type: ClassVar[str] = "FleetLedgerEntryRecorded"
    service: ClassVar[str] = "fleet"
    stream_type: ClassVar[str | None] = "Conduct"
    model_config = _example(**LEDGER_EXAMPLE)


# -- maintenance: repairs and small parts (FL-4) ----------------------------------------

_REPAIR = "rep-site-a-000001"


class RepairEvent(EventPayload):
    """Fields of every event of one repair (stream repair-<repair_id>, 車輛維修單)."""

    service: ClassVar[str] = "fleet"
    stream_type: ClassVar[str | None] = "Repair"

    repair_id: str = Field(min_length=1, max_length=64, description="Repair id.")
    vehicle_id: str = Field(min_length=1, max_length=64, description="Vehicle id.")


class RepairPart(BaseModel):
    """One line of the parts list the driver signs (FL-4)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="Part or material.")
    quantity: Decimal = Field(gt=0, max_digits=8, decimal_places=2, description="How many.")
    amount_fen: int = Field(ge=0, description="Price of the line, fen.")
    major: bool = Field(description="A major part: the old one comes back for inspection.")


@REGISTRY.register
class RepairRequested(RepairEvent):
    """A repair was requested; the vehicle's fault `fault_id` stays open until it is done.

    While the fault is open the vehicle is not dispatched (FL-2 rev.).
    """

    event_type: ClassVar[str] = "RepairRequested"
    model_config = _example(
        repair_id=_REPAIR,
        vehicle_id=_VEH,
        fault_id="F1",
        driver_id="drv-07",
        shop="Fuzhou Soueast 4S",
        description="Clutch slipping",
    )

    fault_id: str = Field(min_length=1, max_length=64, description="The vehicle's fault report.")
    driver_id: Staff
    shop: str = Field(min_length=1, max_length=200, description="Designated repair shop.")
    description: str = Field(min_length=1, max_length=1000, description="What is wrong.")


@REGISTRY.register
class RepairApproved(RepairEvent):
    """The office (fleet) approved the repair before the shop (FL-4).

    `by_phone`: approved by phone in an emergency; the repair form follows.
    """

    event_type: ClassVar[str] = "RepairApproved"
    model_config = _example(repair_id=_REPAIR, vehicle_id=_VEH, by_phone=False, form_no="RF-0001")

    by_phone: bool = Field(description="Phone approval; the form is approved later.")
    form_no: str | None = Field(default=None, max_length=64, description="Repair form number.")


@REGISTRY.register
class RepairFormApproved(RepairEvent):
    """The repair form of a phone-approved repair was filed and approved (FL-4)."""

    event_type: ClassVar[str] = "RepairFormApproved"
    model_config = _example(repair_id=_REPAIR, vehicle_id=_VEH, form_no="RF-0001")

    form_no: str = Field(min_length=1, max_length=64, description="Repair form number.")


@REGISTRY.register
class RepairSentToShop(RepairEvent):
    """The vehicle went to the designated shop, after approval (FL-4)."""

    event_type: ClassVar[str] = "RepairSentToShop"
    model_config = _example(repair_id=_REPAIR, vehicle_id=_VEH, shop="Fuzhou Soueast 4S")

    shop: str = Field(min_length=1, max_length=200, description="Designated repair shop.")


@REGISTRY.register
class RepairPartsListSigned(RepairEvent):
    """The driver signed the list of parts and materials replaced (FL-4)."""

    event_type: ClassVar[str] = "RepairPartsListSigned"
    model_config = _example(
        repair_id=_REPAIR,
        vehicle_id=_VEH,
        driver_id="drv-07",
        parts=[{"name": "Clutch plate", "quantity": "1", "amount_fen": 68000, "major": True}],
        total_fen=68000,
    )

    driver_id: Staff
    parts: list[RepairPart] = Field(min_length=1, max_length=100, description="The list.")
    total_fen: int = Field(ge=0, description="Sum of the lines, fen.")


@REGISTRY.register
class ReplacedPartsInspected(RepairEvent):
    """The replaced major parts came back and the office inspected them (FL-4)."""

    event_type: ClassVar[str] = "ReplacedPartsInspected"
    model_config = _example(
        repair_id=_REPAIR, vehicle_id=_VEH, parts=["Clutch plate"], note="Worn through"
    )

    parts: list[str] = Field(min_length=1, max_length=100, description="Parts returned.")
    note: str = Field(min_length=1, max_length=1000, description="What the inspection found.")


@REGISTRY.register
class RepairCompleted(RepairEvent):
    """The vehicle is back from the shop repaired; its fault report is cleared (FL-2, FL-4)."""

    event_type: ClassVar[str] = "RepairCompleted"
    model_config = _example(repair_id=_REPAIR, vehicle_id=_VEH, note="Clutch replaced")

    note: str = Field(min_length=1, max_length=1000, description="What was done.")


@REGISTRY.register
class RepairSettled(RepairEvent):
    """The fleet captain settled the bill with the shop (FL-4)."""

    event_type: ClassVar[str] = "RepairSettled"
    model_config = _example(
        repair_id=_REPAIR, vehicle_id=_VEH, amount_fen=78000, invoice_no="35000999"
    )

    amount_fen: int = Field(gt=0, description="Amount settled with the shop, fen.")
    invoice_no: str = Field(min_length=1, max_length=64, description="The shop's invoice.")


@REGISTRY.register
class RepairAudited(RepairEvent):
    """The office audited the settlement (FL-4)."""

    event_type: ClassVar[str] = "RepairAudited"
    model_config = _example(repair_id=_REPAIR, vehicle_id=_VEH, note="Parts checked line by line")

    note: str = Field(min_length=1, max_length=1000, description="Audit note.")


@REGISTRY.register
class RepairPaymentApproved(RepairEvent):
    """The manager's office approved paying the shop (FL-4)."""

    event_type: ClassVar[str] = "RepairPaymentApproved"
    model_config = _example(repair_id=_REPAIR, vehicle_id=_VEH, amount_fen=78000)

    amount_fen: int = Field(gt=0, description="Amount approved, fen.")


class PartsPurchaseEvent(EventPayload):
    """Fields of every event of one purchase of oil or small parts (stream parts-<id>)."""

    service: ClassVar[str] = "fleet"
    stream_type: ClassVar[str | None] = "PartsPurchase"

    purchase_id: str = Field(min_length=1, max_length=64, description="Purchase id.")
    vehicle_id: str = Field(min_length=1, max_length=64, description="Vehicle id.")


@REGISTRY.register
class SmallPartsRequested(PartsPurchaseEvent):
    """A driver asks to buy oil or small parts for routine self-maintenance (FL-4)."""

    event_type: ClassVar[str] = "SmallPartsRequested"
    model_config = _example(
        purchase_id="sp-0001", vehicle_id=_VEH, items="4 L engine oil", estimated_fen=24000
    )

    items: str = Field(min_length=1, max_length=1000, description="What is needed.")
    estimated_fen: int = Field(ge=0, description="Estimated cost, fen.")


@REGISTRY.register
class SmallPartsConfirmed(PartsPurchaseEvent):
    """The fleet group lead confirmed the need (FL-4)."""

    event_type: ClassVar[str] = "SmallPartsConfirmed"
    model_config = _example(purchase_id="sp-0001", vehicle_id=_VEH)


@REGISTRY.register
class SmallPartsApproved(PartsPurchaseEvent):
    """The depot director approved the confirmed purchase (FL-4)."""

    event_type: ClassVar[str] = "SmallPartsApproved"
    model_config = _example(purchase_id="sp-0001", vehicle_id=_VEH)


@REGISTRY.register
class SmallPartsBought(PartsPurchaseEvent):
    """Oil or small parts were bought. Reimbursable only if confirmed and approved first.

    Otherwise the driver bears the cost (FL-4): `reimbursable` is false with the reason.
    """

    event_type: ClassVar[str] = "SmallPartsBought"
    model_config = _example(
        purchase_id="sp-0001",
        vehicle_id=_VEH,
        amount_fen=23500,
        invoice_no="35000777",
        reimbursable=True,
        reason=None,
    )

    amount_fen: int = Field(gt=0, description="Amount paid, fen.")
    invoice_no: str = Field(min_length=1, max_length=64, description="Invoice number.")
    reimbursable: bool = Field(description="Confirmed by the group lead and approved first.")
    reason: str | None = Field(default=None, max_length=1000, description="Why not.")


# -- rewards (FL-9) ------------------------------------------------------------------------


class RewardMonthEvent(EventPayload):
    """Fields of every event of a site's monthly rewards (stream rewards-<site>-<month>)."""

    service: ClassVar[str] = "fleet"
    stream_type: ClassVar[str | None] = "RewardMonth"

    month: Month


class RewardLine(BaseModel):
    """One proposed reward: the safe month (driver, group lead) or the safe-km subsidy."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    person: Staff
    kind: Literal["safe_month_driver", "safe_month_group_lead", "safe_km"] = Field(
        description="Which reward (FL-9)."
    )
    amount_fen: int = Field(gt=0, description="Amount, fen.")
    km: Km | None = Field(default=None, description="Safe km driven in the month (safe_km).")


class RewardExclusion(BaseModel):
    """Someone who earns no reward this month, and why (an incident)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    person: Staff
    reason: str = Field(min_length=1, max_length=1000, description="The incidents.")


@REGISTRY.register
class MonthlyRewardsProposed(RewardMonthEvent):
    """The month's safe-driving rewards and safe-km subsidy, computed from the log (FL-9).

    `revision` counts proposals; a proposal is replaced until the fleet signs it.
    """

    event_type: ClassVar[str] = "MonthlyRewardsProposed"
    model_config = _example(
        month="2026-11",
        revision=1,
        lines=[
            {"person": "drv-07", "kind": "safe_month_driver", "amount_fen": 10000, "km": None},
            {"person": "drv-07", "kind": "safe_km", "amount_fen": 76, "km": "1999.0"},
            {"person": "lead-1", "kind": "safe_month_group_lead", "amount_fen": 15000, "km": None},
        ],
        excluded=[{"person": "drv-08", "reason": "private_use violation v-0001"}],
        total_fen=25076,
    )

    revision: int = Field(ge=1, description="1 for the first proposal, +1 per recomputation.")
    lines: list[RewardLine] = Field(max_length=10000, description="The rewards.")
    excluded: list[RewardExclusion] = Field(max_length=10000, description="No reward, why.")
    total_fen: int = Field(ge=0, description="Sum of the lines, fen.")


@REGISTRY.register
class MonthlyRewardsSigned(RewardMonthEvent):
    """The fleet (captain or office) audited and signed the month's rewards (FL-9)."""

    event_type: ClassVar[str] = "MonthlyRewardsSigned"
    model_config = _example(month="2026-11", revision=1)

    revision: int = Field(ge=1, description="The proposal signed.")


@REGISTRY.register
class MonthlyRewardsApproved(RewardMonthEvent):
    """The manager's office approved the signed rewards: they become ledger entries (FL-9)."""

    event_type: ClassVar[str] = "MonthlyRewardsApproved"
    model_config = _example(month="2026-11", revision=1, total_fen=25076)

    revision: int = Field(ge=1, description="The proposal approved.")
    total_fen: int = Field(ge=0, description="Sum of the lines, fen.")


# -- the monthly 100-point assessment (FL-10) ------------------------------------------

_POINTS = {
    "points": Field(ge=1, le=100, description="Points deducted from 100."),
    "item": Field(min_length=1, max_length=64, description="Assessment item."),
    "rule": Field(min_length=1, max_length=16, description="Rule ID (FL-10, FL-7 …)."),
    "note": Field(min_length=1, max_length=1000, description="What was found."),
}


@REGISTRY.register
class DriverPointsDeducted(ConductEvent):
    """An itemized deduction from the driver's 100 points of the month (FL-10, FL-7 rev.)."""

    event_type: ClassVar[str] = "DriverPointsDeducted"
    model_config = _example(
        person="drv-07",
        deduction_id="violation-v-0001",
        month="2026-11",
        points=10,
        item="private_use",
        rule="FL-7",
        note="Private use of a vehicle",
    )

    deduction_id: str = Field(min_length=1, max_length=100, description="Deduction id.")
    month: Month
    points: int = _POINTS["points"]
    item: str = _POINTS["item"]
    rule: str = _POINTS["rule"]
    note: str = _POINTS["note"]


@REGISTRY.register
class VehiclePointsDeducted(VehicleEvent):
    """An itemized deduction from the vehicle's 100 points of the month (FL-10)."""

    event_type: ClassVar[str] = "VehiclePointsDeducted"
    model_config = _example(
        vehicle_id=_VEH,
        deduction_id="chk-2026-11-01",
        month="2026-11",
        points=5,
        item="cleanliness",
        rule="FL-10",
        note="Cab not cleaned",
    )

    deduction_id: str = Field(min_length=1, max_length=100, description="Deduction id.")
    month: Month
    points: int = _POINTS["points"]
    item: str = _POINTS["item"]
    rule: str = _POINTS["rule"]
    note: str = _POINTS["note"]
