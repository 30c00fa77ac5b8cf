"""HTTP routes for leaving a classified post (SR-5 rev.2, SR-6, SR-7 rev.2, SR-18 rev.2).

Replies carry the stream and its version only (`Recorded`), as for personnel.
"""

from typing import Literal

from fastapi import APIRouter
from opsledger.routes import Commands

from secrets_registry.domain.personnel import leaving as lc
from secrets_registry.entrypoints.fields import Ident, RegistryBody
from secrets_registry.entrypoints.http_personnel import Recorded, run
from secrets_registry.workflows.registers import HandOverRegisters

router = APIRouter(tags=["leaving a classified post"])
PID = Literal["person_id"]
APP = Literal["person_id", "application_id"]


@router.post("/people/{person_id}/leaving")
async def apply_to_leave(
    person_id: Ident, body: RegistryBody[lc.ApplyToLeave, PID], commands: Commands
) -> Recorded:
    return await run(person_id, body.command(person_id=person_id), commands)


@router.post("/people/{person_id}/leaving/{application_id}/secrecy-review")
async def review_secrecy(
    person_id: Ident,
    application_id: Ident,
    body: RegistryBody[lc.ReviewLeavingSecrecy, APP],
    commands: Commands,
) -> Recorded:
    command = body.command(person_id=person_id, application_id=application_id)
    return await run(person_id, command, commands)


@router.post("/people/{person_id}/leaving/{application_id}/decision")
async def decide_leaving(
    person_id: Ident,
    application_id: Ident,
    body: RegistryBody[lc.DecideLeaving, APP],
    commands: Commands,
) -> Recorded:
    command = body.command(person_id=person_id, application_id=application_id)
    return await run(person_id, command, commands)


@router.post("/people/{person_id}/leaving/{application_id}/departure")
async def record_departure(
    person_id: Ident,
    application_id: Ident,
    body: RegistryBody[lc.RecordDeparture, APP],
    commands: Commands,
) -> Recorded:
    command = body.command(person_id=person_id, application_id=application_id)
    return await run(person_id, command, commands)


@router.post("/people/{person_id}/declassification/extension")
async def extend_declassification(
    person_id: Ident, body: RegistryBody[lc.ExtendDeclassification, PID], commands: Commands
) -> Recorded:
    return await run(person_id, body.command(person_id=person_id), commands)


@router.post("/people/{person_id}/unauthorised-departure")
async def report_unauthorised(
    person_id: Ident, body: RegistryBody[lc.ReportUnauthorisedDeparture, PID], commands: Commands
) -> Recorded:
    return await run(person_id, body.command(person_id=person_id), commands)


@router.post("/people/{person_id}/unauthorised-departure/urging")
async def urge_return(
    person_id: Ident, body: RegistryBody[lc.UrgeReturn, PID], commands: Commands
) -> Recorded:
    return await run(person_id, body.command(person_id=person_id), commands)


@router.post("/people/{person_id}/unauthorised-departure/answer")
async def urging_answer(
    person_id: Ident, body: RegistryBody[lc.RecordUrgingAnswer, PID], commands: Commands
) -> Recorded:
    return await run(person_id, body.command(person_id=person_id), commands)


@router.post("/people/{person_id}/unauthorised-departure/referral")
async def refer_case(
    person_id: Ident, body: RegistryBody[lc.ReferCase, PID], commands: Commands
) -> Recorded:
    return await run(person_id, body.command(person_id=person_id), commands)


@router.post("/people/{person_id}/registers")
async def appoint_registers(
    person_id: Ident, body: RegistryBody[lc.AppointRegisters, PID], commands: Commands
) -> Recorded:
    return await run(person_id, body.command(person_id=person_id), commands)


@router.post("/people/{person_id}/registers/handover")
async def hand_over_registers(
    person_id: Ident, body: RegistryBody[HandOverRegisters, PID], commands: Commands
) -> Recorded:
    return await run(person_id, body.command(person_id=person_id), commands)
