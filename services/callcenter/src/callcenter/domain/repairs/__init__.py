"""Every repair dispatch does, followed for CC-6 (stream `repair-<work order id>`).

Dispatch publishes every work order on its topic, with or without a ticket; the ticket
follows only its own order (CC-4). CC-6 needs every repair: its class (urgent or minor),
its reply-by time and when it was completed (timely = completed by the reply-by time as
issued; a progress report does not move it), and whether it was a repeat (first-time
fix). The facts are dispatch's; this stream only keeps them where the KPIs are counted.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from opsledger.decider import Aggregate, DecisionContext, Event, changed
from opsledger.pipeline import SYSTEM_ONLY
from opsledger_contracts import EventPayload

from callcenter.domain.repairs.events import PRIVATE_EVENTS, RepairStep, RepairStepFollowed

STREAM_TYPE = "Repair"


@dataclass(frozen=True, slots=True)
class FollowRepair:
    """A dispatch work-order step, as the inbound policy read it."""

    work_order_id: str
    site_id: str
    step: RepairStep
    at: datetime
    source_event_id: str
    ticket_id: str | None = None
    repair_class: Literal["urgent", "minor"] | None = None
    fault_code: str | None = None
    reply_by: datetime | None = None


@dataclass(frozen=True, slots=True)
class RepairState:
    work_order_id: str | None = None
    site_id: str = ""
    month: str = ""  # site-local month of the first step seen (the issue, normally)
    ticket_id: str | None = None
    repair_class: str | None = None
    fault_code: str | None = None
    reply_by: datetime | None = None
    completed_at: datetime | None = None
    overdue: bool = False
    repeat: bool = False

    @property
    def timely(self) -> bool | None:
        """CC-6: completed by the reply-by time; None while that is not known yet."""
        if self.completed_at is not None and self.reply_by is not None:
            return self.completed_at <= self.reply_by
        return False if self.overdue else None


def stream_id(work_order_id: str) -> str:
    return f"repair-{work_order_id}"


def evolve(state: RepairState, event: Event) -> RepairState:
    match event.payload:
        case RepairStepFollowed() as e:
            if state.work_order_id is None:
                state = RepairState(
                    work_order_id=e.work_order_id, site_id=event.site_id, month=e.month
                )
            return changed(
                state,
                ticket_id=state.ticket_id or e.ticket_id,
                repair_class=e.repair_class or state.repair_class,
                fault_code=state.fault_code or e.fault_code,
                # The reply-by time as issued (a progress report's expected time never
                # counts): the issue's, else the completion's copy of it.
                reply_by=state.reply_by or e.reply_by,
                # A reopened order is judged by its last completion.
                completed_at=e.at if e.step == "completed" else state.completed_at,
                overdue=state.overdue or e.step == "overdue",
                repeat=state.repeat or e.step == "repeat_repair",
            )
    return state


def decide(state: RepairState, cmd: FollowRepair, ctx: DecisionContext) -> list[EventPayload]:
    # Redeliveries are the kernel inbox's to drop; every step is recorded as dispatch said.
    return [
        RepairStepFollowed(
            work_order_id=cmd.work_order_id,
            step=cmd.step,
            at=cmd.at,
            month=state.month or ctx.site.month(cmd.at),
            ticket_id=cmd.ticket_id,
            repair_class=cmd.repair_class,
            fault_code=cmd.fault_code,
            reply_by=cmd.reply_by,
            source_event_id=cmd.source_event_id,
        )
    ]


def _stream(command: FollowRepair) -> str:
    return stream_id(command.work_order_id)


REPAIR: Aggregate[RepairState, Any] = Aggregate(
    stream_type=STREAM_TYPE,
    stream_prefix="repair-",
    initial=RepairState(),
    evolve=evolve,
    stream_id=_stream,
    commands={FollowRepair: (SYSTEM_ONLY, decide)},
    creates=frozenset({FollowRepair}),
)

__all__ = ["PRIVATE_EVENTS", "REPAIR", "FollowRepair", "RepairState", "stream_id"]
