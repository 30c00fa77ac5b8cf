"""Decisions on a person's record while in (or entering) a classified post (SR-1 … SR-4,
SR-8 … SR-10, SR-13, SR-18)."""

from collections.abc import Iterable
from datetime import date
from typing import assert_never

from opsledger.decider import DecisionContext
from opsledger_contracts import EventPayload
from opsledger_contracts.events.secrets_registry import (
    ClearanceGranted,
    SecrecyAllowanceRecorded,
)

from secrets_registry.domain.clearance import PersonLevel
from secrets_registry.domain.common import blank, conflict, refuse
from secrets_registry.domain.dates import add_months
from secrets_registry.domain.personnel import commands as c
from secrets_registry.domain.personnel import events as ev
from secrets_registry.domain.personnel.state import PersonState
from secrets_registry.domain.rules import RegistryRules

# SR-2 rev.2: "at least competent" (稱職/合格) for a key department.
_COMPETENT = frozenset({"excellent", "competent"})


def today(ctx: DecisionContext) -> date:
    return ctx.site.local_date(ctx.now)


def granted(
    state: PersonState,
    *,
    level: PersonLevel | None = None,
    key_locations: Iterable[str] | None = None,
    pledged_until: date | None = None,
) -> ClearanceGranted:
    """The clearance as it stands after this decision (published whole): the state's
    values, with those the decision changes."""
    level = level or state.level
    pledged_until = pledged_until or state.pledged_until
    assert level is not None and pledged_until is not None
    locations = state.key_locations if key_locations is None else key_locations
    return ClearanceGranted(
        person_id=state.person_id,
        level=level.value,
        key_locations=sorted(set(locations)),
        pledge_valid_until=pledged_until,
    )


def must_be_in_post(state: PersonState, rule: str, what: str) -> None:
    if not state.in_post:
        refuse(rule, f"{state.person_id} is not in a classified post: cannot {what}")


def decide(
    state: PersonState, command: c.PersonCommand, ctx: DecisionContext
) -> list[EventPayload]:
    person = {"person_id": command.person_id}
    match command:
        case c.ProposeLevel():
            if state.proposal is not None:
                conflict(f"{command.person_id} already has a level proposal under way")
            if state.level == command.level:
                refuse("SR-1", f"{command.level} is already the approved level", "level")
            if blank(command.reason):
                refuse("SR-1", "a proposal gives its reason", "reason")
            return [
                ev.LevelProposed(
                    **person,
                    department=command.department,
                    post=command.post,
                    level=command.level.value,
                    key_department=command.key_department,
                    reason=command.reason.strip(),
                    proposed_by=ctx.actor,
                )
            ]
        case c.ReviewLevel():
            if state.proposal is None or state.proposal.endorsed is not None:
                refuse("SR-1", "no proposal awaits the department head's review")
            reviewed = ev.LevelReviewed(
                **person, endorsed=command.endorsed, opinion=command.opinion, reviewed_by=ctx.actor
            )
            if command.endorsed:
                return [reviewed]
            return [
                reviewed,
                ev.LevelRejected(**person, note=command.opinion, rejected_by=ctx.actor),
            ]
        case c.ApproveLevel():
            if state.proposal is None or state.proposal.endorsed is not True:
                refuse("SR-1", "the committee approves only a proposal its head has reviewed")
            if not command.approved:
                return [ev.LevelRejected(**person, note=command.note, rejected_by=ctx.actor)]
            if blank(command.filing_no):
                refuse(
                    "SR-1", "approval is filed with the office: give the filing number", "filing_no"
                )
            approved = ev.LevelApproved(
                **person, filing_no=command.filing_no, note=command.note, approved_by=ctx.actor
            )
            if not state.in_post or state.pledged_until is None:
                return [approved]
            # A level change of a person in post: the new clearance is published at once.
            assert state.proposal is not None
            return [approved, granted(state, level=state.proposal.level)]
        case c.RecordVetting():
            if command.vetted_on > today(ctx):
                refuse("SR-2", "a vetting cannot be dated in the future", "vetted_on")
            return [ev.VettingRecorded(**_fields(command), vetted_by=ctx.actor)]
        case c.RecordEducation():
            if command.record_id in state.records:
                conflict(f"record {command.record_id} is already filed")
            if command.held_on > today(ctx):
                refuse("SR-4", "a record cannot be dated in the future", "held_on")
            return [ev.EducationRecorded(**_fields(command))]
        case c.SignPledge():
            return _pledge(state, command, ctx)
        case c.EnterPost():
            return _enter(state, command, ctx)
        case c.AssignKeyLocations():
            must_be_in_post(state, "SR-9", "assign key locations")
            if command.key_locations:
                _key_ready(state, today(ctx))
            assigned = ev.KeyLocationsAssigned(
                **person, key_locations=sorted(set(command.key_locations)), assigned_by=ctx.actor
            )
            return [assigned, granted(state, key_locations=assigned.key_locations)]
        case c.GrantScope():
            if command.scope in state.scopes:
                conflict(f"{command.person_id} is already in scope {command.scope}")
            return [ev.ScopeGranted(**_fields(command), granted_by=ctx.actor)]
        case c.WithdrawScope():
            if command.scope not in state.scopes:
                conflict(f"{command.person_id} is not in scope {command.scope}")
            return [ev.ScopeWithdrawn(**_fields(command), withdrawn_by=ctx.actor)]
        case c.RequestForeignTravel() | c.GiveTravelOpinion() | c.DecideTravel():
            return _travel(state, command, ctx)
        case c.RecordAllowance():
            return _allowance(state, command, ctx)
        case c.TakeCarrierCustody():
            if command.carrier_id in state.held_carriers:
                conflict(f"{command.person_id} already holds {command.carrier_id}")
            if state.departed or state.unauthorised:
                refuse("SR-18", f"{command.person_id} has left: no carrier is signed out to them")
            return [ev.CarrierCustodyTaken(**person, carrier_id=command.carrier_id)]
        case c.ReleaseCarrierCustody():
            if command.carrier_id not in state.held_carriers:
                conflict(f"{command.person_id} does not hold {command.carrier_id}")
            return [ev.CarrierCustodyReleased(**person, carrier_id=command.carrier_id)]
        case _:
            assert_never(command)


def _fields(command: object) -> dict[str, object]:
    return dict(vars(command))


def _key_ready(state: PersonState, day: date) -> None:
    """SR-3, SR-9: nobody works in a key department or location without vetting, a
    passing appraisal, training and a pledge in force."""
    if state.vetted_on is None:
        refuse("SR-9", f"{state.person_id} has no passing vetting (SR-2)")
    if state.appraisal not in _COMPETENT:
        refuse("SR-2", f"{state.person_id}'s last appraisal is below competent (稱職)")
    if state.trained_on is None:
        refuse("SR-4", f"{state.person_id} has no training before the post")
    if state.pledged_until is None or day > state.pledged_until:
        refuse("SR-3", f"{state.person_id} has no pledge in force")


def _pledge(state: PersonState, command: c.SignPledge, ctx: DecisionContext) -> list[EventPayload]:
    if command.signed_on > today(ctx):
        refuse("SR-3", "a pledge cannot be dated in the future", "signed_on")
    if command.kind == "entry" and state.in_post:
        refuse("SR-3", "the entry pledge is signed before entering; in post it is in_post", "kind")
    if command.kind == "in_post" and not state.in_post:
        refuse("SR-3", "an in-post pledge is for a person in post; before it, entry", "kind")
    if command.kind == "departure" and not (state.in_post or state.left_on is not None):
        refuse("SR-3", "a departure pledge is signed on leaving a classified post", "kind")
    valid_until = None
    if command.kind != "departure":
        months = ctx.rules(RegistryRules).pledge_validity_months
        valid_until = add_months(command.signed_on, months)
    signed = ev.PledgeSigned(
        person_id=command.person_id,
        pledge_id=command.pledge_id,
        kind=command.kind,
        signed_on=command.signed_on,
        valid_until=valid_until,
    )
    if command.kind == "in_post":
        return [signed, granted(state, pledged_until=valid_until)]
    return [signed]


def _enter(state: PersonState, command: c.EnterPost, ctx: DecisionContext) -> list[EventPayload]:
    if state.in_post:
        conflict(f"{command.person_id} is already in post")
    if state.unauthorised in ("reported", "urged", "refused", "referred"):
        refuse("SR-5", "a person who left without approval is not posted again", "person_id")
    if state.level is None:
        refuse("SR-1", "no level is approved and filed for this post")
    if command.entered_on > today(ctx):
        refuse("SR-1", "a post is entered on a day that has come", "entered_on")
    if state.vetted_on is None or state.vetted_on > command.entered_on:
        refuse("SR-2", "vetting (all four areas satisfactory) comes before the post", "entered_on")
    if state.trained_on is None or state.trained_on > command.entered_on:
        refuse("SR-4", "training comes before taking the post (上崗前)", "entered_on")
    if state.entry_pledge_on is None or state.entry_pledge_on > command.entered_on:
        refuse("SR-3", "the entry pledge is signed before the post", "entered_on")
    if state.pledged_until is None or command.entered_on > state.pledged_until:
        refuse("SR-3", "the pledge has lapsed: sign a new one", "entered_on")
    if state.key_department and state.appraisal not in _COMPETENT:
        refuse("SR-2", "a key department needs last year's appraisal at least competent")
    entered = ev.PostEntered(person_id=command.person_id, entered_on=command.entered_on)
    return [entered, granted(state)]


def _travel(
    state: PersonState,
    command: c.RequestForeignTravel | c.GiveTravelOpinion | c.DecideTravel,
    ctx: DecisionContext,
) -> list[EventPayload]:
    stage = state.travels.get(command.travel_id)
    match command:
        case c.RequestForeignTravel():
            if stage is not None:
                conflict(f"travel {command.travel_id} is already requested")
            if not (state.in_post and state.key_department):
                refuse("SR-8", "travel approval here is for key-department staff in post")
            if command.departs_on < today(ctx):
                refuse("SR-8", "travel is applied for before it starts", "departs_on")
            if command.returns_on < command.departs_on:
                refuse("SR-8", "the return is before the departure", "returns_on")
            return [ev.ForeignTravelRequested(**_fields(command))]
        case c.GiveTravelOpinion():
            if stage != "requested":
                refuse("SR-8", f"travel {command.travel_id} awaits no opinion", "travel_id")
            return [ev.TravelOpinionGiven(**_fields(command), given_by=ctx.actor)]
        case c.DecideTravel():
            if stage not in ("supported", "opposed"):
                refuse(
                    "SR-8", "the office decides after the department head's opinion", "travel_id"
                )
            return [ev.TravelDecided(**_fields(command), decided_by=ctx.actor)]
        case _:
            assert_never(command)


def _allowance(
    state: PersonState, command: c.RecordAllowance, ctx: DecisionContext
) -> list[EventPayload]:
    if command.month > ctx.site.month(ctx.now):
        refuse("SR-10", f"{command.month} has not begun", "month")
    if command.month in state.allowance_months:
        conflict(f"the allowance of {command.month} is already recorded")
    if state.level is None or state.entered_on is None:
        refuse("SR-10", f"{command.person_id} holds no classified post", "person_id")
    # Held during the month: entered by its last day, not left before its first.
    if state.entered_on.strftime("%Y-%m") > command.month:
        refuse("SR-10", f"{command.person_id} entered the post after {command.month}", "month")
    if state.left_on is not None and state.left_on.strftime("%Y-%m") < command.month:
        refuse("SR-10", f"{command.person_id} had left the post before {command.month}", "month")
    amount = ctx.rules(RegistryRules).allowance_fen(state.level)
    return [
        SecrecyAllowanceRecorded(
            entry_id=f"secrecy-allowance-{command.person_id}-{command.month}",
            person=command.person_id,
            month=command.month,
            kind="reward",
            amount_fen=amount,
            rule="SR-10",
            reason=f"Secrecy allowance {command.month}",
            source=f"person-{command.person_id}",
        )
    ]
