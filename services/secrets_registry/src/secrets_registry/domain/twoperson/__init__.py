"""Two-person integrity at one choke point (issue 20 item 6; SR-9, SR-12, SR-16, SR-19).

Every action the rules give to two people — escorting a carrier, witnessing its
destruction, working in a key location, taking top secret out — is a stream
`two-person-<action_id>` here, and nothing else can complete one. Each person confirms
with their own credentials (the actor of their own request); the first confirmation
only records a pending state that expires after the site's window
(`RegistryRules.two_person_window_minutes`, default 15); the action completes when a
second, different person, each cleared for it and pledged on the day, confirms the same
terms before then. The same person twice, an uncleared or unpledged person and a
confirmation after the window are refused, naming the action's rule.

Why in the service and not the kernel: who counts as "cleared for it" is this domain's
(levels, pledges, entry lists); the kernel's part — one transaction, one versioned
stream so two confirmations racing conflict — is already the kernel's.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

from opsledger.decider import (
    Aggregate,
    Cancel,
    DecisionContext,
    DueTimer,
    Event,
    PrivateEvent,
    Reaction,
    Schedule,
    changed,
)
from opsledger.errors import DomainError
from opsledger.pipeline import SYSTEM_ONLY
from opsledger_contracts import EventPayload
from pydantic import AwareDatetime, Field

from secrets_registry.domain.clearance import CarrierLevel, Clearance
from secrets_registry.domain.rules import RegistryRules

# The default of the site's window (RegistryRules.two_person_window_minutes).
WINDOW = timedelta(minutes=RegistryRules.model_fields["two_person_window_minutes"].default)


def two_person_stream(action_id: str) -> str:
    return f"two-person-{action_id}"


@dataclass(frozen=True)
class Requirement:
    """What each of the two must be: the action's rule, the carrier level they must be
    cleared for, or (a key location) its entry list, vetted and trained."""

    rule: str
    level: CarrierLevel | None = None
    entry_list: frozenset[str] | None = None


def problem(
    person_id: str, clearance: Clearance | None, need: Requirement, day: date
) -> str | None:
    """Why `person_id` may not be one of the two, or None (pure; the one eligibility rule)."""
    if clearance is None or clearance.level is None:
        return f"{person_id} holds no classified post"
    if need.level is not None and not clearance.clears(need.level):
        return f"{person_id} is not cleared for {need.level.value.replace('_', ' ')}"
    if not clearance.pledged_on(day):
        return f"{person_id} has no confidentiality pledge in force"
    if need.entry_list is not None:
        if person_id not in need.entry_list:
            return f"{person_id} is not on the location's entry list"
        if not (clearance.vetted and clearance.trained):
            return f"{person_id} is not vetted and trained"
    return None


class _TwoPersonEvent(PrivateEvent):
    service: ClassVar[str] = "secrets_registry"
    stream_type: ClassVar[str | None] = "TwoPersonAction"

    action_id: str = Field(min_length=1, max_length=64)


class TwoPersonConfirmed(_TwoPersonEvent):
    """One of the two confirmed the action with their own credentials."""

    event_type: ClassVar[str] = "TwoPersonConfirmed"

    kind: str = Field(min_length=1, max_length=32)
    subject: str = Field(min_length=1, max_length=128)
    terms: str = Field(min_length=1, max_length=1000)
    person_id: str = Field(min_length=1, max_length=200)
    expires_at: AwareDatetime


class TwoPersonActionCompleted(_TwoPersonEvent):
    """Two different eligible people confirmed the same terms in time: the action runs."""

    event_type: ClassVar[str] = "TwoPersonActionCompleted"

    first: str = Field(min_length=1, max_length=200)
    second: str = Field(min_length=1, max_length=200)


class TwoPersonConfirmationExpired(_TwoPersonEvent):
    """Nobody confirmed second in time: the pending action ended (a durable timer)."""

    event_type: ClassVar[str] = "TwoPersonConfirmationExpired"

    person_id: str = Field(min_length=1, max_length=200, description="The first confirmer.")


TWO_PERSON_EVENTS = (TwoPersonConfirmed, TwoPersonActionCompleted, TwoPersonConfirmationExpired)
EXPIRY = "two_person_expiry"


@dataclass(frozen=True)
class TwoPersonState:
    action_id: str = ""
    site_id: str = ""
    first: TwoPersonConfirmed | None = None
    people: tuple[str, str] | None = None  # set once completed
    expired: bool = False

    @property
    def completed(self) -> bool:
        return self.people is not None


@dataclass(frozen=True)
class ConfirmTwoPersonAction:
    """A person confirms (run by the choke point with clearances read from the streams)."""

    site_id: str
    action_id: str
    kind: str
    subject: str
    terms: str
    need: Requirement
    clearance: Clearance | None
    first_clearance: Clearance | None = None  # re-read at completion


@dataclass(frozen=True)
class ExpireTwoPersonAction:
    """Run by the timer at the first confirmation's deadline."""

    action_id: str


def evolve(state: TwoPersonState, event: Event) -> TwoPersonState:
    match event.payload:
        case TwoPersonConfirmed() as e:
            if state.first is None:
                return changed(state, action_id=e.action_id, site_id=event.site_id, first=e)
            return state
        case TwoPersonActionCompleted() as e:
            return changed(state, people=(e.first, e.second))
        case TwoPersonConfirmationExpired():
            return changed(state, expired=True)
        case _:
            return state


def _expiry_id(action_id: str) -> str:
    return f"two-person-expiry-{action_id}"


def reactions(state: TwoPersonState, new: Sequence[Event]) -> Sequence[Reaction]:
    """A first confirmation sets its durable deadline; a completion cancels it."""
    if state.completed:
        return [Cancel(_expiry_id(state.action_id))]
    first = state.first
    if first is not None and not state.expired and any(e.version == 1 for e in new):
        payload = {"action_id": state.action_id}
        return [Schedule(_expiry_id(state.action_id), EXPIRY, first.expires_at, payload)]
    return []


def expire(
    state: TwoPersonState, command: ExpireTwoPersonAction, ctx: DecisionContext
) -> list[EventPayload]:
    if state.completed or state.expired or state.first is None:
        raise DomainError("TWO-PERSON", "nothing pending to expire", status=409)
    return [
        TwoPersonConfirmationExpired(action_id=state.action_id, person_id=state.first.person_id)
    ]


def decide(
    state: TwoPersonState, command: ConfirmTwoPersonAction, ctx: DecisionContext
) -> list[EventPayload]:
    rule, person = command.need.rule, ctx.actor
    if state.completed:
        raise DomainError(
            rule, f"two-person action {command.action_id} is already done", status=409
        )
    today = ctx.site.local_date(ctx.now)
    why = problem(person, command.clearance, command.need, today)
    if why is not None:
        raise DomainError(rule, f"two-person rule: {why}", field="action_id")
    confirmed = TwoPersonConfirmed(
        action_id=command.action_id,
        kind=command.kind,
        subject=command.subject,
        terms=command.terms,
        person_id=person,
        expires_at=ctx.now + ctx.site.rules(RegistryRules).two_person_window,
    )
    first = state.first
    if first is None:
        return [confirmed]
    if state.expired or ctx.now > first.expires_at:
        raise DomainError(
            rule,
            f"two-person rule: the first confirmation expired at {first.expires_at.isoformat()}; "
            "start again with a new action id",
            field="action_id",
        )
    if first.person_id == person:
        raise DomainError(
            rule, "two-person rule: the same person cannot confirm twice", field="action_id"
        )
    if (first.kind, first.subject, first.terms) != (command.kind, command.subject, command.terms):
        raise DomainError(
            rule, "two-person rule: the two confirmed different actions", field="action_id"
        )
    again = problem(first.person_id, command.first_clearance, command.need, today)
    if again is not None:
        raise DomainError(rule, f"two-person rule: {again}", field="action_id")
    completed = TwoPersonActionCompleted(
        action_id=command.action_id, first=first.person_id, second=person
    )
    return [confirmed, completed]


def _expire_command(timer: DueTimer) -> ExpireTwoPersonAction:
    return ExpireTwoPersonAction(str(timer.payload["action_id"]))


TWO_PERSON: Aggregate[TwoPersonState, ConfirmTwoPersonAction | ExpireTwoPersonAction] = Aggregate(
    stream_type="TwoPersonAction",
    stream_prefix="two-person-",
    initial=TwoPersonState(),
    evolve=evolve,
    stream_id=lambda command: two_person_stream(command.action_id),
    commands={
        ConfirmTwoPersonAction: (SYSTEM_ONLY, decide),
        ExpireTwoPersonAction: (SYSTEM_ONLY, expire),
    },
    creates=frozenset({ConfirmTwoPersonAction}),
    reactions=reactions,
    timers={EXPIRY: _expire_command},
    timer_actors={EXPIRY: "two-person-expiry"},
)

__all__ = [
    "TWO_PERSON",
    "TWO_PERSON_EVENTS",
    "WINDOW",
    "ConfirmTwoPersonAction",
    "ExpireTwoPersonAction",
    "Requirement",
    "TwoPersonState",
    "problem",
    "two_person_stream",
]
