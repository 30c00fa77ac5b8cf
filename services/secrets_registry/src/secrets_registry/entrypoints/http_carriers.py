"""HTTP routes for carriers (SR-11 … SR-20): commands, and reads that show a carrier only
to a reader cleared for its level and inside its scope — to anyone else it does not
exist (404, absent from lists and counts) — each read recorded (SR-20)."""

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from opsledger.fields import SiteQuery, StrictDate
from opsledger.pipeline import CommandResult
from opsledger.readmodels import Row, response_model
from opsledger.routes import Commands
from pydantic import BaseModel

from secrets_registry.domain.carriers import CarrierState
from secrets_registry.domain.carriers import commands as c
from secrets_registry.domain.roles import AUDITOR, CLEARED, COMMITTEE, HEAD, LEADER, OFFICER
from secrets_registry.domain.twoperson import TwoPersonState
from secrets_registry.entrypoints.audited import RegistryReader, RegistryReads
from secrets_registry.entrypoints.carrier_fields import CarrierBody
from secrets_registry.entrypoints.fields import Ident
from secrets_registry.readmodels.carriers import CARRIERS
from secrets_registry.views import carriers as views
from secrets_registry.views.twoperson import PendingConfirmation
from secrets_registry.workflows import carriers as wf
from secrets_registry.workflows import custody
from secrets_registry.workflows.byproducts import RegisterByProduct
from secrets_registry.workflows.inventory import TakeInventory

router = APIRouter(tags=["carriers"])
# Anyone who may be cleared reads; what they see is their clearance's.
CarrierReads = Annotated[
    RegistryReader, RegistryReads(roles=OFFICER | COMMITTEE | AUDITOR | LEADER | HEAD | CLEARED)
]
# SR-20: the registers are the officer's, the committee's and the auditors'.
RegisterReads = Annotated[RegistryReader, RegistryReads(roles=OFFICER | COMMITTEE | AUDITOR)]
CID = Literal["carrier_id"]


class CarrierAnswer(BaseModel):
    """A command's answer: where the carrier is now (ids only, never its title)."""

    carrier_id: str
    level: str
    serial: str | None
    status: str
    storage: str
    holder: list[str]
    copies: int
    scope: list[str]

    @classmethod
    def of(cls, s: CarrierState) -> "CarrierAnswer":
        return cls(
            carrier_id=s.carrier_id,
            level=s.level.value,
            serial=s.serial,
            status=s.status,
            storage=s.storage,
            holder=list(s.holder),
            copies=s.copies,
            scope=sorted(s.scope),
        )


def _answer(result: CommandResult[Any], response: Response) -> Any:
    if isinstance(result.state, TwoPersonState):
        response.status_code = 202
        return PendingConfirmation.of(result.state)
    return CarrierAnswer.of(result.state)


Answer = CarrierAnswer | PendingConfirmation


@router.post("/carriers", status_code=201)
async def register_carrier(
    body: CarrierBody[wf.RegisterCarrier, None], commands: Commands
) -> CarrierAnswer:
    return CarrierAnswer.of((await commands.run(body.command())).state)


@router.post("/carriers/{carrier_id}/copies", status_code=201)
async def copy_carrier(
    carrier_id: Ident, body: CarrierBody[wf.CopyCarrier, CID], commands: Commands
) -> CarrierAnswer:
    return CarrierAnswer.of((await commands.run(body.command(carrier_id=carrier_id))).state)


@router.post("/carriers/{carrier_id}/by-products", status_code=201)
async def register_by_product(
    carrier_id: Ident, body: CarrierBody[RegisterByProduct, CID], commands: Commands
) -> CarrierAnswer:
    """SR-11 rev.2: what producing the carrier left over, not archived: a carrier of the
    same level and scope, due for destruction at once (SR-19)."""
    return CarrierAnswer.of((await commands.run(body.command(carrier_id=carrier_id))).state)


@router.post("/carrier-derivations", status_code=201)
async def derive_carrier(
    body: CarrierBody[wf.DeriveCarrier, None], commands: Commands
) -> CarrierAnswer:
    return CarrierAnswer.of((await commands.run(body.command())).state)


@router.post("/carriers/{carrier_id}/scope")
async def change_scope(
    carrier_id: Ident, body: CarrierBody[c.ChangeCarrierScope, CID], commands: Commands
) -> CarrierAnswer:
    result = await commands.run(wf.OnCarrier(body.command(carrier_id=carrier_id)))
    return CarrierAnswer.of(result.state)


@router.post("/carriers/{carrier_id}/storage")
async def store_carrier(
    carrier_id: Ident, body: CarrierBody[c.StoreCarrier, CID], commands: Commands
) -> CarrierAnswer:
    result = await commands.run(wf.OnCarrier(body.command(carrier_id=carrier_id)))
    return CarrierAnswer.of(result.state)


@router.post("/carriers/{carrier_id}/take-out-approvals")
async def approve_take_out(
    carrier_id: Ident, body: CarrierBody[c.ApproveTakeOut, CID], commands: Commands
) -> CarrierAnswer:
    result = await commands.run(wf.OnCarrier(body.command(carrier_id=carrier_id)))
    return CarrierAnswer.of(result.state)


@router.post("/carriers/{carrier_id}/destruction-approvals")
async def approve_destruction(
    carrier_id: Ident, body: CarrierBody[c.ApproveDestruction, CID], commands: Commands
) -> CarrierAnswer:
    result = await commands.run(wf.OnCarrier(body.command(carrier_id=carrier_id)))
    return CarrierAnswer.of(result.state)


@router.post("/carriers/{carrier_id}/sign-outs")
async def sign_out(
    carrier_id: Ident, body: CarrierBody[custody.SignOutCarrier, CID], commands: Commands
) -> CarrierAnswer:
    return CarrierAnswer.of((await commands.run(body.command(carrier_id=carrier_id))).state)


@router.post("/carriers/{carrier_id}/sign-ins")
async def sign_in(
    carrier_id: Ident, body: CarrierBody[custody.SignInCarrier, CID], commands: Commands
) -> CarrierAnswer:
    return CarrierAnswer.of((await commands.run(body.command(carrier_id=carrier_id))).state)


@router.post("/carriers/{carrier_id}/bring-backs")
async def bring_back(
    carrier_id: Ident, body: CarrierBody[custody.BringCarrierBack, CID], commands: Commands
) -> CarrierAnswer:
    return CarrierAnswer.of((await commands.run(body.command(carrier_id=carrier_id))).state)


@router.post("/carriers/{carrier_id}/dispatches", responses={202: {"model": PendingConfirmation}})
async def send_carrier(
    carrier_id: Ident,
    body: CarrierBody[custody.SendCarrier, CID],
    commands: Commands,
    response: Response,
) -> Answer:
    """Each escort posts the same body with their own token (SR-12, two-person)."""
    return _answer(await commands.run(body.command(carrier_id=carrier_id)), response)  # type: ignore[no-any-return]


@router.post("/carriers/{carrier_id}/take-outs", responses={202: {"model": PendingConfirmation}})
async def take_out(
    carrier_id: Ident,
    body: CarrierBody[custody.TakeCarrierOut, CID],
    commands: Commands,
    response: Response,
) -> Answer:
    """Top secret: each of the two posts the same body with their own token (SR-16)."""
    return _answer(await commands.run(body.command(carrier_id=carrier_id)), response)  # type: ignore[no-any-return]


@router.post("/carriers/{carrier_id}/destructions", responses={202: {"model": PendingConfirmation}})
async def destroy(
    carrier_id: Ident,
    body: CarrierBody[custody.DestroyCarrier, CID],
    commands: Commands,
    response: Response,
) -> Answer:
    """Each witness posts the same body with their own token (SR-19, two-person)."""
    return _answer(await commands.run(body.command(carrier_id=carrier_id)), response)  # type: ignore[no-any-return]


class InventoryAnswer(BaseModel):
    inventory_id: str
    on: date | None
    carriers_held: int


@router.post("/carrier-inventories", status_code=201)
async def take_inventory(
    body: CarrierBody[TakeInventory, None], commands: Commands
) -> InventoryAnswer:
    """SR-17: the discrepancies are in the register's log and the inventory's answer."""
    command = body.command()
    state = (await commands.run(command)).state
    return InventoryAnswer(
        inventory_id=command.inventory_id, on=state.last_inventory, carriers_held=len(state.held)
    )


# -- reads ------------------------------------------------------------------------------


@router.get("/carriers", response_model=response_model(CARRIERS, many=True))
async def list_carriers(
    site_id: SiteQuery,
    reads: CarrierReads,
    level: Annotated[str | None, Query(max_length=16)] = None,
    status: Annotated[str | None, Query(max_length=16)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> list[Row]:
    """The register, or a search in it: only what the reader's clearance sees."""
    clearance = await reads.open(site_id, f"level={level} status={status} q={'…' if q else ''}")
    rows = await reads(views.carriers, site_id, clearance, level, status, q)
    return await reads.many(site_id, f"level={level} status={status}", rows)


@router.get("/carriers/count")
async def count_carriers(site_id: SiteQuery, reads: CarrierReads) -> views.Count:
    clearance = await reads.open(site_id, "count")
    answer = await reads(views.count, site_id, clearance)
    await reads.record(site_id, "count", f"count:{answer.total}")
    return answer


@router.get("/carriers/{carrier_id}", response_model=response_model(CARRIERS))
async def carrier(carrier_id: Ident, site_id: SiteQuery, reads: CarrierReads) -> Row:
    clearance = await reads.open(site_id, carrier_id)
    found = await reads(views.carrier, site_id, carrier_id, clearance)
    return await reads.one(site_id, carrier_id, "Carrier", found)


@router.get("/carrier-registers/{register}")
async def register(
    register: Literal["send_receive", "use", "return", "destruction"],
    site_id: SiteQuery,
    reads: RegisterReads,
    carrier_id: Annotated[str | None, Query(max_length=64)] = None,
) -> list[views.RegisterLineRow]:
    """SR-20: the send/receive, use, return or destruction register."""
    target = f"{register} carrier={carrier_id}"
    clearance = await reads.open(site_id, target)
    rows = await reads(views.register, site_id, register, clearance, carrier_id)
    return await reads.many(site_id, target, rows, carrier_id)


@router.get("/carrier-holdings")
async def holdings(site_id: SiteQuery, reads: RegisterReads) -> list[views.Holding]:
    """Who holds what now."""
    clearance = await reads.open(site_id, "holdings")
    return await reads.many(site_id, "holdings", await reads(views.holdings, site_id, clearance))


@router.get("/carriers-due")
async def due(
    site_id: SiteQuery, reads: RegisterReads, on: Annotated[StrictDate | None, Query()] = None
) -> list[views.DueCarrier]:
    """Carriers due back to their originator, for destruction or for the yearly inventory."""
    day = on or reads.local_date(site_id)
    clearance = await reads.open(site_id, f"due on={day}")
    rows = await reads(views.due, site_id, day, clearance)
    return await reads.many(site_id, f"due on={day}", rows)
