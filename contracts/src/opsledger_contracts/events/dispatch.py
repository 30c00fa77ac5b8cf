"""Events published by dispatch on `opsledger.dispatch.events`."""

from datetime import date
from typing import ClassVar, Literal

from pydantic import AwareDatetime, ConfigDict, Field, JsonValue

from opsledger_contracts.base import EventPayload
from opsledger_contracts.ledger import LEDGER_EXAMPLE, LedgerEntry
from opsledger_contracts.registry import REGISTRY


@REGISTRY.register
class DiagnosticPingReceived(EventPayload):
    """Dispatch received a callcenter `DiagnosticPingSent` (the wiring works end to end)."""

    event_type: ClassVar[str] = "DiagnosticPingReceived"
    schema_version: ClassVar[int] = 1
    service: ClassVar[str] = "dispatch"
    stream_type: ClassVar[str | None] = "DiagnosticPingReceipt"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ping_id": "ping-0001",
                    "message": "Dispatch, do you copy?",
                    "sent_event_id": "a7d5b825-ae1a-505f-86d5-e4e9bd4e3872",
                    "sent_at": "2025-01-15T08:29:58Z",
                }
            ]
        }
    )

    ping_id: str = Field(min_length=1, max_length=64, description="The ping's id.")
    message: str = Field(max_length=500, description="The ping's text.")
    sent_event_id: str = Field(description="event_id of the DiagnosticPingSent answered.")
    sent_at: AwareDatetime = Field(description="occurred_at of the ping in callcenter.")


_WO = "WO-site-a-000042"


class WorkOrderEvent(EventPayload):
    """Fields every work-order event carries, so consumers need no state to correlate."""

    service: ClassVar[str] = "dispatch"
    stream_type: ClassVar[str | None] = "WorkOrder"

    work_order_id: str = Field(min_length=1, max_length=64, description="Work order id.")
    serial_no: int = Field(ge=1, description="Gap-free per-site serial number (WO-8).")
    ticket_id: str | None = Field(
        default=None, max_length=64, description="callcenter ticket that requested it, if any."
    )


def _example(**fields: JsonValue) -> ConfigDict:
    return ConfigDict(
        json_schema_extra={
            "examples": [
                {"work_order_id": _WO, "serial_no": 42, "ticket_id": "T-site-a-000123", **fields}
            ]
        }
    )


@REGISTRY.register
class WorkOrderIssued(WorkOrderEvent):
    """A dispatcher issued a work order with every mandatory field (WO-1, WO-2, WO-8)."""

    event_type: ClassVar[str] = "WorkOrderIssued"
    model_config = _example(
        issuer="disp-07",
        location="Block 3, unit 1202, kitchen",
        content="Water leaking under the sink",
        requirements="Replace the trap",
        reply_by="2026-11-23T10:00:00Z",
        assignee="eng-12",
        assignee_role="engineer",
        asset_id="B3-1202-sink",
        fault_code="plumbing.leak",
        repair_class="urgent",
    )

    issuer: str = Field(min_length=1, max_length=64, description="Staff id of the issuer.")
    location: str = Field(min_length=1, max_length=200, description="Where the work is.")
    content: str = Field(min_length=1, max_length=2000, description="What is to be done.")
    requirements: str = Field(min_length=1, max_length=1000, description="Requirements.")
    reply_by: AwareDatetime = Field(description="Complete or report progress by then (WO-5).")
    assignee: str = Field(min_length=1, max_length=64, description="Staff id of the assignee.")
    asset_id: str | None = Field(default=None, max_length=100, description="Asset, for WO-10.")
    fault_code: str | None = Field(default=None, max_length=64, description="Fault, for WO-10.")
    assignee_role: str | None = Field(
        default=None,
        max_length=64,
        description="The assignee's role (one of the WO-2 assignee roles), e.g. engineer.",
    )
    repair_class: Literal["urgent", "minor"] | None = Field(
        default=None,
        description=(
            "CC-6: the class of a repair (urgent or minor; each is reported apart); null "
            "when the dispatcher did not class the order. A classed repair carries a "
            "fault_code (WO-10)."
        ),
    )
    key_location_id: str | None = Field(
        default=None,
        max_length=64,
        description="WO-12: the key secrecy location (SR-9) the order is at; null if none.",
    )
    second_assignee: str | None = Field(
        default=None,
        max_length=64,
        description="WO-12 rev.2: the second person at a key location (two at the same time).",
    )


@REGISTRY.register
class WorkOrderAccepted(WorkOrderEvent):
    """The assignee accepted the order; the time is recorded to the minute (WO-3)."""

    event_type: ClassVar[str] = "WorkOrderAccepted"
    model_config = _example(assignee="eng-12", accepted_at="2026-11-23T02:15:00Z")

    assignee: str = Field(min_length=1, max_length=64, description="Who accepted.")
    accepted_at: AwareDatetime = Field(description="Acceptance time, truncated to the minute.")


@REGISTRY.register
class WorkOrderEscalated(WorkOrderEvent):
    """The assignee escalated to a superior instead of refusing (WO-4)."""

    event_type: ClassVar[str] = "WorkOrderEscalated"
    model_config = _example(escalated_by="eng-12", escalated_to="lead-03", reason="Needs a welder")

    escalated_by: str = Field(min_length=1, max_length=64, description="Who escalated.")
    escalated_to: str = Field(min_length=1, max_length=64, description="The superior.")
    reason: str = Field(min_length=1, max_length=1000, description="Why.")


@REGISTRY.register
class WorkOrderReassigned(WorkOrderEvent):
    """A dispatcher or dispatch lead gave an open or escalated order to another assignee.

    The order is issued anew to the new assignee, who must accept it (WO-3); the
    previous assignee can no longer act on it.
    """

    event_type: ClassVar[str] = "WorkOrderReassigned"
    model_config = _example(
        reassigned_by="disp-07",
        previous_assignee="eng-12",
        assignee="eng-15",
        assignee_role="engineer",
        reason="eng-12 is on sick leave",
    )

    reassigned_by: str = Field(min_length=1, max_length=64, description="Who reassigned.")
    previous_assignee: str = Field(min_length=1, max_length=64, description="Assignee before.")
    assignee: str = Field(min_length=1, max_length=64, description="The new assignee.")
    assignee_role: str = Field(
        min_length=1, max_length=64, description="The new assignee's role (WO-2)."
    )
    reason: str = Field(min_length=1, max_length=1000, description="Why.")


@REGISTRY.register
class WorkOrderProgressReported(WorkOrderEvent):
    """The assignee reported progress to dispatch (keeps the order from going overdue, WO-5)."""

    event_type: ClassVar[str] = "WorkOrderProgressReported"
    model_config = _example(
        reported_by="eng-12",
        note="Part ordered, fitting tomorrow 09:00",
        expected_by="2026-11-24T02:00:00Z",
    )

    reported_by: str = Field(min_length=1, max_length=64, description="Who reported.")
    note: str = Field(min_length=1, max_length=2000, description="The progress report.")
    expected_by: AwareDatetime | None = Field(
        default=None,
        description=(
            "New expected completion time, if the report gives one: it becomes the order's "
            "deadline, and the order goes overdue if neither completed nor reported on again "
            "by then (WO-5)."
        ),
    )


@REGISTRY.register
class WorkOrderOverdue(WorkOrderEvent):
    """The reply-by time passed with neither completion nor a progress report (WO-5)."""

    event_type: ClassVar[str] = "WorkOrderOverdue"
    model_config = _example(assignee="eng-12", reply_by="2026-11-23T10:00:00Z")

    assignee: str = Field(min_length=1, max_length=64, description="Who was responsible.")
    reply_by: AwareDatetime = Field(description="The deadline that passed.")


@REGISTRY.register
class WorkOrderCompleted(WorkOrderEvent):
    """The assignee recorded the process and result of the work (WO-6, step 1)."""

    event_type: ClassVar[str] = "WorkOrderCompleted"
    model_config = _example(
        completed_by="eng-12",
        process="Replaced the sink trap",
        result="No more leak",
        completed_at="2026-11-23T03:12:40Z",
        reply_by="2026-11-23T10:00:00Z",
        repair_class="urgent",
    )

    completed_by: str = Field(min_length=1, max_length=64, description="Who did the work.")
    process: str = Field(min_length=1, max_length=2000, description="What was done.")
    result: str = Field(min_length=1, max_length=2000, description="The outcome.")
    completed_at: AwareDatetime | None = Field(
        default=None, description="When the completion was recorded (CC-6 timeliness)."
    )
    reply_by: AwareDatetime | None = Field(
        default=None,
        description=(
            "The order's reply-by time as issued (CC-6: a repair is timely when completed by "
            "it; a progress report does not make a late completion timely)."
        ),
    )
    repair_class: Literal["urgent", "minor"] | None = Field(
        default=None, description="CC-6: the repair's class as issued, if any."
    )


@REGISTRY.register
class WorkOrderSignedOff(WorkOrderEvent):
    """The customer signed the completed order off (WO-6, step 2)."""

    event_type: ClassVar[str] = "WorkOrderSignedOff"
    model_config = _example(signed_by="Ms Wang (owner, 1202)", recorded_by="eng-12")

    signed_by: str = Field(min_length=1, max_length=200, description="Customer who signed.")
    recorded_by: str = Field(min_length=1, max_length=64, description="Staff who recorded it.")


@REGISTRY.register
class WorkOrderCallbackRecorded(WorkOrderEvent):
    """The dispatcher phoned the customer after sign-off (WO-6, step 3)."""

    event_type: ClassVar[str] = "WorkOrderCallbackRecorded"
    model_config = _example(dispatcher="disp-07", confirmed=True, note="Customer satisfied")

    dispatcher: str = Field(min_length=1, max_length=64, description="Who phoned.")
    confirmed: bool = Field(description="Customer confirms the work is done.")
    note: str = Field(default="", max_length=2000, description="What the customer said.")


@REGISTRY.register
class WorkOrderArchived(WorkOrderEvent):
    """Signed off and called back: the order is archived (WO-6, step 4)."""

    event_type: ClassVar[str] = "WorkOrderArchived"
    model_config = _example(archived_by="disp-07")

    archived_by: str = Field(min_length=1, max_length=64, description="Who archived it.")


@REGISTRY.register
class RepeatRepairFlagged(WorkOrderEvent):
    """Same fault at the same location/asset within the window: a repeat repair (WO-10)."""

    event_type: ClassVar[str] = "RepeatRepairFlagged"
    model_config = _example(previous_work_order_id="WO-site-a-000017", window_days=30)

    previous_work_order_id: str = Field(
        min_length=1, max_length=64, description="The earlier order for the same fault."
    )
    window_days: int = Field(ge=1, description="The configured repeat window (days).")


@REGISTRY.register
class WorkOrderRefusalRecorded(WorkOrderEvent):
    """A dispatcher recorded that the assignee refused the order (WO-4; a penalty follows)."""

    event_type: ClassVar[str] = "WorkOrderRefusalRecorded"
    model_config = _example(
        recorded_by="disp-07", assignee="eng-12", reason="Said it is not his job"
    )

    recorded_by: str = Field(min_length=1, max_length=64, description="Dispatcher who recorded.")
    assignee: str = Field(min_length=1, max_length=64, description="The assignee who refused.")
    reason: str = Field(min_length=1, max_length=1000, description="What happened.")


@REGISTRY.register
class WorkOrderJudgedUnreasonable(WorkOrderEvent):
    """A dispatch lead judged an escalated order's dispatch unreasonable (WO-9)."""

    event_type: ClassVar[str] = "WorkOrderJudgedUnreasonable"
    model_config = _example(
        judged_by="lead-01", issuer="disp-07", reason="Sent a plumber to fix a lift"
    )

    judged_by: str = Field(min_length=1, max_length=64, description="Dispatch lead who judged.")
    issuer: str = Field(min_length=1, max_length=64, description="Who issued the order.")
    reason: str = Field(min_length=1, max_length=1000, description="Why it was unreasonable.")


@REGISTRY.register
class PenaltyRecorded(WorkOrderEvent):
    """A penalty against a person in the monthly ledger (WO-4, WO-5, WO-9).

    Recorded in the work order's stream, in the same transaction as the event that
    caused it; payroll (outside the suite) sums it per person and `month`.
    """

    event_type: ClassVar[str] = "PenaltyRecorded"
    model_config = _example(
        person="eng-12",
        amount_fen=3000,
        rule="WO-5",
        reason="Reply-by 2026-11-23T10:00:00Z passed without completion or progress report",
        month="2026-11",
    )

    person: str = Field(min_length=1, max_length=64, description="Staff id penalised.")
    amount_fen: int = Field(gt=0, description="Amount in fen (1 yuan = 100 fen).")
    rule: str = Field(min_length=1, max_length=16, description="Rule ID, e.g. WO-5.")
    reason: str = Field(min_length=1, max_length=1000, description="Why.")
    month: str = Field(
        pattern=r"^\d{4}-\d{2}$",
        description="Site-local month (YYYY-MM) in which the penalised fact happened.",
    )


@REGISTRY.register
class DispatchLedgerEntryRecorded(LedgerEntry):
    """A dispatch penalty (WO-4, WO-5, WO-9) in the shared `LedgerEntry` shape (flow 5).

    Recorded in the work order's stream right after the `PenaltyRecorded` it mirrors, in
    the same transaction: `PenaltyRecorded` stays as it was for its readers, this one is
    what the ledger and payroll consume. `source` is the work order; `entry_id`
    `dispatch-<work order>-<n>` (the n-th penalty on the order) is stable.
    """

    event_type: ClassVar[str] = "DispatchLedgerEntryRecorded"
    service: ClassVar[str] = "dispatch"
    stream_type: ClassVar[str | None] = "WorkOrder"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **LEDGER_EXAMPLE,
                    "entry_id": f"dispatch-{_WO}-1",
                    "person": "eng-12",
                    "amount_fen": 3000,
                    "rule": "WO-5",
                    "reason": "Reply-by 2026-11-23T10:00:00Z passed without completion",
                    "source": _WO,
                }
            ]
        }
    )


class _ReviewEvent(EventPayload):
    service: ClassVar[str] = "dispatch"
    stream_type: ClassVar[str | None] = "EndOfDayReview"

    local_date: date = Field(description="The site-local day reviewed.")


@REGISTRY.register
class EndOfDayReviewRecorded(_ReviewEvent):
    """The dispatcher reviewed the day's orders with a reason for each unfinished one (WO-7)."""

    event_type: ClassVar[str] = "EndOfDayReviewRecorded"
    schema_version: ClassVar[int] = 1
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "local_date": "2026-11-22",
                    "reviewed_by": "disp-07",
                    "reasons": {_WO: "Waiting for the spare part, due tomorrow 09:00"},
                }
            ]
        }
    )

    reviewed_by: str = Field(min_length=1, max_length=64, description="The dispatcher.")
    reasons: dict[str, str] = Field(
        description="Work order id -> why it is unfinished, for every unfinished order."
    )


@REGISTRY.register
class VehicleRequested(WorkOrderEvent):
    """A work order needs a vehicle: fleet is asked to dispatch a trip (WO-11, flow 3).

    Fleet answers on its own topic with the trip dispatched or the refusal and its reason,
    both naming this `work_order_id` and `request_id`.
    """

    event_type: ClassVar[str] = "VehicleRequested"
    schema_version: ClassVar[int] = 1
    model_config = _example(
        request_id="WO-site-a-000042-vehicle-1",
        purpose="official_business",
        business="Repair at Block 3, unit 1202",
        destination="Block 3, unit 1202",
        needed_at="2026-11-23T02:00:00Z",
    )

    request_id: str = Field(
        min_length=1, max_length=100, description="Unique per request; fleet's answers name it."
    )
    purpose: Literal["delivery", "official_business"] = Field(
        description="FL-2: vehicles are for delivery and official business only."
    )
    business: str = Field(
        min_length=1, max_length=500, description="The delivery or the named official business."
    )
    destination: str = Field(min_length=1, max_length=200, description="Where the trip goes.")
    needed_at: AwareDatetime = Field(description="When the vehicle is needed.")


@REGISTRY.register
class WorkOrderVehicleAwaitingDirector(WorkOrderEvent):
    """Fleet referred the order's vehicle request to the depot director (FL-2 rev.2): the
    order shows "waiting for the director" until the trip or the refusal comes (WO-11)."""

    event_type: ClassVar[str] = "WorkOrderVehicleAwaitingDirector"
    schema_version: ClassVar[int] = 1
    model_config = _example(request_id="WO-site-a-000042-vehicle-1")

    request_id: str = Field(
        min_length=1, max_length=100, description="The `VehicleRequested` waiting."
    )


@REGISTRY.register
class WorkOrderVehicleReserved(WorkOrderEvent):
    """The depot director booked a vehicle and driver for the request's later time
    (FL-2 rev.2); the trip comes when the director dispatches it (WO-11)."""

    event_type: ClassVar[str] = "WorkOrderVehicleReserved"
    schema_version: ClassVar[int] = 1
    model_config = _example(
        request_id="WO-site-a-000042-vehicle-1",
        vehicle_id="veh-site-a-0001",
        plate="闽A·12345",
        driver_id="drv-07",
    )

    request_id: str = Field(
        min_length=1, max_length=100, description="The `VehicleRequested` answered."
    )
    vehicle_id: str = Field(min_length=1, max_length=64, description="Fleet's vehicle id.")
    plate: str = Field(min_length=1, max_length=20, description="Licence plate.")
    driver_id: str = Field(min_length=1, max_length=64, description="The certified driver.")


@REGISTRY.register
class WorkOrderVehicleDispatched(WorkOrderEvent):
    """Fleet dispatched a trip for the order's vehicle request: recorded on the order (WO-11).

    Dispatch's record of fleet's `VehicleRequestFulfilled` (flow 3), so whoever follows
    work orders on this topic sees the trip, driver and vehicle without reading fleet's.
    """

    event_type: ClassVar[str] = "WorkOrderVehicleDispatched"
    schema_version: ClassVar[int] = 1
    model_config = _example(
        request_id="WO-site-a-000042-vehicle-1",
        trip_id="trip-WO-site-a-000042-vehicle-1",
        vehicle_id="veh-site-a-0001",
        plate="闽A·12345",
        driver_id="drv-07",
    )

    request_id: str = Field(
        min_length=1, max_length=100, description="The `VehicleRequested` answered."
    )
    trip_id: str = Field(min_length=1, max_length=100, description="Fleet's trip.")
    vehicle_id: str = Field(min_length=1, max_length=64, description="Fleet's vehicle id.")
    plate: str = Field(min_length=1, max_length=20, description="Licence plate.")
    driver_id: str = Field(min_length=1, max_length=64, description="The certified driver.")


@REGISTRY.register
class WorkOrderVehicleRefused(WorkOrderEvent):
    """Fleet refused the order's vehicle request, with the rule and the reason (WO-11).

    Dispatch's record of fleet's `VehicleRequestRefused` (flow 3); the dispatcher may
    request a vehicle again.
    """

    event_type: ClassVar[str] = "WorkOrderVehicleRefused"
    schema_version: ClassVar[int] = 1
    model_config = _example(
        request_id="WO-site-a-000042-vehicle-1",
        rule="FL-2",
        reason="No vehicle is available at site-a",
    )

    request_id: str = Field(
        min_length=1, max_length=100, description="The `VehicleRequested` answered."
    )
    rule: str = Field(min_length=1, max_length=16, description="Fleet's rule ID (FL-1, FL-2).")
    reason: str = Field(min_length=1, max_length=1000, description="Fleet's reason.")


@REGISTRY.register
class EndOfDayReviewMissed(_ReviewEvent):
    """The site's end of day passed without the dispatcher's review of a day that had open
    work orders (WO-7 rev.). A review recorded later is still accepted; this stays."""

    event_type: ClassVar[str] = "EndOfDayReviewMissed"
    schema_version: ClassVar[int] = 1
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"local_date": "2026-11-23", "end_of_day": "2026-11-23T10:00:00Z"}]
        }
    )

    end_of_day: AwareDatetime = Field(description="The site's end of the working day that passed.")


@REGISTRY.register
class InspectionFindingReported(EventPayload):
    """Flow 2: the inspector of an inspection work order (asked by permits'
    `InspectionRequested`) recorded what they found; permits records it on the permit.
    Only a finding with `violation_found` climbs the RP-6 ladder."""

    event_type: ClassVar[str] = "InspectionFindingReported"
    schema_version: ClassVar[int] = 1
    service: ClassVar[str] = "dispatch"
    stream_type: ClassVar[str | None] = "WorkOrderRequest"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ticket_id": "T-site-a-000123",
                    "inspection_id": "INS-T-site-a-000123",
                    "permit_id": "RP-site-a-0007",
                    "unit_id": "B3-1203",
                    "work_order_id": _WO,
                    "inspector": "eng-01",
                    "inspector_role": "engineer",
                    "inspected_at": "2026-12-05T13:10:00Z",
                    "violation_found": True,
                    "serious": False,
                    "finding": "Drilling at 21:10; told to stop",
                }
            ]
        }
    )

    ticket_id: str = Field(min_length=1, max_length=64, description="The complaint's ticket.")
    inspection_id: str = Field(min_length=1, max_length=80, description="Permits' inspection.")
    permit_id: str | None = Field(
        default=None, max_length=64, description="The permit inspected; None: no active permit."
    )
    unit_id: str = Field(min_length=1, max_length=64, description="The unit inspected.")
    work_order_id: str = Field(min_length=1, max_length=64, description="The inspection order.")
    inspector: str = Field(min_length=1, max_length=64, description="The order's assignee.")
    inspector_role: str = Field(min_length=1, max_length=64, description="Assignee's role.")
    inspected_at: AwareDatetime = Field(description="When the finding was recorded.")
    violation_found: bool = Field(description="A violation of the permit or the rules.")
    serious: bool = Field(description="The inspector marks it serious (RP-6).")
    finding: str = Field(min_length=1, max_length=2000, description="What was found.")
