"""HTTP routes for FL-4 maintenance: repairs and oil / small parts purchases."""

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter
from opsledger.http import rule
from opsledger.pipeline import roles
from opsledger.routes import Commands, Reader, Reads
from pydantic import BaseModel, Field, StrictInt

from fleet.domain.maintenance import Part, PartsPurchaseState, RepairState
from fleet.domain.maintenance.commands import (
    ApproveRepair,
    ApproveRepairForm,
    ApproveRepairPayment,
    ApproveSmallParts,
    AuditRepair,
    ConfirmSmallParts,
    InspectReplacedParts,
    RecordSmallPartsBought,
    RequestSmallParts,
    SendRepairToShop,
    SettleRepair,
    SignPartsList,
)
from fleet.entrypoints.fields import Body, Ident, Short, SiteId, StaffId, Text
from fleet.entrypoints.http_vehicles import BOARD_READERS
from fleet.views import maintenance as views
from fleet.workflows.repairs import FinishRepair, RequestRepair

router = APIRouter(tags=["maintenance (FL-4)"])
# Who reads the vehicle board, and finance (it pays the repairs).
MAINTENANCE_READERS = BOARD_READERS | roles("finance")
MaintenanceReads = Annotated[Reader, Reads(roles=MAINTENANCE_READERS)]
Fen = Field(gt=0, le=100_000_000, json_schema_extra=rule("FL-4"))


class PartView(BaseModel):
    name: str
    quantity: Decimal
    amount_fen: int
    major: bool


class RepairView(BaseModel):
    repair_id: str
    site_id: str
    vehicle_id: str
    fault_id: str
    driver_id: str
    shop: str
    status: str
    by_phone: bool
    form_no: str | None
    parts: list[PartView]
    parts_signed_by: str | None
    uninspected: list[str]
    settled_fen: int | None

    @classmethod
    def of(cls, s: RepairState) -> "RepairView":
        return cls(
            repair_id=s.repair_id,
            site_id=s.site_id,
            vehicle_id=s.vehicle_id,
            fault_id=s.fault_id,
            driver_id=s.driver_id,
            shop=s.shop,
            status=s.status,
            by_phone=s.by_phone,
            form_no=s.form_no,
            parts=[PartView.model_validate(p, from_attributes=True) for p in s.parts],
            parts_signed_by=s.parts_signed_by,
            uninspected=s.uninspected,
            settled_fen=s.settled_fen,
        )


class RepairBody(Body):
    site_id: SiteId
    repair_id: Ident
    vehicle_id: Ident
    driver_id: StaffId = Field(json_schema_extra=rule("FL-4"))
    shop: Short = Field(json_schema_extra=rule("FL-4"))
    description: Text
    fault_id: Ident | None = Field(default=None, description="An open fault it repairs")


@router.post("/repairs", status_code=201)
async def request_repair(body: RepairBody, commands: Commands) -> RepairView:
    return RepairView.of((await commands.run(RequestRepair(**body.model_dump()))).state)


class ApproveBody(Body):
    by_phone: bool = Field(default=False, json_schema_extra=rule("FL-4"))
    form_no: Ident | None = Field(default=None, json_schema_extra=rule("FL-4"))


@router.post("/repairs/{repair_id}/approve")
async def approve_repair(repair_id: Ident, body: ApproveBody, commands: Commands) -> RepairView:
    command = ApproveRepair(repair_id, body.by_phone, body.form_no)
    return RepairView.of((await commands.run(command)).state)


class FormBody(Body):
    form_no: Ident


@router.post("/repairs/{repair_id}/form")
async def approve_form(repair_id: Ident, body: FormBody, commands: Commands) -> RepairView:
    return RepairView.of((await commands.run(ApproveRepairForm(repair_id, body.form_no))).state)


@router.post("/repairs/{repair_id}/shop")
async def send_to_shop(repair_id: Ident, commands: Commands) -> RepairView:
    return RepairView.of((await commands.run(SendRepairToShop(repair_id))).state)


class PartBody(Body):
    name: Short
    quantity: Decimal = Field(gt=0, le=10_000, max_digits=8, decimal_places=2)
    amount_fen: int = Field(ge=0, le=100_000_000)
    major: bool = Field(json_schema_extra=rule("FL-4"))


class PartsBody(Body):
    parts: list[PartBody] = Field(min_length=1, max_length=100)


@router.post("/repairs/{repair_id}/parts")
async def sign_parts(repair_id: Ident, body: PartsBody, commands: Commands) -> RepairView:
    parts = tuple(Part(p.name, p.quantity, p.amount_fen, p.major) for p in body.parts)
    return RepairView.of((await commands.run(SignPartsList(repair_id, parts))).state)


class InspectBody(Body):
    parts: list[Short] = Field(min_length=1, max_length=100)
    note: Text


@router.post("/repairs/{repair_id}/inspect")
async def inspect(repair_id: Ident, body: InspectBody, commands: Commands) -> RepairView:
    command = InspectReplacedParts(repair_id, tuple(body.parts), body.note)
    return RepairView.of((await commands.run(command)).state)


class CompleteBody(Body):
    site_id: SiteId
    note: Text


@router.post("/repairs/{repair_id}/complete")
async def complete(repair_id: Ident, body: CompleteBody, commands: Commands) -> RepairView:
    command = FinishRepair(body.site_id, repair_id, body.note)
    return RepairView.of((await commands.run(command)).state)


class SettleBody(Body):
    amount_fen: int = Fen
    invoice_no: Ident


@router.post("/repairs/{repair_id}/settle")
async def settle(repair_id: Ident, body: SettleBody, commands: Commands) -> RepairView:
    command = SettleRepair(repair_id, body.amount_fen, body.invoice_no)
    return RepairView.of((await commands.run(command)).state)


class NoteBody(Body):
    note: Text


@router.post("/repairs/{repair_id}/audit")
async def audit(repair_id: Ident, body: NoteBody, commands: Commands) -> RepairView:
    return RepairView.of((await commands.run(AuditRepair(repair_id, body.note))).state)


@router.post("/repairs/{repair_id}/approve-payment")
async def approve_payment(repair_id: Ident, commands: Commands) -> RepairView:
    return RepairView.of((await commands.run(ApproveRepairPayment(repair_id))).state)


@router.get("/repairs")
async def repairs(
    site_id: SiteId, reads: MaintenanceReads, vehicle_id: Ident | None = None
) -> list[views.RepairRow]:
    reads.authorize(site_id)
    return await reads(views.repairs, site_id, vehicle_id)


# -- oil and small parts -----------------------------------------------------------------


class SmallPartsView(BaseModel):
    purchase_id: str
    site_id: str
    vehicle_id: str
    items: str
    confirmed_by: str | None
    approved_by: str | None
    bought_fen: int | None
    reimbursable: bool
    reason: str | None

    @classmethod
    def of(cls, s: PartsPurchaseState) -> "SmallPartsView":
        return cls.model_validate(s, from_attributes=True)


class SmallPartsBody(Body):
    site_id: SiteId
    purchase_id: Ident
    vehicle_id: Ident
    items: Text
    estimated_fen: StrictInt = Field(ge=0, le=100_000_000)


@router.post("/small-parts", status_code=201)
async def request_small_parts(body: SmallPartsBody, commands: Commands) -> SmallPartsView:
    result = await commands.run(RequestSmallParts(**body.model_dump()))
    return SmallPartsView.of(result.state)


@router.post("/small-parts/{purchase_id}/confirm")
async def confirm_small_parts(purchase_id: Ident, commands: Commands) -> SmallPartsView:
    return SmallPartsView.of((await commands.run(ConfirmSmallParts(purchase_id))).state)


@router.post("/small-parts/{purchase_id}/approve")
async def approve_small_parts(purchase_id: Ident, commands: Commands) -> SmallPartsView:
    return SmallPartsView.of((await commands.run(ApproveSmallParts(purchase_id))).state)


class BoughtBody(Body):
    site_id: SiteId
    vehicle_id: Ident
    amount_fen: int = Fen
    invoice_no: Ident


@router.post("/small-parts/{purchase_id}/bought")
async def small_parts_bought(
    purchase_id: Ident, body: BoughtBody, commands: Commands
) -> SmallPartsView:
    command = RecordSmallPartsBought(
        body.site_id, purchase_id, body.vehicle_id, body.amount_fen, body.invoice_no
    )
    return SmallPartsView.of((await commands.run(command)).state)


@router.get("/small-parts")
async def small_parts(site_id: SiteId, reads: MaintenanceReads) -> list[views.SmallPartsRow]:
    reads.authorize(site_id)
    return await reads(views.small_parts, site_id)
