"""Decisions on leaving a classified post (SR-5 rev.2, SR-6, SR-7, SR-18 rev.2).

The declassification period runs from the day of leaving to the same calendar date
N months later (29 Feb: 28 Feb), that day included: at least the level's minimum
(`RegistryRules`), extendable by the committee.
"""

from datetime import date
from typing import assert_never

from opsledger.decider import DecisionContext
from opsledger_contracts import EventPayload
from opsledger_contracts.events.secrets_registry import ClearanceEnded, PersonDeparted

from secrets_registry.domain.clearance import PersonLevel
from secrets_registry.domain.common import blank, conflict, refuse
from secrets_registry.domain.dates import add_months
from secrets_registry.domain.personnel import leaving as lc
from secrets_registry.domain.personnel import leaving_events as lv
from secrets_registry.domain.personnel.decide import today
from secrets_registry.domain.personnel.state import Application, PersonState
from secrets_registry.domain.roles import COMMITTEE
from secrets_registry.domain.rules import RegistryRules


def period_end(state: PersonState, left_on: date, ctx: DecisionContext) -> date:
    """SR-5 rev.: the last day of the period that starts on `left_on`."""
    assert state.level is not None
    return add_months(left_on, ctx.rules(RegistryRules).minimum_months(state.level))


def inside_period(state: PersonState, day: date) -> bool:
    """Leaving on `day` falls inside a declassification period: from a post (it starts
    one that day) or during one."""
    return state.in_post or state.in_period(day)


def must_hand_back(state: PersonState) -> None:
    """SR-18: every carrier back, and a custodian's registers handed over, first."""
    if state.held_carriers:
        held = ", ".join(sorted(state.held_carriers))
        refuse("SR-18", f"{state.person_id} still holds carriers: {held}", "person_id")
    if state.registers:
        kept = ", ".join(sorted(state.registers))
        refuse("SR-18", f"{state.person_id} has not handed over the registers: {kept}")


def decide_leaving(
    state: PersonState, command: lc.LeavingCommand, ctx: DecisionContext
) -> list[EventPayload]:
    person = {"person_id": command.person_id}
    match command:
        case lc.ApplyToLeave():
            return _apply(state, command, ctx)
        case lc.ReviewLeavingSecrecy():
            app = _application(state, command.application_id)
            if app.reviewed is not None:
                conflict(f"application {command.application_id} is already reviewed")
            return [
                lv.SecrecyReviewed(
                    **person,
                    application_id=command.application_id,
                    cleared=command.cleared,
                    note=command.note,
                    reviewed_by=ctx.actor,
                )
            ]
        case lc.DecideLeaving():
            return _decide(state, command, ctx)
        case lc.RecordDeparture():
            return _depart(state, command, ctx)
        case lc.ExtendDeclassification():
            if state.period_ends_on is None or state.in_post:
                refuse("SR-5", f"{command.person_id} is in no declassification period")
            if command.until <= state.period_ends_on:
                refuse("SR-5", f"the period already runs to {state.period_ends_on}", "until")
            return [
                lv.DeclassificationExtended(
                    **person,
                    period_ends_on=command.until,
                    reason=command.reason,
                    extended_by=ctx.actor,
                )
            ]
        case lc.ReportUnauthorisedDeparture():
            if not state.in_post:
                refuse("SR-5", f"{command.person_id} is not in a classified post")
            if command.left_on > today(ctx):
                refuse("SR-5", "a departure is reported once it happened", "left_on")
            ends = period_end(state, command.left_on, ctx)
            return [
                lv.UnauthorisedDepartureReported(
                    **person,
                    left_on=command.left_on,
                    period_ends_on=ends,
                    note=command.note,
                    reported_by=ctx.actor,
                ),
                ClearanceEnded(**person, ended_on=command.left_on, reason="unauthorised_departure"),
                PersonDeparted(
                    **person,
                    kind="unauthorised",
                    left_on=command.left_on,
                    declassification_ends_on=ends,
                ),
            ]
        case lc.UrgeReturn():
            if state.unauthorised not in ("reported", "urged"):
                refuse("SR-5", "urging follows a reported unauthorised departure")
            _not_before(command.urged_on, state.left_on, ctx, "urged_on")
            return [
                lv.ReturnUrged(
                    **person, urged_on=command.urged_on, note=command.note, urged_by=ctx.actor
                )
            ]
        case lc.RecordUrgingAnswer():
            if state.unauthorised != "urged":
                refuse("SR-5", "an answer follows the urging to return")
            _not_before(command.answered_on, state.left_on, ctx, "answered_on")
            return [
                lv.UrgingAnswered(
                    **person,
                    returned=command.returned,
                    answered_on=command.answered_on,
                    note=command.note,
                    recorded_by=ctx.actor,
                )
            ]
        case lc.ReferCase():
            if state.unauthorised != "refused":
                refuse("SR-5", "a case is referred after the person refused to return")
            _not_before(command.referred_on, state.left_on, ctx, "referred_on")
            return [
                lv.CaseReferred(
                    **person,
                    referred_on=command.referred_on,
                    authority=command.authority,
                    note=command.note,
                    referred_by=ctx.actor,
                )
            ]
        case lc.AppointRegisters():
            if state.departed or state.unauthorised:
                refuse("SR-18", f"{command.person_id} has left", "person_id")
            return [
                lv.RegistersAppointed(
                    **person, registers=sorted(set(command.registers)), appointed_by=ctx.actor
                )
            ]
        case lc.RecordRegistersHandover():
            missing = sorted(set(command.registers) - state.registers)
            if missing:
                refuse("SR-18", f"{command.person_id} keeps no register {missing}", "registers")
            if command.to_person == command.person_id:
                refuse("SR-18", "registers are handed over to someone else", "to_person")
            _not_before(command.handed_on, None, ctx, "handed_on")
            return [
                lv.RegistersHandedOver(
                    **person,
                    registers=sorted(set(command.registers)),
                    to_person=command.to_person,
                    handed_on=command.handed_on,
                    record_no=command.record_no,
                    recorded_by=ctx.actor,
                )
            ]
        case lc.ReceiveRegisters():
            if state.departed or state.unauthorised:
                refuse("SR-18", f"{command.person_id} has left: hand over to someone else")
            return [
                lv.RegistersAppointed(
                    **person, registers=sorted(set(command.registers)), appointed_by=ctx.actor
                )
            ]
        case _:
            assert_never(command)


def _not_before(day: date, start: date | None, ctx: DecisionContext, field: str) -> None:
    if day > today(ctx):
        refuse("SR-5", "a step is recorded once it happened, not in advance", field)
    if start is not None and day < start:
        refuse("SR-5", f"{day} is before the departure of {start}", field)


def _application(state: PersonState, application_id: str) -> Application:
    app = state.applications.get(application_id)
    if app is None:
        refuse("SR-7", f"no application {application_id}", "application_id")
    return app


def _apply(
    state: PersonState, command: lc.ApplyToLeave, ctx: DecisionContext
) -> list[EventPayload]:
    if command.application_id in state.applications:
        conflict(f"application {command.application_id} exists")
    # A person in cleared_staff alone applies only for themselves.
    if ctx.roles and ctx.roles <= {"cleared_staff"} and ctx.actor != command.person_id:
        refuse("SR-7", "staff apply to leave only for themselves", "person_id")
    if state.departed or state.unauthorised:
        refuse("SR-7", f"{command.person_id} has already left", "person_id")
    if command.kind == "leave_post" and not state.in_post:
        refuse("SR-5", f"{command.person_id} is not in a classified post", "kind")
    if not state.in_post and state.left_on is None:
        refuse("SR-7", f"{command.person_id} holds no classified post", "person_id")
    on = today(ctx)
    if command.intended_on <= on:
        refuse("SR-7", "a leaving is applied for in advance (事先申請)", "intended_on")
    if blank(command.reason):
        refuse("SR-7", "an application gives its reason", "reason")
    return [
        lv.LeavingApplied(
            person_id=command.person_id,
            application_id=command.application_id,
            kind=command.kind,
            applied_on=on,
            intended_on=command.intended_on,
            reason=command.reason,
            applied_by=ctx.actor,
        )
    ]


def _decide(
    state: PersonState, command: lc.DecideLeaving, ctx: DecisionContext
) -> list[EventPayload]:
    app = _application(state, command.application_id)
    if app.approved is not None:
        conflict(f"application {command.application_id} is already decided")
    if app.reviewed is None:
        refuse("SR-7", "the committee's secrecy review comes before the decision")
    decided = lv.LeavingDecided(
        person_id=command.person_id,
        application_id=command.application_id,
        approved=command.approved,
        file_note=command.file_note,
        note=command.note,
        decided_by=ctx.actor,
    )
    if not command.approved:
        return [decided]
    if not app.reviewed:
        refuse("SR-7", "the secrecy review found the leaving endangers secrets: denied only")
    rule = "SR-7" if app.kind == "resignation" else "SR-6"
    inside = app.kind in ("transfer", "resignation") and inside_period(state, app.intended_on)
    if inside and app.kind == "resignation" and state.level == PersonLevel.CORE:
        refuse("SR-7", "core staff never resign inside the declassification period")
    if inside and not ctx.roles & COMMITTEE:
        refuse(rule, "inside the declassification period only the committee approves")
    if inside and (command.file_note is None or blank(command.file_note)):
        refuse(rule, "inside the period the approval is noted in the personnel file", "file_note")
    if state.departure_pledge_on is None:
        refuse("SR-3", "the departure pledge (離崗保密承諾書) is signed first")
    must_hand_back(state)
    return [decided]


def _depart(
    state: PersonState, command: lc.RecordDeparture, ctx: DecisionContext
) -> list[EventPayload]:
    app = _application(state, command.application_id)
    if app.used:
        conflict(f"application {command.application_id} has been carried out")
    if app.approved is not True:
        refuse("SR-7", f"application {command.application_id} is not approved")
    if command.left_on > today(ctx):
        refuse("SR-5", "a departure is recorded on or after its day", "left_on")
    if command.left_on <= app.applied_on:
        refuse("SR-7", "the leaving was to be applied for in advance", "left_on")
    if state.departure_pledge_on is None:
        refuse("SR-3", "the departure pledge (離崗保密承諾書) is signed first")
    must_hand_back(state)
    person = {"person_id": command.person_id}
    if state.in_post:
        ends = period_end(state, command.left_on, ctx)
    else:
        assert state.period_ends_on is not None
        ends = state.period_ends_on
    events: list[EventPayload] = [
        lv.PostLeft(
            **person,
            application_id=command.application_id,
            kind=app.kind,
            left_on=command.left_on,
            period_ends_on=ends,
        )
    ]
    if state.in_post:
        events.append(ClearanceEnded(**person, ended_on=command.left_on, reason="left_post"))
    events.append(
        PersonDeparted(
            **person,
            kind=app.kind,
            left_on=command.left_on,
            declassification_ends_on=ends,
        )
    )
    return events
