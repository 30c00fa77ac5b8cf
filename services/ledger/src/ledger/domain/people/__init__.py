"""The people the ledger pays at a site (stream person-<site>-<person>): an entry for
anyone else is dead-lettered (LG-5). Registered by finance; the id only, no personal data."""

from dataclasses import dataclass
from typing import Any, ClassVar

from opsledger.decider import Aggregate, DecisionContext, Event, PrivateEvent, changed
from opsledger.errors import AlreadyExistsError
from opsledger_contracts import EventPayload
from pydantic import Field

from ledger.domain.roles import REGISTRARS

__all__ = ["PEOPLE", "PRIVATE_EVENTS", "PersonRegistered", "PersonState", "RegisterPerson"]


class PersonRegistered(PrivateEvent):
    """Finance registered a staff id at the site: the ledger takes entries for it."""

    event_type: ClassVar[str] = "PersonRegistered"
    service: ClassVar[str] = "ledger"
    stream_type: ClassVar[str | None] = "LedgerPerson"

    person: str = Field(min_length=1, max_length=64)
    registered_by: str = Field(min_length=1, max_length=64)


PRIVATE_EVENTS = (PersonRegistered,)


@dataclass(frozen=True)
class RegisterPerson:
    site_id: str
    person: str


@dataclass(frozen=True)
class PersonState:
    site_id: str = ""
    person: str = ""


def person_stream(site_id: str, person: str) -> str:
    return f"person-{site_id}-{person}"


def evolve(state: PersonState, event: Event) -> PersonState:
    if isinstance(event.payload, PersonRegistered):
        return changed(state, site_id=event.site_id, person=event.payload.person)
    return state


def decide(state: PersonState, command: RegisterPerson, ctx: DecisionContext) -> list[EventPayload]:
    if state.person:
        raise AlreadyExistsError("LedgerPerson", person_stream(command.site_id, command.person))
    return [PersonRegistered(person=command.person, registered_by=ctx.actor)]


def _stream_id(command: Any) -> str:
    return person_stream(command.site_id, command.person)


PEOPLE: Aggregate[PersonState, RegisterPerson] = Aggregate(
    stream_type="LedgerPerson",
    stream_prefix="person-",
    initial=PersonState(),
    evolve=evolve,
    stream_id=_stream_id,
    commands={RegisterPerson: (REGISTRARS, decide)},
    creates=frozenset({RegisterPerson}),
)
