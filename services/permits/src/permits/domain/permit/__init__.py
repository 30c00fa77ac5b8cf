"""A renovation permit (stream `permit-<id>`), from application to deposit refund.

Deadlines in working days of the site's calendar (make-up days count, holidays don't)
are durable timers scheduled from the recorded events: the review (RP-2), the joint
acceptance inspection and the refund's target and hard limit (RP-11).
"""

from collections.abc import Callable, Sequence
from typing import Any

from opsledger.decider import (
    Aggregate,
    Cancel,
    DecisionContext,
    DueTimer,
    Event,
    Reaction,
    Schedule,
)
from opsledger.pipeline import SYSTEM_ONLY
from opsledger_contracts import EventPayload
from opsledger_contracts.events import permits as pub

from permits.domain.permit import acceptance as a
from permits.domain.permit import commands as c
from permits.domain.permit import decide as d
from permits.domain.permit import events as ev
from permits.domain.permit.commands import permit_stream
from permits.domain.permit.state import ACTIVE_STAGES, PermitState, evolve
from permits.domain.roles import CUSTOMER_SERVICE, ENGINEERING, FINANCE, FRONT_DESK, MANAGER

__all__ = ["ACTIVE_STAGES", "PERMIT", "PermitState", "permit_stream"]

REVIEW_TIMER = "permits.review"
INSPECTION_TIMER = "permits.acceptance-inspection"
REFUND_TARGET_TIMER = "permits.refund-target"
REFUND_LIMIT_TIMER = "permits.refund-limit"

_HANDLERS: dict[type[Any], Callable[[PermitState, Any, DecisionContext], list[EventPayload]]] = {
    c.OpenPermit: d.open_permit,
    c.HandToEngineering: d.hand_to_engineering,
    c.ApprovePermit: d.approve,
    c.RejectPermit: d.reject,
    c.MarkReviewOverdue: d.review_overdue,
    c.NotifyApplicant: d.notify,
    c.RecordEquipmentCheck: d.equipment_check,
    c.PayFee: d.pay_fee,
    c.VoidFeePayment: d.void_fee,
    c.StartWorks: d.start_works,
    c.ApplyScopeChange: d.apply_scope_change,
    c.DecideScopeChange: d.decide_scope_change,
    c.FinishWorks: a.finish,
    c.ApplyForAcceptance: a.apply,
    c.MarkInspectionOverdue: a.inspection_overdue,
    c.InspectAcceptance: a.inspect,
    c.SignAcceptanceForm: a.sign_form,
    c.ReturnPasses: a.return_passes,
    c.RefundDeposit: a.refund,
    c.MarkRefundOverdue: a.refund_overdue,
}


def decide(
    state: PermitState, command: c.PermitCommand, ctx: DecisionContext
) -> list[EventPayload]:
    return _HANDLERS[type(command)](state, command, ctx)


def _timer(kind: str, permit_id: str) -> str:
    return f"{kind}-{permit_id}"


def reactions(state: PermitState, events: Sequence[Event]) -> list[Reaction]:
    """Each working-day deadline is a durable timer, cancelled when it is met."""
    out: list[Reaction] = []
    pid = state.permit_id
    key = {"permit_id": pid}
    for event in events:
        match event.payload:
            case ev.PermitHandedToEngineering(review_due_at=due):
                out.append(Schedule(_timer(REVIEW_TIMER, pid), REVIEW_TIMER, due, key))
            case pub.PermitApproved() | pub.PermitRejected():
                out.append(Cancel(_timer(REVIEW_TIMER, pid)))
            case ev.AcceptanceApplied(inspection_due_at=due):
                out.append(Schedule(_timer(INSPECTION_TIMER, pid), INSPECTION_TIMER, due, key))
            case ev.AcceptanceInspected():
                out.append(Cancel(_timer(INSPECTION_TIMER, pid)))
            case ev.AcceptanceFormSigned(refund_target_at=target, refund_limit_at=limit):
                out.append(
                    Schedule(_timer(REFUND_TARGET_TIMER, pid), REFUND_TARGET_TIMER, target, key)
                )
                out.append(
                    Schedule(_timer(REFUND_LIMIT_TIMER, pid), REFUND_LIMIT_TIMER, limit, key)
                )
            case pub.DepositRefunded():
                out.append(Cancel(_timer(REFUND_TARGET_TIMER, pid)))
                out.append(Cancel(_timer(REFUND_LIMIT_TIMER, pid)))
    return out


def _pid(timer: DueTimer) -> str:
    return str(timer.payload["permit_id"])


PERMIT: Aggregate[PermitState, c.PermitCommand] = Aggregate(
    stream_type="Permit",
    stream_prefix="permit-",
    initial=PermitState(),
    evolve=evolve,
    stream_id=lambda command: permit_stream(command.permit_id),
    commands={
        c.OpenPermit: (SYSTEM_ONLY, decide),  # the ApplyForPermit workflow (reads the register)
        c.HandToEngineering: (CUSTOMER_SERVICE, decide),
        c.ApprovePermit: (ENGINEERING, decide),
        c.RejectPermit: (ENGINEERING, decide),
        c.MarkReviewOverdue: (SYSTEM_ONLY, decide),
        c.NotifyApplicant: (CUSTOMER_SERVICE, decide),
        c.RecordEquipmentCheck: (ENGINEERING, decide),
        c.PayFee: (FINANCE, decide),
        c.VoidFeePayment: (FINANCE, decide),
        c.StartWorks: (CUSTOMER_SERVICE, decide),
        c.ApplyScopeChange: (FRONT_DESK | CUSTOMER_SERVICE, decide),
        c.DecideScopeChange: (MANAGER, decide),
        c.FinishWorks: (CUSTOMER_SERVICE | ENGINEERING, decide),
        c.ApplyForAcceptance: (FRONT_DESK | CUSTOMER_SERVICE, decide),
        c.MarkInspectionOverdue: (SYSTEM_ONLY, decide),
        c.InspectAcceptance: (ENGINEERING, decide),
        c.SignAcceptanceForm: (ENGINEERING, decide),
        c.ReturnPasses: (CUSTOMER_SERVICE, decide),
        c.RefundDeposit: (FINANCE, decide),
        c.MarkRefundOverdue: (SYSTEM_ONLY, decide),
    },
    creates=frozenset({c.OpenPermit}),
    reactions=reactions,
    timers={
        REVIEW_TIMER: lambda t: c.MarkReviewOverdue(_pid(t), t.due_at),
        INSPECTION_TIMER: lambda t: c.MarkInspectionOverdue(_pid(t), t.due_at),
        REFUND_TARGET_TIMER: lambda t: c.MarkRefundOverdue(_pid(t), "target", t.due_at),
        REFUND_LIMIT_TIMER: lambda t: c.MarkRefundOverdue(_pid(t), "limit", t.due_at),
    },
    timer_actors={
        REVIEW_TIMER: "permits.review",
        INSPECTION_TIMER: "permits.acceptance",
        REFUND_TARGET_TIMER: "permits.refunds",
        REFUND_LIMIT_TIMER: "permits.refunds",
    },
)
