"""HTTP routes for fuel purchases, monthly reconciliation and the ledger (FL-5 … FL-7)."""

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter
from opsledger.fields import Instant
from opsledger.http import rule
from opsledger.pipeline import ANY_STAFF, roles
from opsledger.readmodels import From, StateView
from opsledger.redaction import redact
from opsledger.routes import Commands, Reader, Reads
from pydantic import Field

from fleet.domain.fuel import FuelMonthState
from fleet.domain.fuel.commands import ApproveFuelPurchase, SignFuelPurchase, VoidFuelPurchase
from fleet.domain.rules import FleetRules
from fleet.entrypoints.fields import Body, Ident, Km, Litres, Month, Reason, Short, SiteId
from fleet.entrypoints.http_vehicles import BOARD_READERS
from fleet.readmodels.vehicles import FUEL_MONTHS
from fleet.views import outliers as views_outliers
from fleet.views import vehicles as views
from fleet.workflows.vehicles import CloseFuelMonth, RecordFuelPurchase

router = APIRouter(tags=["fuel and ledger"])
RECONCILIATION_READERS = roles(
    "fleet_captain", "fleet_office", "depot_director", "manager", "finance", "auditor"
)
BoardReads = Annotated[Reader, Reads(roles=BOARD_READERS)]
ReconciliationReads = Annotated[Reader, Reads(roles=RECONCILIATION_READERS)]
# Anyone reads their own ledger; another person's is for LEDGER_READERS (the route).
LedgerReads = Annotated[Reader, Reads(roles=ANY_STAFF)]


class PurchaseView(StateView):
    purchase_id: str
    litres: Decimal
    amount_fen: int
    invoice_no: str
    filled_at: datetime
    back_dated: bool
    signed_by: str | None
    approved_by: str | None
    voided: bool
    reimbursable: bool


def _reconciliation(state: FuelMonthState) -> Mapping[str, Any] | None:
    return next(iter(FUEL_MONTHS.rows(state)), None)  # the board's row, once reconciled


class FuelMonthView(StateView):
    vehicle_id: str
    month: str
    closed: bool
    purchases: list[PurchaseView]
    reconciliation: Annotated[views.FuelMonthRow | None, From(_reconciliation)]


def _month(state: FuelMonthState, roles: frozenset[str]) -> FuelMonthView:
    """The month as a reader with `roles` may see it (fines for ledger readers)."""
    return redact(FuelMonthView.of(state), roles)


class PurchaseBody(Body):
    site_id: SiteId
    vehicle_id: Ident
    litres: Litres
    amount_fen: int = Field(gt=0, le=10_000_000, json_schema_extra=rule("FL-6"))
    station: Short = Field(json_schema_extra=rule("FL-5"))
    odometer_km: Km
    full_fill: bool
    invoice_no: Ident = Field(json_schema_extra=rule("FL-6"))
    filled_at: Instant = Field(json_schema_extra=rule("FL-6"))


@router.post("/fuel-purchases", status_code=201)
async def record_purchase(body: PurchaseBody, commands: Commands) -> FuelMonthView:
    result = await commands.run(RecordFuelPurchase(**body.model_dump()))
    return _month(result.state, commands.principal.roles)


@router.get("/vehicles/{vehicle_id}/fuel")
async def vehicle_fuel(
    vehicle_id: Ident, site_id: SiteId, reads: BoardReads, month: Month | None = None
) -> list[views.PurchaseRow]:
    reads.authorize(site_id)
    return await reads(views.vehicle_fuel, site_id, vehicle_id, month)


@router.post("/vehicles/{vehicle_id}/fuel/{month}/purchases/{purchase_id}/sign")
async def sign(
    vehicle_id: Ident, month: Month, purchase_id: Ident, commands: Commands
) -> FuelMonthView:
    result = await commands.run(SignFuelPurchase(vehicle_id, month, purchase_id))
    return _month(result.state, commands.principal.roles)


@router.post("/vehicles/{vehicle_id}/fuel/{month}/purchases/{purchase_id}/approve")
async def approve(
    vehicle_id: Ident, month: Month, purchase_id: Ident, commands: Commands
) -> FuelMonthView:
    result = await commands.run(ApproveFuelPurchase(vehicle_id, month, purchase_id))
    return _month(result.state, commands.principal.roles)


@router.post("/vehicles/{vehicle_id}/fuel/{month}/purchases/{purchase_id}/void")
async def void(
    vehicle_id: Ident, month: Month, purchase_id: Ident, body: Reason, commands: Commands
) -> FuelMonthView:
    result = await commands.run(VoidFuelPurchase(vehicle_id, month, purchase_id, body.reason))
    return _month(result.state, commands.principal.roles)


class CloseBody(Body):
    site_id: SiteId


@router.post("/vehicles/{vehicle_id}/fuel/{month}/close")
async def close_month(
    vehicle_id: Ident, month: Month, body: CloseBody, commands: Commands
) -> FuelMonthView:
    result = await commands.run(CloseFuelMonth(body.site_id, vehicle_id, month))
    return _month(result.state, commands.principal.roles)


@router.get("/fuel/reconciliation")
async def reconciliation(
    site_id: SiteId, month: Month, reads: ReconciliationReads
) -> views.ReconciliationReport:
    reads.authorize(site_id)
    return await reads(views.reconciliation, site_id, month, reads.roles)


@router.get("/ledger/{person}")
async def ledger(
    person: str, site_id: SiteId, month: Month, reads: LedgerReads
) -> views.LedgerView:
    if reads.principal.staff_id != person:
        reads.require(views.LEDGER_READERS)
    reads.authorize(site_id)
    return await reads(views.ledger, site_id, person, month)


@router.get("/fuel/outliers")
async def outliers(
    site_id: SiteId, reads: ReconciliationReads, month: Month | None = None
) -> views_outliers.OutlierReport:
    """Economy outliers of the 12 months up to `month` (default: this site-local month)."""
    reads.authorize(site_id)
    site = reads.site(site_id)
    until = month or site.month(reads.now)
    models = site.rules(FleetRules).models  # season-aware fences (FL-5 allowances)
    return await reads(views_outliers.outliers, site_id, until, models)
