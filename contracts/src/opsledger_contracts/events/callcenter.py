"""Events published by callcenter on `opsledger.callcenter.events`."""

from typing import Annotated, Any, ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from opsledger_contracts.base import EventPayload
from opsledger_contracts.registry import REGISTRY


@REGISTRY.register
class DiagnosticPingSent(EventPayload):
    """A diagnostic ping was sent by a call-center agent to prove the event wiring.

    Dispatch answers every ping it receives with `DiagnosticPingReceived`.
    """

    event_type: ClassVar[str] = "DiagnosticPingSent"
    schema_version: ClassVar[int] = 1
    service: ClassVar[str] = "callcenter"
    stream_type: ClassVar[str | None] = "DiagnosticPing"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"ping_id": "ping-0001", "message": "Dispatch, do you copy?"}]
        }
    )

    ping_id: str = Field(min_length=1, max_length=64, description="Id chosen for the ping.")
    message: str = Field(max_length=500, description="Free text carried along.")


@REGISTRY.register
class WorkOrderRequested(EventPayload):
    """A ticket needs on-site work: callcenter asks dispatch for a work order (CC-4).

    Dispatch queues the request for a dispatcher, who issues the work order (WO-2); the
    order's events carry `ticket_id`, so the ticket follows the order's life.
    """

    event_type: ClassVar[str] = "WorkOrderRequested"
    schema_version: ClassVar[int] = 1
    service: ClassVar[str] = "callcenter"
    stream_type: ClassVar[str | None] = "Ticket"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ticket_id": "T-site-a-000123",
                    "kind": "repair",
                    "location": "Block 3, unit 1202, kitchen",
                    "content": "Water leaking under the sink",
                    "requirements": "Bring a replacement trap; customer home after 14:00",
                    "reply_by": "2026-11-23T10:00:00Z",
                    "asset_id": "B3-1202-sink",
                    "fault_code": "plumbing.leak",
                }
            ]
        }
    )

    ticket_id: str = Field(min_length=1, max_length=64, description="The requesting ticket.")
    kind: Literal["repair", "complaint"] = Field(description="Kind of the requesting ticket.")
    location: str = Field(min_length=1, max_length=200, description="Where the work is (WO-1).")
    content: str = Field(min_length=1, max_length=2000, description="What is wrong (WO-1).")
    requirements: str = Field(
        min_length=1, max_length=1000, description="What the work must achieve (WO-1)."
    )
    reply_by: AwareDatetime = Field(description="When the work must be done by (WO-1, WO-5).")
    asset_id: str | None = Field(
        default=None, max_length=100, description="Asset at the location, for WO-10 repeats."
    )
    fault_code: str | None = Field(
        default=None, max_length=64, description="Classified fault, for WO-10 repeats."
    )


# --- Tickets (stream `ticket-<id>`, stream type "Ticket") ------------------------------

_T = "T-site-a-3f9c2b7d41aa"

TicketKind = Literal["inquiry", "complaint", "repair", "service_request", "emergency"]
Channel = Literal["phone", "walk_in", "letter", "online"]
WorkOrderStatus = Literal[
    "issued",
    "accepted",
    "escalated",
    "progress_reported",
    "overdue",
    "completed",
    "signed_off",
    "callback_recorded",
    "archived",
    "repeat_repair",
]


def _ticket_example(**fields: Any) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": [{"ticket_id": _T, **fields}]})


class TicketEvent(EventPayload):
    """Fields every ticket event carries."""

    service: ClassVar[str] = "callcenter"
    stream_type: ClassVar[str | None] = "Ticket"

    ticket_id: str = Field(min_length=1, max_length=64, description="Ticket id.")


@REGISTRY.register
class TicketOpened(TicketEvent):
    """An agent took a contact and opened a ticket; they own it from now on (CC-1, CC-2).

    The first-response deadline is computed with the site's calendar (CC-3): working
    time for most kinds, continuous time for emergencies.
    """

    event_type: ClassVar[str] = "TicketOpened"
    model_config = _ticket_example(
        kind="complaint",
        channel="phone",
        subject="Noise from renovation next door",
        description="Drilling after 20:00 at unit 1203",
        complaint_level=2,
        category="renovation",
        renovation_unit="B3-1203",
        customer_id="C-site-a-5b1e0c9a7d21",
        owner="agent-1",
        month="2026-03",
        first_response_due_at="2026-03-16T01:00:00Z",
        sla_continuous=False,
        calendar_id="holidays==0.60:CN:Asia/Shanghai",
    )

    kind: TicketKind = Field(description="Ticket kind (CC-2).")
    channel: Channel = Field(description="How the contact came in (CC-2).")
    subject: str = Field(min_length=1, max_length=200, description="Short subject.")
    description: str = Field(default="", max_length=4000, description="What the customer said.")
    complaint_level: int | None = Field(
        default=None, ge=1, le=3, description="Complaints only: 1 minor … 3 major (CC-3)."
    )
    category: str | None = Field(default=None, max_length=64, description="Free category.")
    renovation_unit: str | None = Field(
        default=None, max_length=64, description="Unit renovating, for renovation complaints."
    )
    customer_id: str | None = Field(default=None, max_length=64, description="Customer record.")
    owner: str = Field(min_length=1, max_length=64, description="Agent who owns it (CC-1).")
    month: str = Field(pattern=r"^\d{4}-\d{2}$", description="Site-local month of the contact.")
    first_response_due_at: AwareDatetime = Field(description="First-response deadline (CC-3).")
    sla_continuous: bool = Field(description="True: 7x24 time; false: working time.")
    calendar_id: str = Field(max_length=200, description="Calendar the deadline used.")
    customer_record_due_at: AwareDatetime | None = Field(
        default=None,
        description="A customer record must be linked by then (CC-7, per-site hours); "
        "absent on tickets opened before it was recorded.",
    )


@REGISTRY.register
class TicketTransferred(TicketEvent):
    """Ownership moved explicitly from one agent to another, with a reason (CC-1)."""

    event_type: ClassVar[str] = "TicketTransferred"
    model_config = _ticket_example(from_agent="agent-1", to_agent="agent-2", reason="End of shift")

    from_agent: str = Field(min_length=1, max_length=64, description="Previous owner.")
    to_agent: str = Field(min_length=1, max_length=64, description="New owner.")
    reason: str = Field(min_length=1, max_length=1000, description="Why.")


@REGISTRY.register
class TicketFirstResponded(TicketEvent):
    """The customer got a first response; the SLA clock stops (CC-3)."""

    event_type: ClassVar[str] = "TicketFirstResponded"
    model_config = _ticket_example(
        responded_by="agent-1", note="Called back, engineer booked", within_sla=True
    )

    responded_by: str = Field(min_length=1, max_length=64, description="Who responded.")
    note: str = Field(default="", max_length=2000, description="What was said.")
    within_sla: bool = Field(description="Before the deadline (and no breach recorded).")


@REGISTRY.register
class TicketSlaPaused(TicketEvent):
    """The SLA clock stopped: waiting on the customer or a third party (CC-3)."""

    event_type: ClassVar[str] = "TicketSlaPaused"
    model_config = _ticket_example(
        reason="Waiting for the customer's photos",
        waiting_on="customer",
        remaining_seconds=72000,
        calendar_id="holidays==0.60:CN:Asia/Shanghai",
    )

    reason: str = Field(min_length=1, max_length=1000, description="Why the clock stops.")
    waiting_on: Literal["customer", "third_party"] = Field(description="Who we wait for.")
    remaining_seconds: int = Field(ge=0, description="SLA time left when paused.")
    calendar_id: str = Field(max_length=200, description="Calendar the remainder used.")


@REGISTRY.register
class TicketSlaResumed(TicketEvent):
    """The SLA clock restarted with the time that was left (CC-3)."""

    event_type: ClassVar[str] = "TicketSlaResumed"
    model_config = _ticket_example(
        first_response_due_at="2026-03-17T01:00:00Z",
        remaining_seconds=72000,
        calendar_id="holidays==0.60:CN:Asia/Shanghai",
    )

    first_response_due_at: AwareDatetime = Field(description="The new deadline.")
    remaining_seconds: int = Field(ge=0, description="SLA time that was left.")
    calendar_id: str = Field(max_length=200, description="Calendar the deadline used.")


@REGISTRY.register
class SlaBreached(TicketEvent):
    """The first-response deadline passed unanswered (CC-3); emitted when due."""

    event_type: ClassVar[str] = "SlaBreached"
    model_config = _ticket_example(
        kind="repair", owner="agent-1", due_at="2026-03-16T01:00:00Z", month="2026-03"
    )

    kind: TicketKind = Field(description="Ticket kind.")
    owner: str = Field(min_length=1, max_length=64, description="Owner at the breach.")
    due_at: AwareDatetime = Field(description="The deadline that passed.")
    month: str = Field(pattern=r"^\d{4}-\d{2}$", description="Site-local month of the ticket.")


@REGISTRY.register
class TicketEscalated(TicketEvent):
    """A complaint was escalated: levels 1-2 to the shift lead; compensation or an
    agent who cannot resolve it to the call-center manager (CC-3)."""

    event_type: ClassVar[str] = "TicketEscalated"
    model_config = _ticket_example(
        escalated_by="agent-1",
        to_role="cc_manager",
        reason="Customer asks for compensation",
        compensation_involved=True,
        agent_cannot_resolve=False,
        complaint_level=2,
    )

    escalated_by: str = Field(min_length=1, max_length=64, description="Who escalated.")
    to_role: Literal["shift_lead", "cc_manager"] = Field(description="Who must take it.")
    reason: str = Field(min_length=1, max_length=1000, description="Why.")
    compensation_involved: bool = Field(description="Compensation is at stake.")
    agent_cannot_resolve: bool = Field(description="The agent cannot resolve it.")
    complaint_level: int = Field(ge=1, le=3, description="Complaint level.")


@REGISTRY.register
class TicketEscalationTaken(TicketEvent):
    """A shift lead or manager took the escalated ticket and now owns it (CC-1, CC-3)."""

    event_type: ClassVar[str] = "TicketEscalationTaken"
    model_config = _ticket_example(taken_by="lead-1", role="shift_lead", previous_owner="agent-1")

    taken_by: str = Field(min_length=1, max_length=64, description="New owner.")
    role: Literal["shift_lead", "cc_manager"] = Field(description="Role the escalation needed.")
    previous_owner: str = Field(min_length=1, max_length=64, description="Owner before.")


@REGISTRY.register
class TicketWorkOrderProgressed(TicketEvent):
    """Dispatch reported a step of the ticket's work order; the ticket follows it (CC-4)."""

    event_type: ClassVar[str] = "TicketWorkOrderProgressed"
    model_config = _ticket_example(
        work_order_id="WO-site-a-000042",
        serial_no=42,
        status="completed",
        by="eng-12",
        at="2026-03-16T06:00:00Z",
        detail="Replaced the sink trap: no more leak",
        confirmed=None,
        source_event_id="a7d5b825-ae1a-505f-86d5-e4e9bd4e3872",
    )

    work_order_id: str = Field(min_length=1, max_length=64, description="Work order id.")
    serial_no: int = Field(ge=1, description="Dispatch's per-site serial number.")
    status: WorkOrderStatus = Field(description="The step the order reached.")
    by: str = Field(max_length=200, description="Who did the step (from dispatch).")
    at: AwareDatetime = Field(description="When dispatch recorded the step.")
    detail: str = Field(default="", max_length=4000, description="What dispatch said.")
    confirmed: bool | None = Field(
        default=None, description="Dispatch callback only: customer confirmed the work."
    )
    source_event_id: str = Field(max_length=64, description="The dispatch event's id.")


@REGISTRY.register
class TicketResolved(TicketEvent):
    """The customer's issue is resolved; the ticket waits for the callback (CC-5)."""

    event_type: ClassVar[str] = "TicketResolved"
    model_config = _ticket_example(
        resolved_by="disp-07", via="work_order", work_order_id="WO-site-a-000042", note=""
    )

    resolved_by: str = Field(min_length=1, max_length=200, description="Who resolved it.")
    via: Literal["agent", "work_order"] = Field(description="How it was resolved.")
    work_order_id: str | None = Field(default=None, max_length=64, description="The order.")
    note: str = Field(default="", max_length=2000, description="Resolution note.")


@REGISTRY.register
class TicketCallbackRecorded(TicketEvent):
    """A callback attempt (回訪): reached or not; satisfaction and confirmation (CC-5)."""

    event_type: ClassVar[str] = "TicketCallbackRecorded"
    model_config = _ticket_example(
        attempt=1,
        reached=True,
        satisfaction=5,
        resolution_confirmed=True,
        called_by="agent-3",
        note="Customer happy",
    )

    attempt: int = Field(ge=1, description="Attempt number since the last resolution.")
    reached: bool = Field(description="The customer answered.")
    satisfaction: int | None = Field(default=None, ge=1, le=5, description="1-5 when reached.")
    resolution_confirmed: bool | None = Field(
        default=None, description="When reached: the customer confirms resolution."
    )
    called_by: str = Field(min_length=1, max_length=64, description="Who called.")
    note: str = Field(default="", max_length=2000, description="Notes.")


@REGISTRY.register
class TicketClosed(TicketEvent):
    """The ticket is closed (CC-5: never without a callback for resolved work)."""

    event_type: ClassVar[str] = "TicketClosed"
    model_config = _ticket_example(closed_by="agent-1", outcome="resolved", month="2026-03")

    closed_by: str = Field(min_length=1, max_length=64, description="Who closed it.")
    outcome: Literal["answered", "resolved", "callback_unreachable", "invalid_complaint"] = Field(
        description="How it ended."
    )
    month: str = Field(pattern=r"^\d{4}-\d{2}$", description="Site-local month of the ticket.")


@REGISTRY.register
class TicketCustomerLinked(TicketEvent):
    """The ticket was linked to a customer record (CC-7)."""

    event_type: ClassVar[str] = "TicketCustomerLinked"
    model_config = _ticket_example(customer_id="C-site-a-5b1e0c9a7d21")

    customer_id: str = Field(min_length=1, max_length=64, description="Customer record.")


@REGISTRY.register
class CustomerRecordMissing(TicketEvent):
    """24 h after the first contact no customer record exists for the ticket (CC-7)."""

    event_type: ClassVar[str] = "CustomerRecordMissing"
    model_config = _ticket_example(due_at="2026-03-14T01:00:00Z", owner="agent-1")

    due_at: AwareDatetime = Field(description="When the record was due.")
    owner: str = Field(min_length=1, max_length=64, description="Owner of the ticket.")


@REGISTRY.register
class SatisfactionSurveyRecorded(TicketEvent):
    """The customer's satisfaction survey form (满意度调查表) after a completed service (CC-6).

    Filled by the customer when the service is done (002 售后服务 三.7) and recorded on the
    ticket by the call center; it feeds the surveyed-satisfaction KPI (overall 4-5 of 5
    counts as satisfied), separately from the callback's rating (CC-5).
    """

    event_type: ClassVar[str] = "SatisfactionSurveyRecorded"
    model_config = _ticket_example(
        overall=5,
        scores={"attitude": 5, "timeliness": 4, "quality": 5},
        comments="师傅很准时, 修得很好",
        recorded_by="agent-3",
        month="2026-03",
    )

    overall: int = Field(ge=1, le=5, description="Overall satisfaction, 1-5.")
    scores: dict[str, Annotated[int, Field(ge=1, le=5)]] = Field(
        default_factory=dict,
        max_length=20,
        description="The form's other items by name (e.g. attitude, timeliness), each 1-5.",
    )
    comments: str = Field(default="", max_length=4000, description="The customer's free text.")
    recorded_by: str = Field(min_length=1, max_length=64, description="Who recorded the form.")
    month: str = Field(pattern=r"^\d{4}-\d{2}$", description="Site-local month of the ticket.")


# --- Customer records (stream `customer-<id>`, stream type "Customer") ----------------

_C = "C-site-a-5b1e0c9a7d21"


def _customer_example(**fields: Any) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": [{"customer_id": _C, **fields}]})


class CustomerEvent(EventPayload):
    """Fields every customer-record event carries.

    The record itself (name, phone, unit, notes) is personal data: callcenter records it
    in private events that never leave the service (CC-7). Only the audit trail of who
    read a record is published.
    """

    service: ClassVar[str] = "callcenter"
    stream_type: ClassVar[str | None] = "Customer"

    customer_id: str = Field(min_length=1, max_length=64, description="Customer record id.")


@REGISTRY.register
class CustomerRecordViewed(CustomerEvent):
    """Someone read the full record: every full read is logged (CC-7)."""

    event_type: ClassVar[str] = "CustomerRecordViewed"
    model_config = _customer_example(viewed_by="agent-1", role="agent")

    viewed_by: str = Field(min_length=1, max_length=64, description="Who read it.")
    role: str = Field(min_length=1, max_length=64, description="Role that allowed it.")


# --- Rosters, swaps, leave (stream `roster-<site>-<YYYY-MM>`, type "Roster") ----------

ShiftName = Literal["morning", "afternoon", "night"]


class RosterEvent(EventPayload):
    """Fields every roster event carries."""

    service: ClassVar[str] = "callcenter"
    stream_type: ClassVar[str | None] = "Roster"

    month: str = Field(pattern=r"^\d{4}-\d{2}$", description="Site-local month rostered.")


class RosterAssignment(BaseModel):
    """One person on one shift of one day."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="Day (site-local).")
    shift: ShiftName = Field(
        description=(
            "The shift; its hours are the site's shift bands (CC-8; default morning"
            " 08-20, afternoon 09-21, night 20-08 next day)."
        )
    )
    staff_id: str = Field(min_length=1, max_length=64, description="Who works it.")


@REGISTRY.register
class RosterPublished(RosterEvent):
    """The manager published next month's three-shift roster in advance (CC-8).

    `assignments` lists one entry per (date, shift, staff).
    """

    event_type: ClassVar[str] = "RosterPublished"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "month": "2026-04",
                    "assignments": [
                        {"date": "2026-04-01", "shift": "morning", "staff_id": "agent-1"}
                    ],
                }
            ]
        }
    )

    assignments: list[RosterAssignment] = Field(
        min_length=1, description="One entry per (date, shift, staff)."
    )


@REGISTRY.register
class RosterChanged(RosterEvent):
    """A supervisor changed one roster entry (CC-8: only with supervisor approval)."""

    event_type: ClassVar[str] = "RosterChanged"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "month": "2026-04",
                    "date": "2026-04-03",
                    "shift": "night",
                    "remove_staff_id": "agent-1",
                    "add_staff_id": "agent-4",
                    "reason": "agent-1 on training",
                    "approved_by": "lead-1",
                }
            ]
        }
    )

    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="Day of the shift.")
    shift: ShiftName = Field(description="Which shift.")
    remove_staff_id: str | None = Field(default=None, max_length=64, description="Taken off.")
    add_staff_id: str | None = Field(default=None, max_length=64, description="Put on.")
    reason: str = Field(min_length=1, max_length=1000, description="Why.")
    approved_by: str = Field(min_length=1, max_length=64, description="Approving supervisor.")


def _swap_example(**fields: Any) -> ConfigDict:
    return ConfigDict(
        json_schema_extra={"examples": [{"month": "2026-04", "swap_id": "S-7c1d", **fields}]}
    )


@REGISTRY.register
class ShiftSwapRequested(RosterEvent):
    """One agent asked another to swap shifts (CC-9)."""

    event_type: ClassVar[str] = "ShiftSwapRequested"
    model_config = _swap_example(
        requester="agent-1",
        requester_date="2026-04-03",
        requester_shift="morning",
        counterpart="agent-2",
        counterpart_date="2026-04-05",
        counterpart_shift="morning",
        reason="Family matter",
    )

    swap_id: str = Field(min_length=1, max_length=64, description="Swap id.")
    requester: str = Field(min_length=1, max_length=64, description="Who asks.")
    requester_date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="Shift given away.")
    requester_shift: ShiftName = Field(description="Shift given away.")
    counterpart: str = Field(min_length=1, max_length=64, description="Who takes it.")
    counterpart_date: str = Field(
        pattern=r"^\d{4}-\d{2}-\d{2}$", description="Shift taken in return (pay-back)."
    )
    counterpart_shift: ShiftName = Field(description="Shift taken in return.")
    reason: str = Field(min_length=1, max_length=1000, description="Why.")


@REGISTRY.register
class ShiftSwapAgreed(RosterEvent):
    """The counterpart agreed to the swap (CC-9: both parties agree)."""

    event_type: ClassVar[str] = "ShiftSwapAgreed"
    model_config = _swap_example(agreed_by="agent-2")

    swap_id: str = Field(min_length=1, max_length=64, description="Swap id.")
    agreed_by: str = Field(min_length=1, max_length=64, description="The counterpart.")


@REGISTRY.register
class ShiftSwapApproved(RosterEvent):
    """The manager approved the swap; the roster changes (CC-9)."""

    event_type: ClassVar[str] = "ShiftSwapApproved"
    model_config = _swap_example(approved_by="mgr-1")

    swap_id: str = Field(min_length=1, max_length=64, description="Swap id.")
    approved_by: str = Field(min_length=1, max_length=64, description="Approving manager.")


@REGISTRY.register
class LeaveGranted(RosterEvent):
    """A supervisor granted leave for one rostered shift (CC-9 limits when)."""

    event_type: ClassVar[str] = "LeaveGranted"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "month": "2026-04",
                    "staff_id": "agent-1",
                    "date": "2026-04-08",
                    "shift": "morning",
                    "reason": "Sick",
                    "granted_by": "lead-1",
                }
            ]
        }
    )

    staff_id: str = Field(min_length=1, max_length=64, description="Who is on leave.")
    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="Day.")
    shift: ShiftName = Field(description="Shift missed.")
    reason: str = Field(min_length=1, max_length=1000, description="Why.")
    granted_by: str = Field(min_length=1, max_length=64, description="Supervisor.")


@REGISTRY.register
class ShiftHandedOver(EventPayload):
    """The outgoing agent handed the shift over with a handover log (CC-8)."""

    event_type: ClassVar[str] = "ShiftHandedOver"
    schema_version: ClassVar[int] = 1
    service: ClassVar[str] = "callcenter"
    stream_type: ClassVar[str | None] = "ShiftHandover"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "date": "2026-04-03",
                    "shift": "morning",
                    "outgoing": "agent-1",
                    "incoming": "agent-2",
                    "equipment_state": "All seats OK; headset 4 crackles",
                    "open_issues": "T-site-a-3f9c2b7d41aa waits for a call back at 17:00",
                    "staffing_changes": "agent-5 on leave tomorrow",
                }
            ]
        }
    )

    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="Day of the shift.")
    shift: ShiftName = Field(description="The shift handed over.")
    outgoing: str = Field(min_length=1, max_length=64, description="Who hands over.")
    incoming: str = Field(min_length=1, max_length=64, description="Who takes over.")
    equipment_state: str = Field(min_length=1, max_length=2000, description="Equipment.")
    open_issues: str = Field(max_length=4000, description="Open issues.")
    staffing_changes: str = Field(max_length=2000, description="Staffing changes.")


# --- Calls (stream `call-<id>`, stream type "Call") ------------------------------------


@REGISTRY.register
class CallLogged(EventPayload):
    """An incoming call was offered to the seats and answered or abandoned (CC-11)."""

    event_type: ClassVar[str] = "CallLogged"
    schema_version: ClassVar[int] = 1
    service: ClassVar[str] = "callcenter"
    stream_type: ClassVar[str | None] = "Call"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "call_id": "call-1",
                    "outcome": "answered",
                    "offered_at": "2026-03-13T02:00:00Z",
                    "month": "2026-03",
                    "answered_by": "agent-1",
                }
            ]
        }
    )

    call_id: str = Field(min_length=1, max_length=64, description="Call id (from the PBX).")
    outcome: Literal["answered", "abandoned"] = Field(description="What happened.")
    offered_at: AwareDatetime = Field(description="When the call rang.")
    month: str = Field(pattern=r"^\d{4}-\d{2}$", description="Site-local month.")
    answered_by: str | None = Field(default=None, max_length=64, description="Seat's agent.")


# --- Seats (stream `seat-<site>-<staff>`, stream type "Seat") --------------------------


@REGISTRY.register
class SeatLoggedIn(EventPayload):
    """An agent logged in at a seat: one more seat online (CC-11)."""

    event_type: ClassVar[str] = "SeatLoggedIn"
    schema_version: ClassVar[int] = 1
    service: ClassVar[str] = "callcenter"
    stream_type: ClassVar[str | None] = "Seat"
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"staff_id": "agent-1", "seat_id": "seat-04"}]}
    )

    staff_id: str = Field(min_length=1, max_length=64, description="The agent.")
    seat_id: str = Field(min_length=1, max_length=64, description="The seat (position).")


@REGISTRY.register
class SeatLoggedOut(EventPayload):
    """An agent logged out of their seat (CC-11)."""

    event_type: ClassVar[str] = "SeatLoggedOut"
    schema_version: ClassVar[int] = 1
    service: ClassVar[str] = "callcenter"
    stream_type: ClassVar[str | None] = "Seat"
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"staff_id": "agent-1", "seat_id": "seat-04"}]}
    )

    staff_id: str = Field(min_length=1, max_length=64, description="The agent.")
    seat_id: str = Field(min_length=1, max_length=64, description="The seat left.")
