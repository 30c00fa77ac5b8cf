"""WO-4 reporting lines: who reports to whom at a site, kept as events (auditable).

Stream `reporting-line-<site>`, stream type "ReportingLine". A dispatch lead (or admin)
records a staff member's superior; escalation of a work order goes to the assignee's
recorded superior and nowhere else (`dispatch.handlers.escalate` reads this stream).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from opsledger.decider import Aggregate, DecisionContext, Event
from opsledger.errors import DomainError
from opsledger.pipeline import roles
from opsledger_contracts import EventPayload

from dispatch.domain.private_events import SuperiorRecorded
from dispatch.domain.work_order.checks import blank

STREAM_TYPE: Final = "ReportingLine"
LINE_KEEPERS: Final = roles("dispatch_lead")


def stream_id(site_id: str) -> str:
    return f"reporting-line-{site_id}"


@dataclass(frozen=True)
class SetReportingLine:
    """`staff_id` reports to `superior` at `site_id`; `superior=None` removes the line."""

    site_id: str
    staff_id: str
    superior: str | None


@dataclass(frozen=True)
class ReportingLine:
    site_id: str = ""
    superiors: Mapping[str, str] = field(default_factory=dict)

    def chain_above(self, staff_id: str) -> list[str]:
        """Everyone above `staff_id`, nearest first (the line has no cycles)."""
        above: list[str] = []
        current = self.superiors.get(staff_id)
        while current is not None and current not in above:
            above.append(current)
            current = self.superiors.get(current)
        return above


def evolve(state: ReportingLine, event: Event) -> ReportingLine:
    if not isinstance(event.payload, SuperiorRecorded):
        return state
    recorded = event.payload
    superiors = {k: v for k, v in state.superiors.items() if k != recorded.staff_id}
    if recorded.superior_id is not None:
        superiors[recorded.staff_id] = recorded.superior_id
    return ReportingLine(event.site_id, superiors)


def decide(
    state: ReportingLine, command: SetReportingLine, ctx: DecisionContext
) -> Sequence[EventPayload]:
    if blank(command.staff_id):
        raise DomainError("WO-4", "name the staff member", field="staff_id")
    staff = command.staff_id.strip()
    superior = None if command.superior is None else command.superior.strip()
    if superior is not None and not superior:
        raise DomainError("WO-4", "name the superior (or null to remove)", field="superior")
    if superior == staff:
        raise DomainError("WO-4", f"{staff} cannot be their own superior", field="superior")
    if superior is not None and staff in [superior, *state.chain_above(superior)]:
        raise DomainError(
            "WO-4", f"{staff} is above {superior} already: a line has no cycles", field="superior"
        )
    if state.superiors.get(staff) == superior:
        return []  # nothing changes
    return [SuperiorRecorded(staff_id=staff, superior_id=superior)]


REPORTING_LINE: Aggregate[ReportingLine, SetReportingLine] = Aggregate(
    stream_type=STREAM_TYPE,
    stream_prefix="reporting-line-",
    initial=ReportingLine(),
    evolve=evolve,
    stream_id=lambda command: stream_id(command.site_id),
    commands={SetReportingLine: (LINE_KEEPERS, decide)},
    creates=frozenset({SetReportingLine}),
)
