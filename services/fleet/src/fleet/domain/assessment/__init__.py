"""A site's assessment month (FL-10 rev.2): open for deductions until the office closes
it; the closed scores go to payroll; a closed month is corrected by adjustments only.

Every deduction is noted on this stream at the version read (private
`AssessmentDeductionNoted`), and the closing appends here at the version it read, so a
deduction racing the closing conflicts with it and is re-decided.
"""

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, assert_never

from opsledger.decider import Aggregate, DecisionContext, Event, changed
from opsledger.pipeline import SYSTEM_ONLY, roles
from opsledger_contracts import EventPayload
from opsledger_contracts.events.fleet import (
    AssessmentAdjusted,
    AssessmentEvent,
    AssessmentMonthClosed,
    AssessmentScore,
)
from pydantic import Field

from fleet.domain.common import conflict, refuse

__all__ = [
    "ASSESSMENT_MONTH",
    "PRIVATE_EVENTS",
    "AdjustAssessment",
    "AssessmentDeductionNoted",
    "AssessmentState",
    "CloseAssessment",
    "NoteDeduction",
    "assessment_stream",
]

Kind = Literal["driver", "vehicle"]


class AssessmentDeductionNoted(AssessmentEvent):
    """A deduction went into the open month (bookkeeping: it orders deductions and the
    closing on one stream)."""

    event_type: ClassVar[str] = "AssessmentDeductionNoted"

    deduction_id: str = Field(min_length=1, max_length=64, description="The deduction.")


PRIVATE_EVENTS = (AssessmentDeductionNoted,)


@dataclass(frozen=True)
class NoteDeduction:
    site_id: str
    month: str
    deduction_id: str


@dataclass(frozen=True)
class CloseAssessment:
    """Run by `CloseAssessmentMonth` with the scores read from the streams."""

    site_id: str
    month: str
    scores: tuple[AssessmentScore, ...]


@dataclass(frozen=True)
class AdjustAssessment:
    """The office corrects a closed month's score (FL-10 rev.2)."""

    site_id: str
    month: str
    kind: Kind
    subject: str
    points: int
    reason: str


AssessmentCommand = NoteDeduction | CloseAssessment | AdjustAssessment


@dataclass(frozen=True)
class AssessmentState:
    site_id: str = ""
    month: str = ""
    closed: bool = False
    scores: dict[tuple[str, str], int] = field(default_factory=dict)  # (kind, subject)
    adjustments: int = 0


def assessment_stream(site_id: str, month: str) -> str:
    return f"assessment-{site_id}-{month}"


def evolve(state: AssessmentState, event: Event) -> AssessmentState:
    p = event.payload
    if not isinstance(p, AssessmentEvent):
        return state
    state = changed(state, site_id=event.site_id, month=p.month)
    match p:
        case AssessmentMonthClosed():
            closed: dict[tuple[str, str], int] = {(s.kind, s.subject): s.score for s in p.scores}
            return changed(state, closed=True, scores=closed)
        case AssessmentAdjusted():
            scores: dict[tuple[str, str], int] = {**state.scores, (p.kind, p.subject): p.score}
            return changed(state, scores=scores, adjustments=state.adjustments + 1)
    return state


def month_open(state: AssessmentState, month: str) -> None:
    """FL-10 rev.2: a closed month takes no deduction."""
    if state.closed:
        refuse(
            "FL-10",
            f"the assessment of {month} is closed and paid with wages: correct it with an "
            "adjustment",
            "month",
        )


def decide(
    state: AssessmentState, command: AssessmentCommand, ctx: DecisionContext
) -> list[EventPayload]:
    match command:
        case NoteDeduction():
            month_open(state, command.month)
            return [
                AssessmentDeductionNoted(month=command.month, deduction_id=command.deduction_id)
            ]
        case CloseAssessment():
            if state.closed:
                conflict(f"the assessment of {command.month} is already closed")
            if ctx.site.month(ctx.now) <= command.month:
                refuse("FL-10", f"{command.month} is not over yet at the site", "month")
            return [AssessmentMonthClosed(month=command.month, scores=list(command.scores))]
        case AdjustAssessment():
            return [_adjust(state, command, ctx)]
        case _:
            assert_never(command)


def _adjust(
    state: AssessmentState, command: AdjustAssessment, ctx: DecisionContext
) -> AssessmentAdjusted:
    if not state.closed:
        refuse("FL-10", f"{command.month} is open: record a deduction instead", "month")
    score = state.scores.get((command.kind, command.subject))
    if score is None:
        refuse(
            "FL-10",
            f"no {command.kind} {command.subject} was assessed in {command.month}",
            "subject",
        )
    if command.points == 0 or not 0 <= score - command.points <= 100:
        refuse("FL-10", f"the score {score} cannot move by {command.points} points", "points")
    return AssessmentAdjusted(
        month=command.month,
        kind=command.kind,
        subject=command.subject,
        points=command.points,
        score=score - command.points,
        reason=command.reason,
        adjusted_by=ctx.actor,
    )


def _stream_id(command: Any) -> str:
    return assessment_stream(command.site_id, command.month)


ASSESSMENT_MONTH: Aggregate[AssessmentState, AssessmentCommand] = Aggregate(
    stream_type="AssessmentMonth",
    stream_prefix="assessment-",
    initial=AssessmentState(),
    evolve=evolve,
    stream_id=_stream_id,
    commands={
        NoteDeduction: (SYSTEM_ONLY, decide),  # by the deduction workflows
        CloseAssessment: (SYSTEM_ONLY, decide),  # by CloseAssessmentMonth
        AdjustAssessment: (roles("fleet_office"), decide),
    },
    creates=frozenset({NoteDeduction, CloseAssessment}),
)
