"""A carrier and its register lines as the deciders and the registers see them."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import assert_never

from opsledger.appendlog import HistoryLog
from opsledger.decider import Event, changed

from secrets_registry.domain.carriers import events as ev
from secrets_registry.domain.clearance import CarrierLevel, Clearance

# Where a carrier is: in its store, with a person, on its way out, or gone for good.
STORED, SIGNED_OUT, TAKEN_OUT, SENT, DESTROYED = (
    "stored",
    "signed_out",
    "taken_out",
    "sent",
    "destroyed",
)
GONE = frozenset({SENT, DESTROYED})


def carrier_stream(carrier_id: str) -> str:
    return f"carrier-{carrier_id}"


def register_stream(site_id: str) -> str:
    return f"carriers-held-{site_id}"


@dataclass(frozen=True)
class RegisterLine:
    """One line of the send/receive, use, return or destruction register (SR-20)."""

    register: str  # send_receive | use | return | destruction
    entry: str  # what happened: sent, received, signed_out, signed_in, destroyed, …
    person: str  # who (the holder, the escorts, the witnesses), never a title
    detail: str  # channel, destination, method, count
    at: datetime
    by: str


@dataclass(frozen=True)
class CarrierState:
    """A carrier as its deciders see it; `lines` feed the registers (read models only)."""

    carrier_id: str = ""
    site_id: str = ""
    title: str = ""
    kind: str = ""
    level: CarrierLevel = CarrierLevel.CONFIDENTIAL
    retention_years: int = 0
    scope: frozenset[str] = frozenset()
    copies: int = 0
    serial: str | None = None
    originator: str = ""
    not_to_be_copied: bool = False
    unit_may_copy: bool = False
    due_back: bool = False
    return_by: date | None = None
    storage: str = "secrecy_room"
    origin: str = "original"
    derived_from: tuple[str, ...] = ()
    registered_at: datetime | None = None
    status: str = STORED
    holder: tuple[str, ...] = ()  # who holds it now (signed out or taken out)
    lock_away_by: datetime | None = None  # SR-17 rev.2: of the open sign-out
    take_out_approval: ev.CarrierTakeOutApproved | None = None
    destruction_approval: ev.CarrierDestructionApproved | None = None
    inventoried_on: date | None = None
    copies_made: tuple[str, ...] = ()
    lines: HistoryLog[RegisterLine] = field(default_factory=HistoryLog)

    def visible_to(self, clearance: Clearance | None) -> bool:
        """SR-13: cleared for the level and inside the need-to-know scope, at its site."""
        return visible(self.site_id, self.level, self.scope, clearance)

    @property
    def gone(self) -> bool:
        return self.status in GONE


def visible(
    site_id: str, level: CarrierLevel, scope: frozenset[str], clearance: Clearance | None
) -> bool:
    """SR-13 / issue 20 item 5: the one rule every read and every decision applies."""
    return (
        clearance is not None
        and clearance.site_id == site_id
        and clearance.clears(level)
        and bool(scope & clearance.scopes)
    )


def _line(
    state: CarrierState, event: Event, register: str, entry: str, person: str, detail: str
) -> HistoryLog[RegisterLine]:
    line = RegisterLine(register, entry, person, detail, event.occurred_at, event.actor)
    return state.lines.append(line)


CarrierEvent = (
    ev.CarrierRegistered
    | ev.CarrierCopied
    | ev.CarrierScopeChanged
    | ev.CarrierSignedOut
    | ev.CarrierSignedIn
    | ev.CarrierNotLockedAway
    | ev.CarrierSent
    | ev.CarrierTakeOutApproved
    | ev.CarrierTakenOut
    | ev.CarrierBroughtBack
    | ev.CarrierStored
    | ev.CarrierInventoried
    | ev.CarrierDestructionApproved
    | ev.CarrierDestroyed
)


def evolve(state: CarrierState, event: Event) -> CarrierState:
    payload = event.payload
    if not isinstance(payload, CarrierEvent):
        return state
    match payload:
        case ev.CarrierRegistered() as e:
            received = e.origin == "received"
            return changed(
                state,
                carrier_id=e.carrier_id,
                site_id=event.site_id,
                title=e.title,
                kind=e.kind,
                level=e.level,
                retention_years=e.retention_years,
                scope=frozenset(e.scope),
                copies=e.copies,
                serial=e.serial,
                originator=e.originator,
                not_to_be_copied=e.not_to_be_copied,
                unit_may_copy=e.unit_may_copy,
                due_back=e.due_back,
                return_by=e.return_by,
                storage=e.storage,
                origin=e.origin,
                derived_from=e.derived_from,
                registered_at=event.occurred_at,
                lines=_line(
                    state,
                    event,
                    "send_receive" if received else "use",
                    "received" if received else "registered",
                    e.received_from or "",
                    f"{e.copies} copies" + (f" by {e.channel}" if e.channel else ""),
                ),
            )
        case ev.CarrierCopied() as e:
            return changed(state, copies_made=(*state.copies_made, e.copy_id))
        case ev.CarrierScopeChanged() as e:
            scope = (state.scope | frozenset(e.added)) - frozenset(e.removed)
            return changed(state, scope=scope)
        case ev.CarrierSignedOut() as e:
            lines = _line(state, event, "use", "signed_out", e.person_id, e.purpose)
            return changed(
                state,
                status=SIGNED_OUT,
                holder=(e.person_id,),
                lock_away_by=e.lock_away_by,
                lines=lines,
            )
        case ev.CarrierNotLockedAway() as e:
            lines = _line(state, event, "use", "not_locked_away", e.person_id, "SR-17")
            return changed(state, lines=lines)
        case ev.CarrierSignedIn() as e:
            lines = _line(state, event, "return", "signed_in", e.person_id, "")
            return changed(state, status=STORED, holder=(), lines=lines)
        case ev.CarrierSent() as e:
            detail = f"{e.channel} to {e.destination} package {e.package_no}"
            register = "return" if e.to_originator else "send_receive"
            lines = _line(state, event, register, "sent", " ".join(e.escorts), detail)
            return changed(state, status=SENT, holder=(), lines=lines)
        case ev.CarrierTakeOutApproved() as e:
            return changed(state, take_out_approval=e)
        case ev.CarrierTakenOut() as e:
            lines = _line(state, event, "use", "taken_out", " ".join(e.people), e.destination)
            return changed(
                state, status=TAKEN_OUT, holder=e.people, take_out_approval=None, lines=lines
            )
        case ev.CarrierBroughtBack():
            person = " ".join(state.holder)
            lines = _line(state, event, "return", "brought_back", person, "")
            return changed(state, status=STORED, holder=(), lines=lines)
        case ev.CarrierStored() as e:
            return changed(state, storage=e.storage)
        case ev.CarrierInventoried() as e:
            return changed(state, inventoried_on=e.on)
        case ev.CarrierDestructionApproved() as e:
            return changed(state, destruction_approval=e)
        case ev.CarrierDestroyed() as e:
            detail = f"{e.count} by {e.method} at {e.place}"
            lines = _line(state, event, "destruction", "destroyed", " ".join(e.witnesses), detail)
            return changed(state, status=DESTROYED, holder=(), lines=lines)
        case _:
            assert_never(payload)
