"""Read models of dispatch (SQL tables fed by the event log).

Every `apply` depends on the event alone (no clock, no calendar lookups), so
`opsledger rebuild`/`verify` reproduce the live tables exactly.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from opsledger.eventstore import RecordedEvent
from opsledger.projections import Projection
from opsledger_contracts.events.dispatch import (
    DiagnosticPingReceived,
    PenaltyRecorded,
    RepeatRepairFlagged,
    WorkOrderAccepted,
    WorkOrderArchived,
    WorkOrderCallbackRecorded,
    WorkOrderCompleted,
    WorkOrderEscalated,
    WorkOrderIssued,
    WorkOrderJudgedUnreasonable,
    WorkOrderOverdue,
    WorkOrderProgressReported,
    WorkOrderRefusalRecorded,
    WorkOrderRequestClosed,
    WorkOrderRequestReceived,
    WorkOrderSignedOff,
)
from sqlalchemy.ext.asyncio import AsyncConnection

metadata = sa.MetaData()
_Timestamp = sa.DateTime(timezone=True)

diagnostic_pings = sa.Table(
    "diagnostic_pings",
    metadata,
    sa.Column("ping_id", sa.String(64), primary_key=True),
    sa.Column("site_id", sa.String(64), nullable=False),
    sa.Column("message", sa.String(500), nullable=False),
    sa.Column("sent_event_id", sa.String(64), nullable=False),
    sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("correlation_id", sa.String(200), nullable=False),
)

work_orders = sa.Table(
    "work_orders",
    metadata,
    sa.Column("work_order_id", sa.String(64), primary_key=True),
    sa.Column("site_id", sa.String(64), nullable=False, index=True),
    sa.Column("serial_no", sa.Integer(), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("overdue", sa.Boolean(), nullable=False),
    sa.Column("escalated", sa.Boolean(), nullable=False),
    sa.Column("judged_unreasonable", sa.Boolean(), nullable=False),
    sa.Column("repeat_of", sa.String(64), nullable=True),
    sa.Column("issuer", sa.String(64), nullable=False),
    sa.Column("assignee", sa.String(64), nullable=False),
    sa.Column("assignee_role", sa.String(64), nullable=True),
    sa.Column("location", sa.String(200), nullable=False),
    sa.Column("content", sa.String(2000), nullable=False),
    sa.Column("requirements", sa.String(1000), nullable=False),
    sa.Column("reply_by", _Timestamp, nullable=False),
    sa.Column("deadline", _Timestamp, nullable=False),
    sa.Column("ticket_id", sa.String(64), nullable=True),
    sa.Column("asset_id", sa.String(100), nullable=True),
    sa.Column("fault_code", sa.String(64), nullable=True),
    sa.Column("issued_at", _Timestamp, nullable=False),
    sa.Column("accepted_at", _Timestamp, nullable=True),
    sa.Column("last_progress_at", _Timestamp, nullable=True),
    sa.Column("completed_at", _Timestamp, nullable=True),
    sa.Column("archived_at", _Timestamp, nullable=True),
    sa.Column("penalties_fen", sa.Integer(), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("updated_at", _Timestamp, nullable=False),
    sa.Index("ix_work_orders_site_status", "site_id", "status"),
)

penalties = sa.Table(
    "penalties",
    metadata,
    sa.Column("event_id", sa.String(36), primary_key=True),
    sa.Column("site_id", sa.String(64), nullable=False),
    sa.Column("person", sa.String(64), nullable=False),
    sa.Column("month", sa.String(7), nullable=False),
    sa.Column("amount_fen", sa.Integer(), nullable=False),
    sa.Column("rule", sa.String(16), nullable=False),
    sa.Column("reason", sa.String(1000), nullable=False),
    sa.Column("work_order_id", sa.String(64), nullable=False),
    sa.Column("occurred_at", _Timestamp, nullable=False),
    sa.Index("ix_penalties_site_month", "site_id", "month"),
)

work_order_requests = sa.Table(
    "work_order_requests",
    metadata,
    sa.Column("ticket_id", sa.String(64), primary_key=True),
    sa.Column("site_id", sa.String(64), nullable=False, index=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("location", sa.String(200), nullable=False),
    sa.Column("content", sa.String(2000), nullable=False),
    sa.Column("requirements", sa.String(1000), nullable=False),
    sa.Column("reply_by", _Timestamp, nullable=False),
    sa.Column("asset_id", sa.String(100), nullable=True),
    sa.Column("fault_code", sa.String(64), nullable=True),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("work_order_id", sa.String(64), nullable=True),
    sa.Column("received_at", _Timestamp, nullable=False),
)


class DiagnosticPingsProjection:
    """One row per ping dispatch received."""

    name = "diagnostic_pings"
    tables: Sequence[sa.Table] = (diagnostic_pings,)

    async def apply(self, conn: AsyncConnection, event: RecordedEvent) -> None:
        if event.event_type != DiagnosticPingReceived.event_type:
            return
        ping = DiagnosticPingReceived.model_validate(event.payload)
        await conn.execute(
            diagnostic_pings.insert().values(
                ping_id=ping.ping_id,
                site_id=event.site_id,
                message=ping.message,
                sent_event_id=ping.sent_event_id,
                sent_at=ping.sent_at,
                received_at=event.recorded_at,
                correlation_id=event.correlation_id,
            )
        )


class WorkOrdersProjection:
    """The work-order board: one row per order with its current status and flags."""

    name = "work_orders"
    tables: Sequence[sa.Table] = (work_orders,)

    async def apply(self, conn: AsyncConnection, event: RecordedEvent) -> None:
        if event.stream_type != "WorkOrder":
            return
        payload = event.decode()
        changes: dict[str, Any]
        match payload:
            case WorkOrderIssued():
                await conn.execute(
                    work_orders.insert().values(
                        work_order_id=payload.work_order_id,
                        site_id=event.site_id,
                        serial_no=payload.serial_no,
                        status="issued",
                        overdue=False,
                        escalated=False,
                        judged_unreasonable=False,
                        issuer=payload.issuer,
                        assignee=payload.assignee,
                        assignee_role=payload.assignee_role,
                        location=payload.location,
                        content=payload.content,
                        requirements=payload.requirements,
                        reply_by=payload.reply_by,
                        deadline=payload.reply_by,
                        ticket_id=payload.ticket_id,
                        asset_id=payload.asset_id,
                        fault_code=payload.fault_code,
                        issued_at=event.occurred_at,
                        penalties_fen=0,
                        version=event.version,
                        updated_at=event.occurred_at,
                    )
                )
                return
            case RepeatRepairFlagged():
                changes = {"repeat_of": payload.previous_work_order_id}
            case WorkOrderAccepted():
                changes = {"status": "accepted", "accepted_at": payload.accepted_at}
            case WorkOrderEscalated():
                changes = {
                    "status": "escalated",
                    "escalated": True,
                    "assignee": payload.escalated_to,
                    "accepted_at": None,
                }
            case WorkOrderProgressReported():
                changes = {"last_progress_at": event.occurred_at}
                if payload.expected_by is not None:
                    changes["deadline"] = payload.expected_by
            case WorkOrderOverdue():
                changes = {"overdue": True}
            case WorkOrderCompleted():
                changes = {"status": "completed", "completed_at": event.occurred_at}
            case WorkOrderSignedOff():
                changes = {"status": "signed_off"}
            case WorkOrderCallbackRecorded():
                changes = (
                    {"status": "called_back"}
                    if payload.confirmed
                    else {"status": "accepted", "completed_at": None}
                )
            case WorkOrderArchived():
                changes = {"status": "archived", "archived_at": event.occurred_at}
            case WorkOrderJudgedUnreasonable():
                changes = {"judged_unreasonable": True}
            case PenaltyRecorded():
                changes = {"penalties_fen": work_orders.c.penalties_fen + payload.amount_fen}
            case WorkOrderRefusalRecorded():
                changes = {}
            case _:
                return
        await conn.execute(
            work_orders.update()
            .where(work_orders.c.work_order_id == event.stream_id.removeprefix("work-order-"))
            .values(version=event.version, updated_at=event.occurred_at, **changes)
        )


class PenaltiesProjection:
    """The penalty ledger: one row per PenaltyRecorded, summed per person and month."""

    name = "penalties"
    tables: Sequence[sa.Table] = (penalties,)

    async def apply(self, conn: AsyncConnection, event: RecordedEvent) -> None:
        if event.event_type != PenaltyRecorded.event_type:
            return
        penalty = PenaltyRecorded.model_validate(event.payload)
        await conn.execute(
            penalties.insert().values(
                event_id=str(event.event_id),
                site_id=event.site_id,
                person=penalty.person,
                month=penalty.month,
                amount_fen=penalty.amount_fen,
                rule=penalty.rule,
                reason=penalty.reason,
                work_order_id=penalty.work_order_id,
                occurred_at=event.occurred_at,
            )
        )


class WorkOrderRequestsProjection:
    """Requests from callcenter tickets, open until an order is issued for them."""

    name = "work_order_requests"
    tables: Sequence[sa.Table] = (work_order_requests,)

    async def apply(self, conn: AsyncConnection, event: RecordedEvent) -> None:
        if event.event_type == WorkOrderRequestReceived.event_type:
            request = WorkOrderRequestReceived.model_validate(event.payload)
            await conn.execute(
                work_order_requests.insert().values(
                    ticket_id=request.ticket_id,
                    site_id=event.site_id,
                    kind=request.kind,
                    location=request.location,
                    content=request.content,
                    requirements=request.requirements,
                    reply_by=request.reply_by,
                    asset_id=request.asset_id,
                    fault_code=request.fault_code,
                    status="open",
                    received_at=event.occurred_at,
                )
            )
        elif event.event_type == WorkOrderRequestClosed.event_type:
            closed = WorkOrderRequestClosed.model_validate(event.payload)
            await conn.execute(
                work_order_requests.update()
                .where(work_order_requests.c.ticket_id == closed.ticket_id)
                .values(status="closed", work_order_id=closed.work_order_id)
            )


def all_projections() -> list[Projection]:
    """Every projection of dispatch, in the order the kernel runs them."""
    return [
        DiagnosticPingsProjection(),
        WorkOrdersProjection(),
        PenaltiesProjection(),
        WorkOrderRequestsProjection(),
    ]
