"""A person's classified-personnel record as the deciders see it."""

from dataclasses import dataclass, field
from datetime import date

from opsledger.decider import Event, changed
from opsledger_contracts.events.secrets_registry import (
    ClearanceEnded,
    ClearanceGranted,
    PersonDeparted,
    SecrecyAllowanceRecorded,
)

from secrets_registry.domain.clearance import Clearance, PersonLevel
from secrets_registry.domain.personnel import events as ev
from secrets_registry.domain.personnel import leaving_events as lv
from secrets_registry.domain.personnel.commands import LeavingKind


@dataclass(frozen=True)
class Proposal:
    """SR-1: a level proposal on its way (endorsed: None until the head reviews)."""

    level: PersonLevel
    department: str
    post: str
    key_department: bool
    proposed_by: str
    endorsed: bool | None = None


@dataclass(frozen=True)
class Application:
    """SR-7 rev.2: an application to leave (reviewed/decided: None until done)."""

    kind: LeavingKind
    applied_on: date
    intended_on: date
    reviewed: bool | None = None
    approved: bool | None = None
    used: bool = False


@dataclass(frozen=True)
class PersonState:
    person_id: str = ""
    site_id: str = ""
    department: str = ""
    post: str = ""
    key_department: bool = False
    level: PersonLevel | None = None  # the approved, filed level (SR-1)
    proposal: Proposal | None = None
    vetted_on: date | None = None  # a passing vetting (SR-2)
    appraisal: str = ""
    trained_on: date | None = None  # the first training (SR-4)
    entry_pledge_on: date | None = None
    pledged_until: date | None = None  # entry or in-post pledge in force (SR-3)
    departure_pledge_on: date | None = None
    in_post: bool = False
    entered_on: date | None = None
    key_locations: frozenset[str] = frozenset()
    scopes: frozenset[str] = frozenset()
    held_carriers: frozenset[str] = frozenset()
    registers: frozenset[str] = frozenset()
    travels: dict[str, str] = field(default_factory=dict)  # travel_id -> stage
    applications: dict[str, Application] = field(default_factory=dict)
    left_on: date | None = None
    period_ends_on: date | None = None
    departed: bool = False  # transferred, resigned or retired (out of the unit)
    unauthorised: str = ""  # "", reported, urged, refused, returned, referred
    allowance_months: frozenset[str] = frozenset()
    records: frozenset[str] = frozenset()  # education record ids

    def clearance(self) -> Clearance:
        """SR-1 … SR-4, SR-9, SR-13: what the registry knows when it decides who may do what."""
        return Clearance(
            person_id=self.person_id,
            site_id=self.site_id,
            level=self.level if self.in_post else None,
            vetted=self.vetted_on is not None,
            trained=self.trained_on is not None,
            pledged_until=self.pledged_until if self.in_post else None,
            key_locations=self.key_locations if self.in_post else frozenset(),
            scopes=self.scopes if self.in_post else frozenset(),
        )

    def in_period(self, day: date) -> bool:
        """SR-5: `day` falls inside the declassification period (its last day included)."""
        return self.period_ends_on is not None and day <= self.period_ends_on


def evolve(state: PersonState, event: Event) -> PersonState:
    match event.payload:
        case ev.LevelProposed() as e:
            proposal = Proposal(
                PersonLevel(e.level), e.department, e.post, e.key_department, e.proposed_by
            )
            return changed(state, person_id=e.person_id, site_id=event.site_id, proposal=proposal)
        case ev.LevelReviewed() as e:
            assert state.proposal is not None
            return changed(state, proposal=changed(state.proposal, endorsed=e.endorsed))
        case ev.LevelApproved():
            p = state.proposal
            assert p is not None
            return changed(
                state,
                level=p.level,
                department=p.department,
                post=p.post,
                key_department=p.key_department,
                proposal=None,
            )
        case ev.LevelRejected():
            return changed(state, proposal=None)
        case ev.VettingRecorded() as e:
            passed = all(
                v == "satisfactory"
                for v in (e.political_conduct, e.work_performance, e.study, e.secrecy_compliance)
            )
            return changed(
                state, vetted_on=e.vetted_on if passed else None, appraisal=e.last_year_appraisal
            )
        case ev.EducationRecorded() as e:
            trained = state.trained_on
            if e.kind == "training" and (trained is None or e.held_on < trained):
                trained = e.held_on
            return changed(state, trained_on=trained, records=state.records | {e.record_id})
        case ev.PledgeSigned() as e:
            if e.kind == "departure":
                return changed(state, departure_pledge_on=e.signed_on)
            entry = e.signed_on if e.kind == "entry" else state.entry_pledge_on
            return changed(state, entry_pledge_on=entry, pledged_until=e.valid_until)
        case ev.PostEntered() as e:
            return changed(
                state,
                in_post=True,
                entered_on=e.entered_on,
                left_on=None,
                period_ends_on=None,
                departed=False,
                unauthorised="",
                departure_pledge_on=None,
            )
        case ev.KeyLocationsAssigned() as e:
            return changed(state, key_locations=frozenset(e.key_locations))
        case ev.ScopeGranted() as e:
            return changed(state, scopes=state.scopes | {e.scope})
        case ev.ScopeWithdrawn() as e:
            return changed(state, scopes=state.scopes - {e.scope})
        case ev.ForeignTravelRequested() as e:
            return changed(state, travels={**state.travels, e.travel_id: "requested"})
        case ev.TravelOpinionGiven() as e:
            stage = "supported" if e.supports else "opposed"
            return changed(state, travels={**state.travels, e.travel_id: stage})
        case ev.TravelDecided() as e:
            stage = "approved" if e.approved else "refused"
            return changed(state, travels={**state.travels, e.travel_id: stage})
        case ev.CarrierCustodyTaken() as e:
            return changed(state, held_carriers=state.held_carriers | {e.carrier_id})
        case ev.CarrierCustodyReleased() as e:
            return changed(state, held_carriers=state.held_carriers - {e.carrier_id})
        case SecrecyAllowanceRecorded() as e:
            return changed(state, allowance_months=state.allowance_months | {e.month})
        case _:
            return _evolve_leaving(state, event)


def _evolve_leaving(state: PersonState, event: Event) -> PersonState:
    match event.payload:
        case lv.LeavingApplied() as e:
            app = Application(e.kind, e.applied_on, e.intended_on)
            return changed(state, applications={**state.applications, e.application_id: app})
        case lv.SecrecyReviewed() as e:
            app = changed(state.applications[e.application_id], reviewed=e.cleared)
            return changed(state, applications={**state.applications, e.application_id: app})
        case lv.LeavingDecided() as e:
            app = changed(state.applications[e.application_id], approved=e.approved)
            return changed(state, applications={**state.applications, e.application_id: app})
        case lv.PostLeft() as e:
            app = changed(state.applications[e.application_id], used=True)
            return changed(
                state,
                applications={**state.applications, e.application_id: app},
                in_post=False,
                left_on=state.left_on if state.left_on is not None else e.left_on,
                period_ends_on=max(e.period_ends_on, state.period_ends_on or e.period_ends_on),
                departed=state.departed or e.kind != "leave_post",
                key_locations=frozenset(),
            )
        case lv.DeclassificationExtended() as e:
            return changed(state, period_ends_on=e.period_ends_on)
        case lv.UnauthorisedDepartureReported() as e:
            return changed(
                state,
                in_post=False,
                left_on=e.left_on,
                period_ends_on=e.period_ends_on,
                key_locations=frozenset(),
                unauthorised="reported",
            )
        case lv.ReturnUrged():
            return changed(state, unauthorised="urged")
        case lv.UrgingAnswered() as e:
            return changed(state, unauthorised="returned" if e.returned else "refused")
        case lv.CaseReferred():
            return changed(state, unauthorised="referred")
        case lv.RegistersAppointed() as e:
            return changed(state, registers=state.registers | set(e.registers))
        case lv.RegistersHandedOver() as e:
            return changed(state, registers=state.registers - set(e.registers))
        case ClearanceGranted() | ClearanceEnded() | PersonDeparted():
            return state  # the published copies of what the private events recorded
    return state
