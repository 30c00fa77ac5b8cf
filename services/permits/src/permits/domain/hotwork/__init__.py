"""RP-7 hot work (動火), stream `hot-work-<id>`: applied for at the management office with
the contractor's named fire supervisor and a time window; approved by engineering AND
the concierge, two different people (one person holding both roles counts once); then
the hot-work permit (《動火許可證》) is issued for that window."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, assert_never

from opsledger.decider import Aggregate, DecisionContext, Event, changed
from opsledger_contracts import EventPayload
from opsledger_contracts.events.permits_conduct import (
    HotWorkApproved,
)

from permits.domain.common import conflict, refuse
from permits.domain.conduct.ladder import blank
from permits.domain.hotwork.events import HotWorkApplied, HotWorkPermitIssued
from permits.domain.roles import CONCIERGE, CUSTOMER_SERVICE, ENGINEERING, FRONT_DESK, MANAGER

RULE = "RP-7"
OFFICE = FRONT_DESK | CUSTOMER_SERVICE | MANAGER  # the management office takes and issues
APPROVER_ROLES = {"engineering": ENGINEERING, "concierge": CONCIERGE}


@dataclass(frozen=True)
class ApplyForHotWork:
    site_id: str
    hot_work_id: str
    permit_id: str
    description: str
    fire_supervisor: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class OpenHotWork:
    """The application, once `workflows.works_approvals` found its permit active."""

    application: ApplyForHotWork

    @property
    def site_id(self) -> str:
        return self.application.site_id

    @property
    def hot_work_id(self) -> str:
        return self.application.hot_work_id


@dataclass(frozen=True)
class ApproveHotWork:
    hot_work_id: str
    department: Literal["engineering", "concierge"]


@dataclass(frozen=True)
class IssueHotWorkPermit:
    hot_work_id: str


HotWorkCommand = OpenHotWork | ApproveHotWork | IssueHotWorkPermit


@dataclass(frozen=True)
class HotWorkState:
    site_id: str = ""
    applied: HotWorkApplied | None = None
    approvals: tuple[tuple[str, str], ...] = ()  # (department, approver)
    issued: bool = False

    def approver(self, department: str) -> str | None:
        return next((who for dept, who in self.approvals if dept == department), None)


def evolve(state: HotWorkState, event: Event) -> HotWorkState:
    state = changed(state, site_id=state.site_id or event.site_id)
    match event.payload:
        case HotWorkApplied() as applied:
            return changed(state, applied=applied)
        case HotWorkApproved() as e:
            return changed(state, approvals=(*state.approvals, (e.department, e.approved_by)))
        case HotWorkPermitIssued():
            return changed(state, issued=True)
    return state


def _apply(cmd: ApplyForHotWork, ctx: DecisionContext) -> list[EventPayload]:
    if blank(cmd.fire_supervisor):
        refuse(RULE, "the contractor names its fire supervisor (動火負責人)", "fire_supervisor")
    if blank(cmd.description):
        refuse(RULE, "the hot work is described", "description")
    if cmd.ends_at <= cmd.starts_at:
        refuse(RULE, "the time window ends after it starts", "ends_at")
    if cmd.ends_at <= ctx.now:
        refuse(RULE, "the time window is already over", "ends_at")
    return [
        HotWorkApplied(
            hot_work_id=cmd.hot_work_id,
            permit_id=cmd.permit_id,
            description=cmd.description.strip(),
            fire_supervisor=cmd.fire_supervisor.strip(),
            starts_at=cmd.starts_at,
            ends_at=cmd.ends_at,
            received_by=ctx.actor,
        )
    ]


def _approve(state: HotWorkState, cmd: ApproveHotWork, ctx: DecisionContext) -> list[EventPayload]:
    applied = _applied(state)
    if state.issued:
        conflict(f"hot work {cmd.hot_work_id} is already issued")
    if not ctx.roles & APPROVER_ROLES[cmd.department]:
        refuse(RULE, f"only {cmd.department} gives {cmd.department}'s approval", "department")
    if state.approver(cmd.department) is not None:
        conflict(f"{cmd.department} already approved hot work {cmd.hot_work_id}")
    if any(who == ctx.actor for _, who in state.approvals):
        refuse(
            RULE,
            "the two approvals are by two different people: this person already approved",
            "department",
        )
    return [
        HotWorkApproved(
            hot_work_id=applied.hot_work_id,
            permit_id=applied.permit_id,
            department=cmd.department,
            approved_by=ctx.actor,
        )
    ]


def _issue(state: HotWorkState, ctx: DecisionContext) -> list[EventPayload]:
    applied = _applied(state)
    if state.issued:
        conflict(f"hot work {applied.hot_work_id} is already issued")
    engineering, concierge = state.approver("engineering"), state.approver("concierge")
    missing = [d for d, who in (("engineering", engineering), ("concierge", concierge)) if not who]
    if engineering is None or concierge is None:
        refuse(
            RULE, f"the hot-work permit needs the approval of {' and '.join(missing)}", "approvals"
        )
    if applied.ends_at <= ctx.now:
        refuse(RULE, "the time window is over: apply again", "ends_at")
    return [
        HotWorkPermitIssued(
            hot_work_id=applied.hot_work_id,
            permit_id=applied.permit_id,
            issued_by=ctx.actor,
            fire_supervisor=applied.fire_supervisor,
            starts_at=applied.starts_at,
            ends_at=applied.ends_at,
            engineering_approver=engineering,
            concierge_approver=concierge,
        )
    ]


def _applied(state: HotWorkState) -> HotWorkApplied:
    assert state.applied is not None  # only OpenHotWork starts the stream
    return state.applied


def decide(
    state: HotWorkState, command: HotWorkCommand, ctx: DecisionContext
) -> Sequence[EventPayload]:
    match command:
        case OpenHotWork():
            return _apply(command.application, ctx)
        case ApproveHotWork():
            return _approve(state, command, ctx)
        case IssueHotWorkPermit():
            return _issue(state, ctx)
        case _:
            assert_never(command)


def hot_work_stream(hot_work_id: str) -> str:
    return f"hot-work-{hot_work_id}"


def _stream_id(command: Any) -> str:
    return hot_work_stream(command.hot_work_id)


HOT_WORK: Aggregate[HotWorkState, HotWorkCommand] = Aggregate(
    stream_type="HotWork",
    stream_prefix="hot-work-",
    initial=HotWorkState(),
    evolve=evolve,
    stream_id=_stream_id,
    commands={
        OpenHotWork: (OFFICE, decide),
        ApproveHotWork: (ENGINEERING | CONCIERGE, decide),
        IssueHotWorkPermit: (OFFICE, decide),
    },
    creates=frozenset({OpenHotWork}),
)
