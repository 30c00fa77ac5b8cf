"""SR-18 rev.2: a custodian who leaves hands the registers over (辦理移交手續): the
custodian's record and the receiver's custody in one transaction."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from opsledger.errors import DomainError, NotFoundError
from opsledger.pipeline import CommandResult, UnitOfWork, Workflow

from secrets_registry.domain.personnel import PERSON, person_stream
from secrets_registry.domain.personnel.leaving import ReceiveRegisters, RecordRegistersHandover
from secrets_registry.domain.roles import LEADER, OFFICER


@dataclass(frozen=True)
class HandOverRegisters:
    """The custodian `person_id` hands `registers` to `to_person`, with a record number."""

    site_id: str
    person_id: str
    registers: list[str]
    to_person: str
    handed_on: date
    record_no: str


async def hand_over(uow: UnitOfWork, command: HandOverRegisters) -> CommandResult[Any]:
    receiver = await uow.load(PERSON, person_stream(command.to_person))
    if not receiver.version or receiver.state.site_id != uow.site_id:
        raise DomainError(
            "SR-18", f"{command.to_person} has no record on this site", field="to_person"
        )
    giver = await uow.load(PERSON, person_stream(command.person_id))
    if not giver.version or giver.state.site_id != uow.site_id:
        raise NotFoundError("Person", person_stream(command.person_id))
    handed = await uow.execute(
        RecordRegistersHandover(
            command.person_id,
            command.registers,
            command.to_person,
            command.handed_on,
            command.record_no,
        )
    )
    receive = ReceiveRegisters(
        command.to_person, command.registers, command.person_id, command.record_no
    )
    await uow.execute(receive)
    return handed


WORKFLOWS: list[Workflow[Any]] = [
    Workflow(
        command=HandOverRegisters,
        roles=OFFICER | LEADER,
        site_of=lambda command: command.site_id,
        run=hand_over,
    )
]
