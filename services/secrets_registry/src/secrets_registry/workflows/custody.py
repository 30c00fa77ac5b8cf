"""Where each carrier is: signed out and back (SR-13 rev.2), sent with two escorts
(SR-12), taken out and back (SR-16), destroyed before two witnesses (SR-19).

Whenever a carrier goes to a person or comes back, the person's stream records it in
the same transaction (`TakeCarrierCustody` / `ReleaseCarrierCustody`), so a departure
(SR-18) sees what the person holds without a lagging read.
"""

from dataclasses import dataclass
from typing import Any

from opsledger.pipeline import ANY_STAFF, CommandResult, UnitOfWork, Workflow

from secrets_registry.domain.carriers import CARRIER
from secrets_registry.domain.carriers import commands as c
from secrets_registry.domain.carriers.register import LeaveRegister
from secrets_registry.domain.clearance import CarrierLevel
from secrets_registry.domain.personnel import ReleaseCarrierCustody, TakeCarrierCustody
from secrets_registry.domain.roles import OFFICER
from secrets_registry.domain.twoperson import Requirement
from secrets_registry.workflows.carriers import visible_carrier
from secrets_registry.workflows.twoperson import clearance_of, precheck, two_people

PLACEHOLDERS = ("<first>", "<second>")  # for the precheck, before the two are known


@dataclass(frozen=True)
class SignOutCarrier:
    """The custodian signs the carrier out to a person to read or use (SR-13 rev.2)."""

    site_id: str
    carrier_id: str
    person_id: str
    purpose: c.SignOutPurpose


async def sign_out(uow: UnitOfWork, command: SignOutCarrier) -> CommandResult[Any]:
    await visible_carrier(uow, command.carrier_id)
    holder = await clearance_of(uow, command.person_id)
    result = await uow.execute(
        c.RecordSignOut(command.carrier_id, command.person_id, command.purpose, holder)
    )
    await uow.execute(TakeCarrierCustody(command.person_id, command.carrier_id))
    return result


@dataclass(frozen=True)
class SignInCarrier:
    """The holder hands the carrier back; the custodian signs it in."""

    site_id: str
    carrier_id: str


async def _back_in(uow: UnitOfWork, carrier_id: str, back: Any) -> CommandResult[Any]:
    """The carrier is back with the custodian: its holders' streams let it go too."""
    state = await visible_carrier(uow, carrier_id)
    result = await uow.execute(back)
    for person in state.holder:
        await uow.execute(ReleaseCarrierCustody(person, carrier_id))
    return result


async def sign_in(uow: UnitOfWork, command: SignInCarrier) -> CommandResult[Any]:
    return await _back_in(uow, command.carrier_id, c.RecordSignIn(command.carrier_id))


@dataclass(frozen=True)
class SendCarrier:
    """Each of the two escorts confirms the same sending with their own token (SR-12)."""

    site_id: str
    carrier_id: str
    action_id: str
    channel: c.Channel
    destination: str
    out_of_town: bool
    package_no: str
    to_originator: bool = False


async def send(uow: UnitOfWork, command: SendCarrier) -> CommandResult[Any]:
    state = await visible_carrier(uow, command.carrier_id)
    terms = (command.channel, command.destination, command.out_of_town, command.package_no)
    sending = c.RecordSending(
        command.carrier_id, *terms, command.to_originator, escorts=PLACEHOLDERS
    )
    precheck(uow, CARRIER, state, sending)
    people = await two_people(
        uow,
        action_id=command.action_id,
        kind="escort",
        subject=command.carrier_id,
        terms=repr((*terms, command.to_originator)),
        need=Requirement("SR-12", level=state.level),
    )
    if not isinstance(people, tuple):
        return people
    result = await uow.execute(
        c.RecordSending(command.carrier_id, *terms, command.to_originator, escorts=people)
    )
    await uow.execute(LeaveRegister(uow.site_id, command.carrier_id, "sent"))
    return result


@dataclass(frozen=True)
class TakeCarrierOut:
    """Take a carrier out: top secret by two people who both confirm (SR-16)."""

    site_id: str
    carrier_id: str
    action_id: str
    destination: str
    abroad: bool = False
    foreign_affairs: bool = False


async def take_out(uow: UnitOfWork, command: TakeCarrierOut) -> CommandResult[Any]:
    state = await visible_carrier(uow, command.carrier_id)
    where = (command.destination, command.abroad, command.foreign_affairs)
    people: tuple[str, ...] = (uow.origin.actor,)
    if state.level == CarrierLevel.TOP_SECRET:
        precheck(uow, CARRIER, state, c.RecordTakeOut(command.carrier_id, *where, PLACEHOLDERS))
        two = await two_people(
            uow,
            action_id=command.action_id,
            kind="take_out",
            subject=command.carrier_id,
            terms=repr(where),
            need=Requirement("SR-16", level=state.level),
        )
        if not isinstance(two, tuple):
            return two
        people = two
    result = await uow.execute(c.RecordTakeOut(command.carrier_id, *where, people))
    for person in people:
        await uow.execute(TakeCarrierCustody(person, command.carrier_id))
    return result


@dataclass(frozen=True)
class BringCarrierBack:
    site_id: str
    carrier_id: str


async def bring_back(uow: UnitOfWork, command: BringCarrierBack) -> CommandResult[Any]:
    return await _back_in(uow, command.carrier_id, c.RecordBringBack(command.carrier_id))


@dataclass(frozen=True)
class DestroyCarrier:
    """Each of the two witnesses confirms the destruction with their own token (SR-19)."""

    site_id: str
    carrier_id: str
    action_id: str
    place: str


async def destroy(uow: UnitOfWork, command: DestroyCarrier) -> CommandResult[Any]:
    state = await visible_carrier(uow, command.carrier_id)
    precheck(
        uow, CARRIER, state, c.RecordDestruction(command.carrier_id, command.place, PLACEHOLDERS)
    )
    people = await two_people(
        uow,
        action_id=command.action_id,
        kind="destruction",
        subject=command.carrier_id,
        terms=command.place,
        need=Requirement("SR-19", level=state.level),
    )
    if not isinstance(people, tuple):
        return people
    result = await uow.execute(c.RecordDestruction(command.carrier_id, command.place, people))
    await uow.execute(LeaveRegister(uow.site_id, command.carrier_id, "destroyed"))
    return result


def _site(command: Any) -> str:
    return str(command.site_id)


WORKFLOWS: list[Workflow[Any]] = [
    Workflow(command=SignOutCarrier, roles=OFFICER, site_of=_site, run=sign_out),
    Workflow(command=SignInCarrier, roles=OFFICER, site_of=_site, run=sign_in),
    Workflow(command=SendCarrier, roles=ANY_STAFF, site_of=_site, run=send, attempts=3),
    Workflow(command=TakeCarrierOut, roles=ANY_STAFF, site_of=_site, run=take_out),
    Workflow(command=BringCarrierBack, roles=OFFICER, site_of=_site, run=bring_back),
    Workflow(command=DestroyCarrier, roles=ANY_STAFF, site_of=_site, run=destroy, attempts=3),
]
