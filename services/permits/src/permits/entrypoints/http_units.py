"""HTTP routes of the unit register (RP-1): units, owners, CSV import, a unit's history."""

from typing import Annotated

from fastapi import APIRouter, Request
from opsledger.errors import DomainError
from opsledger.fields import Instant, SiteQuery
from opsledger.http import rule
from opsledger.readmodels import response_model
from opsledger.routes import Commands, Reader, Reads
from pydantic import BaseModel, Field, StrictBool

from permits.domain.permit import PERMIT, permit_stream
from permits.domain.roles import PERMIT_READERS
from permits.domain.units import UNIT, ChangeUnitOwners, Owner, RegisterUnit, UnitState, unit_stream
from permits.entrypoints.fields import Body, Ident, Short, SiteId, Text
from permits.readmodels.units import UNITS
from permits.views import units as views
from permits.workflows.units import ImportUnits

router = APIRouter(tags=["unit register (RP-1)"])
RegisterReads = Annotated[Reader, Reads(roles=PERMIT_READERS)]
MAX_CSV_BYTES = 1_000_000


class OwnerBody(Body):
    owner_id: Ident
    name: Short


class UnitView(BaseModel):
    site_id: str
    unit_id: str
    label: str
    owners: list[OwnerBody]
    handbook_signed_at_handover: bool
    permits: list[str]

    @classmethod
    def of(cls, s: UnitState) -> "UnitView":
        return cls(
            site_id=s.site_id,
            unit_id=s.unit_id,
            label=s.label,
            owners=[OwnerBody(owner_id=o.owner_id, name=o.name) for o in s.owners],
            handbook_signed_at_handover=s.handbook_signed_at_handover,
            permits=list(s.permits),
        )


class UnitBody(Body):
    site_id: SiteId
    unit_id: Ident
    label: Short
    owners: list[OwnerBody] = Field(min_length=1, max_length=20)
    handbook_signed_at_handover: StrictBool = Field(default=False, json_schema_extra=rule("RP-1"))


def _owners(owners: list[OwnerBody]) -> tuple[Owner, ...]:
    return tuple(Owner(o.owner_id, o.name) for o in owners)


@router.post("/units", status_code=201)
async def register_unit(body: UnitBody, commands: Commands) -> UnitView:
    command = RegisterUnit(
        body.site_id,
        body.unit_id,
        body.label,
        _owners(body.owners),
        body.handbook_signed_at_handover,
    )
    return UnitView.of((await commands.run(command)).state)


class OwnersBody(Body):
    site_id: SiteId
    owners: list[OwnerBody] = Field(min_length=1, max_length=20)
    reason: Text


@router.post("/units/{unit_id}/owners")
async def change_owners(unit_id: Ident, body: OwnersBody, commands: Commands) -> UnitView:
    command = ChangeUnitOwners(body.site_id, unit_id, _owners(body.owners), body.reason)
    return UnitView.of((await commands.run(command)).state)


class ImportAnswer(BaseModel):
    site_id: str
    imported: list[str]


@router.post(
    "/units/import",
    status_code=201,
    openapi_extra={"requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
async def import_units(site_id: SiteQuery, request: Request, commands: Commands) -> ImportAnswer:
    """CSV `unit_id,label,owners,handbook_signed_at_handover` (owners `id=name;id=name`):
    every bad row is reported (`fields`: `rows.<line>.<column>`), nothing imported then."""
    raw = await request.body()
    if len(raw) > MAX_CSV_BYTES:
        raise DomainError("RP-1", f"at most {MAX_CSV_BYTES} bytes per import", field="body")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError("RP-1", "the CSV is UTF-8 text", field="body") from None
    result = await commands.run(ImportUnits(site_id, text))
    return ImportAnswer(site_id=site_id, imported=list(result.state.unit_ids))


@router.get("/units", response_model=response_model(UNITS, many=True))
async def register(site_id: SiteQuery, reads: RegisterReads) -> object:
    reads.authorize(site_id)
    return await reads(views.register, site_id)


@router.get("/units/{unit_id}")
async def unit(unit_id: Ident, site_id: SiteQuery, reads: RegisterReads) -> UnitView:
    reads.authorize(site_id)
    return UnitView.of((await reads.load(UNIT, unit_stream(site_id, unit_id))).state)


@router.get("/units/{unit_id}/history")
async def unit_history(
    unit_id: Ident, site_id: SiteQuery, reads: RegisterReads, at: Instant | None = None
) -> list[views.HistoryEntry]:
    """The unit's register entries and every permit of it, as recorded up to `at`."""
    reads.authorize(site_id)
    unit_events = await reads.stream(UNIT, unit_stream(site_id, unit_id))
    permit_ids = [
        e.payload["permit_id"] for e in unit_events if e.event_type == "UnitPermitApplied"
    ]
    streams = [unit_events]
    for permit_id in permit_ids:
        streams.append(await reads.stream(PERMIT, permit_stream(str(permit_id))))
    return views.history(streams, reads.roles, at)
