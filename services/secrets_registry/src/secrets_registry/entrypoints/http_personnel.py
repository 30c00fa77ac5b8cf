"""HTTP routes for classified personnel (SR-1 … SR-4, SR-8 … SR-10, SR-13).

Command replies carry only the stream and its version: a department head who reviews
a level does not thereby read the personnel file. The file is read by the officer, the
committee and auditors, and by the person (their own record only; anyone else's
answers 404, as a missing one).
"""

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from opsledger.fields import SiteQuery, StrictDate
from opsledger.pipeline import CommandResult
from opsledger.readmodels import Row, response_model
from opsledger.routes import Commands
from pydantic import BaseModel

from secrets_registry.domain.personnel import PERSON, person_stream
from secrets_registry.domain.personnel import commands as c
from secrets_registry.domain.roles import CLEARED, PERSONNEL_READERS
from secrets_registry.entrypoints.audited import RegistryReader, RegistryReads
from secrets_registry.entrypoints.fields import Ident, RegistryBody
from secrets_registry.readmodels.personnel import PEOPLE
from secrets_registry.views import personnel as views
from secrets_registry.views.personnel import Holding, PersonView

router = APIRouter(tags=["classified personnel"])
# Every read, allowed or not, is recorded (SR-20) and sees the carriers its clearance sees.
OfficerReads = Annotated[RegistryReader, RegistryReads(roles=PERSONNEL_READERS)]
OwnReads = Annotated[RegistryReader, RegistryReads(roles=PERSONNEL_READERS | CLEARED)]
PID = Literal["person_id"]


class Recorded(BaseModel):
    """A command's reply: which stream, at which version."""

    person_id: str
    version: int

    @classmethod
    def of(cls, person_id: str, result: CommandResult[object]) -> "Recorded":
        return cls(person_id=person_id, version=result.version)


async def run(person_id: str, command: object, commands: Commands) -> Recorded:
    return Recorded.of(person_id, await commands.run(command))


@router.post("/people", status_code=201)
async def propose_first_level(
    body: RegistryBody[c.ProposeLevel, None], commands: Commands
) -> Recorded:
    command = body.command()
    return await run(command.person_id, command, commands)


@router.post("/people/{person_id}/level-proposals")
async def propose_level(
    person_id: Ident, body: RegistryBody[c.ProposeLevel, PID], commands: Commands
) -> Recorded:
    return await run(person_id, body.command(person_id=person_id), commands)


@router.post("/people/{person_id}/level-proposals/review")
async def review_level(
    person_id: Ident, body: RegistryBody[c.ReviewLevel, PID], commands: Commands
) -> Recorded:
    return await run(person_id, body.command(person_id=person_id), commands)


@router.post("/people/{person_id}/level-proposals/approval")
async def approve_level(
    person_id: Ident, body: RegistryBody[c.ApproveLevel, PID], commands: Commands
) -> Recorded:
    return await run(person_id, body.command(person_id=person_id), commands)


@router.post("/people/{person_id}/vetting")
async def record_vetting(
    person_id: Ident, body: RegistryBody[c.RecordVetting, PID], commands: Commands
) -> Recorded:
    return await run(person_id, body.command(person_id=person_id), commands)


@router.post("/people/{person_id}/education")
async def record_education(
    person_id: Ident, body: RegistryBody[c.RecordEducation, PID], commands: Commands
) -> Recorded:
    return await run(person_id, body.command(person_id=person_id), commands)


@router.post("/people/{person_id}/pledges")
async def sign_pledge(
    person_id: Ident, body: RegistryBody[c.SignPledge, PID], commands: Commands
) -> Recorded:
    return await run(person_id, body.command(person_id=person_id), commands)


@router.post("/people/{person_id}/post")
async def enter_post(
    person_id: Ident, body: RegistryBody[c.EnterPost, PID], commands: Commands
) -> Recorded:
    return await run(person_id, body.command(person_id=person_id), commands)


@router.put("/people/{person_id}/key-locations")
async def assign_key_locations(
    person_id: Ident, body: RegistryBody[c.AssignKeyLocations, PID], commands: Commands
) -> Recorded:
    return await run(person_id, body.command(person_id=person_id), commands)


@router.post("/people/{person_id}/scopes")
async def grant_scope(
    person_id: Ident, body: RegistryBody[c.GrantScope, PID], commands: Commands
) -> Recorded:
    return await run(person_id, body.command(person_id=person_id), commands)


@router.post("/people/{person_id}/scopes/{scope}/withdrawal")
async def withdraw_scope(
    person_id: Ident,
    scope: Ident,
    body: RegistryBody[c.WithdrawScope, Literal["person_id", "scope"]],
    commands: Commands,
) -> Recorded:
    return await run(person_id, body.command(person_id=person_id, scope=scope), commands)


@router.post("/people/{person_id}/travel")
async def request_travel(
    person_id: Ident, body: RegistryBody[c.RequestForeignTravel, PID], commands: Commands
) -> Recorded:
    return await run(person_id, body.command(person_id=person_id), commands)


@router.post("/people/{person_id}/travel/{travel_id}/opinion")
async def travel_opinion(
    person_id: Ident,
    travel_id: Ident,
    body: RegistryBody[c.GiveTravelOpinion, Literal["person_id", "travel_id"]],
    commands: Commands,
) -> Recorded:
    command = body.command(person_id=person_id, travel_id=travel_id)
    return await run(person_id, command, commands)


@router.post("/people/{person_id}/travel/{travel_id}/decision")
async def decide_travel(
    person_id: Ident,
    travel_id: Ident,
    body: RegistryBody[c.DecideTravel, Literal["person_id", "travel_id"]],
    commands: Commands,
) -> Recorded:
    command = body.command(person_id=person_id, travel_id=travel_id)
    return await run(person_id, command, commands)


@router.post("/people/{person_id}/allowances")
async def record_allowance(
    person_id: Ident, body: RegistryBody[c.RecordAllowance, PID], commands: Commands
) -> Recorded:
    return await run(person_id, body.command(person_id=person_id), commands)


@router.get("/people", response_model=response_model(PEOPLE, many=True))
async def people(site_id: SiteQuery, reads: OfficerReads) -> list[Row]:
    """The board; `carriers_held` counts only the carriers the reader may see."""
    clearance = await reads.open(site_id, "people")
    return await reads.many(site_id, "people", await reads(views.people, site_id, clearance))


@router.get("/people/{person_id}")
async def person(person_id: Ident, site_id: SiteQuery, reads: OwnReads) -> PersonView:
    """The personnel file: officer, committee, auditors; a cleared person reads their own.
    Anyone else's, a missing one and one of another site all answer the same 404."""
    clearance = await reads.open(site_id, person_id)
    own = reads.principal.staff_id == person_id
    found: PersonView | None = None
    if reads.principal.roles & PERSONNEL_READERS or own:
        state = await reads.load(PERSON, person_stream(person_id))
        if state is not None and state.site_id == site_id:
            found = await reads(views.person, state, clearance)
    return await reads.one(site_id, person_id, "Person", found)


@router.get("/declassification", response_model=response_model(PEOPLE, many=True))
async def in_declassification(
    site_id: SiteQuery, reads: OfficerReads, on: Annotated[StrictDate | None, Query()] = None
) -> list[Row]:
    """SR-5: people inside their declassification period on `on` (default today)."""
    day: date = on or reads.local_date(site_id)
    target = f"declassification on={day}"
    clearance = await reads.open(site_id, target)
    rows = await reads(views.in_declassification, site_id, day, clearance)
    return await reads.many(site_id, target, rows)


@router.get("/holdings")
async def holdings(site_id: SiteQuery, reads: OfficerReads) -> list[Holding]:
    """SR-18: who holds which carrier (ids only), of those the reader may see."""
    clearance = await reads.open(site_id, "holdings")
    return await reads.many(site_id, "holdings", await reads(views.holdings, site_id, clearance))
