"""Which published events the dashboard keeps, and which of their fields (an allow-list).

Only ids, flags, times, amounts and outcomes: never a description, a note, a person's
name or any secrecy content. Every field named here exists on the contract (tested).
"""

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from opsledger_contracts import EventEnvelope, EventPayload

from dashboard.domain.records import RecordFact
from dashboard.domain.records.events import FactValue

# source service -> event type -> the fields kept
FACT_FIELDS: Final[Mapping[str, Mapping[str, tuple[str, ...]]]] = {
    "callcenter": {
        "CallLogged": ("call_id", "outcome", "offered_at"),
        "TicketOpened": ("ticket_id", "kind"),
        "TicketFirstResponded": ("ticket_id", "within_sla"),
        "SlaBreached": ("ticket_id", "kind", "due_at"),
        "TicketResolved": ("ticket_id", "via"),
        "TicketCallbackRecorded": ("ticket_id", "attempt", "reached"),
        "TicketClosed": ("ticket_id", "outcome"),
        "SatisfactionSurveyRecorded": ("ticket_id", "overall"),
    },
    "dispatch": {
        "WorkOrderIssued": ("work_order_id", "serial_no", "reply_by"),
        "WorkOrderAccepted": ("work_order_id", "accepted_at"),
        "WorkOrderOverdue": ("work_order_id", "reply_by"),
        "WorkOrderCompleted": ("work_order_id",),
        "WorkOrderArchived": ("work_order_id",),
        "RepeatRepairFlagged": ("work_order_id", "previous_work_order_id"),
        "PenaltyRecorded": ("work_order_id", "amount_fen", "rule", "month"),
    },
    "fleet": {
        "VehicleRegistered": ("vehicle_id",),
        "VehicleFaultReported": ("vehicle_id", "fault_id"),
        "VehicleFaultCleared": ("vehicle_id", "fault_id"),
        "VehicleServiceOverdue": ("vehicle_id", "odometer_km", "due_at_km"),
        "VehicleServiced": ("vehicle_id",),
        "VehicleRetired": ("vehicle_id",),
        "FuelAnomalyDetected": ("vehicle_id", "month", "kind", "serious"),
    },
    "permits": {
        "PermitApplied": ("permit_id",),
        "PermitApproved": ("permit_id",),
        "PermitRejected": ("permit_id",),
        "PermitReviewOverdue": ("permit_id", "due_at"),
        "DepositRefunded": ("permit_id", "within_target", "within_limit"),
        "DepositRefundOverdue": ("permit_id", "deadline", "due_at"),
        "PatrolRecorded": ("permit_id", "local_date"),
        "PatrolMissed": ("permit_id", "local_date"),
    },
    # ids and dates only: never a level, a post, a title or a holder list
    "secrets_registry": {
        "PersonDeparted": ("person_id", "left_on", "declassification_ends_on"),
        "InventoryReconciled": ("inventory_id", "on", "discrepancies"),
    },
}

SOURCES: Final = tuple(FACT_FIELDS)


def scalar(value: Any) -> FactValue:
    """A field as JSON keeps it: times as ISO text, amounts as numbers."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"not a scalar fact: {type(value).__name__}")


def record_fact(payload: EventPayload, envelope: EventEnvelope) -> RecordFact | None:
    """The inbound policy of every source: keep an allow-listed event, ignore the rest."""
    fields = FACT_FIELDS.get(envelope.source, {}).get(payload.event_type)
    if fields is None:
        return None
    return RecordFact(
        site_id=envelope.site_id,
        source=envelope.source,
        source_stream=envelope.stream_id,
        fact=payload.event_type,
        source_event_id=str(envelope.event_id),
        occurred_at=envelope.occurred_at,
        data={name: scalar(getattr(payload, name)) for name in fields},
    )
