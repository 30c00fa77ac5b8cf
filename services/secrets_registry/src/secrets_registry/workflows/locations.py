"""Entering a key location (SR-9): one person's entry with their clearance read from
their stream, and service work, which two people confirm at the choke point."""

from dataclasses import dataclass
from typing import Any

from opsledger.errors import NotFoundError
from opsledger.pipeline import ANY_STAFF, CommandResult, UnitOfWork, Workflow

from secrets_registry.domain.locations import (
    KEY_LOCATION,
    LocationState,
    RecordEntry,
    RecordPairEntry,
    location_stream,
)
from secrets_registry.domain.roles import OFFICER
from secrets_registry.workflows.twoperson import clearance_of, two_people


async def _location(uow: UnitOfWork, location_id: str) -> LocationState:
    loaded = await uow.load(KEY_LOCATION, location_stream(location_id))
    if not loaded.version or loaded.state.site_id != uow.site_id:
        raise NotFoundError("KeyLocation", location_id)
    return loaded.state


@dataclass(frozen=True)
class RecordKeyLocationEntry:
    """The officer (or the monitoring) records one person's entry (SR-9 rev.)."""

    site_id: str
    location_id: str
    person_id: str


async def record_entry(uow: UnitOfWork, command: RecordKeyLocationEntry) -> CommandResult[Any]:
    await _location(uow, command.location_id)
    person = await clearance_of(uow, command.person_id)
    return await uow.execute(RecordEntry(command.location_id, command.person_id, person))


@dataclass(frozen=True)
class StartServiceWork:
    """Each of the two confirms with their own token; both enter together (SR-9 rev.2)."""

    site_id: str
    location_id: str
    action_id: str
    work: str


async def start_service_work(uow: UnitOfWork, command: StartServiceWork) -> CommandResult[Any]:
    location = await _location(uow, command.location_id)
    people = await two_people(
        uow,
        action_id=command.action_id,
        kind="key_location_work",
        subject=command.location_id,
        terms=command.work,
        need=location.need(),
    )
    if not isinstance(people, tuple):
        return people
    return await uow.execute(RecordPairEntry(command.location_id, people, command.work))


WORKFLOWS: list[Workflow[Any]] = [
    Workflow(
        command=RecordKeyLocationEntry,
        roles=OFFICER,
        site_of=lambda w: w.site_id,
        run=record_entry,
    ),
    Workflow(
        command=StartServiceWork,
        roles=ANY_STAFF,
        site_of=lambda w: w.site_id,
        run=start_service_work,
        attempts=3,
    ),
]
