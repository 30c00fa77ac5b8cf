"""A repair and a small-parts purchase as the deciders see them (FL-4)."""

from dataclasses import dataclass
from datetime import datetime

from opsledger.decider import Event, changed
from opsledger_contracts.events import fleet as ev

from fleet.domain.maintenance.commands import Part


def repair_stream(repair_id: str) -> str:
    return f"repair-{repair_id}"


def parts_stream(purchase_id: str) -> str:
    return f"parts-{purchase_id}"


# A repair's stages, in order; `status` is the latest one reached.
STAGES = (
    "requested",
    "approved",
    "at_shop",
    "completed",
    "settled",
    "audited",
    "payment_approved",
)


@dataclass(frozen=True)
class RepairState:
    repair_id: str = ""
    site_id: str = ""
    vehicle_id: str = ""
    fault_id: str = ""
    driver_id: str = ""
    shop: str = ""
    description: str = ""
    requested_at: datetime | None = None
    status: str = ""
    by_phone: bool = False
    form_no: str | None = None
    parts: tuple[Part, ...] = ()
    parts_signed_by: str | None = None
    inspected: frozenset[str] = frozenset()
    settled_fen: int | None = None
    invoice_no: str | None = None

    def reached(self, stage: str) -> bool:
        return bool(self.status) and STAGES.index(self.status) >= STAGES.index(stage)

    @property
    def form_missing(self) -> bool:
        """Approved by phone and the repair form not approved yet."""
        return self.reached("approved") and self.form_no is None

    @property
    def uninspected(self) -> list[str]:
        """Major parts replaced whose old part has not been inspected yet."""
        return [p.name for p in self.parts if p.major and p.name not in self.inspected]


def evolve_repair(state: RepairState, event: Event) -> RepairState:
    match event.payload:
        case ev.RepairRequested() as e:
            return changed(
                state,
                repair_id=e.repair_id,
                site_id=event.site_id,
                vehicle_id=e.vehicle_id,
                fault_id=e.fault_id,
                driver_id=e.driver_id,
                shop=e.shop,
                description=e.description,
                requested_at=event.occurred_at,
                status="requested",
            )
        case ev.RepairApproved() as e:
            return changed(state, status="approved", by_phone=e.by_phone, form_no=e.form_no)
        case ev.RepairFormApproved() as e:
            return changed(state, form_no=e.form_no)
        case ev.RepairSentToShop() as e:
            return changed(state, status="at_shop", shop=e.shop)
        case ev.RepairPartsListSigned() as e:
            parts = tuple(Part(p.name, p.quantity, p.amount_fen, p.major) for p in e.parts)
            return changed(state, parts=parts, parts_signed_by=e.driver_id)
        case ev.ReplacedPartsInspected() as e:
            return changed(state, inspected=state.inspected | frozenset(e.parts))
        case ev.RepairCompleted():
            return changed(state, status="completed")
        case ev.RepairSettled() as e:
            return changed(
                state, status="settled", settled_fen=e.amount_fen, invoice_no=e.invoice_no
            )
        case ev.RepairAudited():
            return changed(state, status="audited")
        case ev.RepairPaymentApproved():
            return changed(state, status="payment_approved")
    return state


@dataclass(frozen=True)
class PartsPurchaseState:
    purchase_id: str = ""
    site_id: str = ""
    vehicle_id: str = ""
    items: str = ""
    estimated_fen: int = 0
    confirmed_by: str | None = None
    approved_by: str | None = None
    bought_fen: int | None = None
    invoice_no: str | None = None
    reimbursable: bool = False
    reason: str | None = None


def evolve_parts(state: PartsPurchaseState, event: Event) -> PartsPurchaseState:
    state = changed(state, site_id=state.site_id or event.site_id)
    match event.payload:
        case ev.SmallPartsRequested() as e:
            return changed(
                state,
                purchase_id=e.purchase_id,
                vehicle_id=e.vehicle_id,
                items=e.items,
                estimated_fen=e.estimated_fen,
            )
        case ev.SmallPartsConfirmed():
            return changed(state, confirmed_by=event.actor)
        case ev.SmallPartsApproved():
            return changed(state, approved_by=event.actor)
        case ev.SmallPartsBought() as e:
            return changed(
                state,
                purchase_id=e.purchase_id,
                vehicle_id=e.vehicle_id,
                bought_fen=e.amount_fen,
                invoice_no=e.invoice_no,
                reimbursable=e.reimbursable,
                reason=e.reason,
            )
    return state
