"""The FL-4 deciders: a repair's approval chain, and oil / small parts purchases."""

from typing import assert_never

from opsledger.decider import DecisionContext
from opsledger.errors import AlreadyExistsError
from opsledger_contracts import EventPayload
from opsledger_contracts.events.fleet import (
    RepairApproved,
    RepairAudited,
    RepairCompleted,
    RepairFormApproved,
    RepairPart,
    RepairPartsListSigned,
    RepairPaymentApproved,
    RepairRequested,
    RepairSentToShop,
    RepairSettled,
    ReplacedPartsInspected,
    SmallPartsApproved,
    SmallPartsBought,
    SmallPartsConfirmed,
    SmallPartsRequested,
)

from fleet.domain.common import conflict, refuse
from fleet.domain.maintenance.commands import (
    ApproveRepair,
    ApproveRepairForm,
    ApproveRepairPayment,
    ApproveSmallParts,
    AuditRepair,
    CompleteRepair,
    ConfirmSmallParts,
    InspectReplacedParts,
    OpenRepair,
    PartsCommand,
    RecordSmallPartsBought,
    RepairCommand,
    RequestSmallParts,
    SendRepairToShop,
    SettleRepair,
    SignPartsList,
)
from fleet.domain.maintenance.state import (
    PartsPurchaseState,
    RepairState,
    parts_stream,
    repair_stream,
)
from fleet.domain.rules import FleetRules


def decide_repair(
    state: RepairState, command: RepairCommand, ctx: DecisionContext
) -> list[EventPayload]:
    ids = {"repair_id": state.repair_id, "vehicle_id": state.vehicle_id}
    match command:
        case OpenRepair():
            if state.repair_id:
                # The same answer as for an id another site holds (the kernel's).
                raise AlreadyExistsError("Repair", repair_stream(command.repair_id))
            shops = ctx.rules(FleetRules).designated_shops
            if shops and command.shop not in shops:
                refuse(
                    "FL-4",
                    f"{command.shop!r} is not a designated shop (designated: {', '.join(shops)})",
                    "shop",
                )
            return [
                RepairRequested(
                    repair_id=command.repair_id,
                    vehicle_id=command.vehicle_id,
                    fault_id=command.fault_id,
                    driver_id=command.driver_id,
                    shop=command.shop,
                    description=command.description,
                )
            ]
        case ApproveRepair():
            if state.reached("approved"):
                conflict(f"repair {state.repair_id} is already approved")
            if not command.by_phone and not command.form_no:
                refuse("FL-4", "approval on paper names the repair form (form_no)", "form_no")
            return [RepairApproved(**ids, by_phone=command.by_phone, form_no=command.form_no)]
        case ApproveRepairForm():
            if not state.reached("approved") or not state.by_phone or state.form_no:
                refuse(
                    "FL-4",
                    "a repair form is approved afterwards only for a phone approval",
                    "form_no",
                )
            return [RepairFormApproved(**ids, form_no=command.form_no)]
        case SendRepairToShop():
            if not state.reached("approved"):
                refuse("FL-4", "a repair is approved before the vehicle goes to the shop")
            if state.reached("at_shop"):
                conflict(f"repair {state.repair_id} is already at the shop")
            return [RepairSentToShop(**ids, shop=state.shop)]
        case SignPartsList():
            return [_sign(state, command, ctx, ids)]
        case InspectReplacedParts():
            majors = {p.name for p in state.parts if p.major}
            unknown = [name for name in command.parts if name not in majors]
            if unknown:
                refuse(
                    "FL-4",
                    f"not a replaced major part on the signed list: {', '.join(unknown)}",
                    "parts",
                )
            return [ReplacedPartsInspected(**ids, parts=list(command.parts), note=command.note)]
        case CompleteRepair():
            if not state.reached("at_shop"):
                refuse("FL-4", "the vehicle has not gone to the shop")
            if state.reached("completed"):
                conflict(f"repair {state.repair_id} is already completed")
            return [RepairCompleted(**ids, note=command.note)]
        case SettleRepair():
            _settleable(state)
            return [
                RepairSettled(**ids, amount_fen=command.amount_fen, invoice_no=command.invoice_no)
            ]
        case AuditRepair():
            if state.status != "settled":
                refuse("FL-4", "the office audits a repair once the fleet captain settled it")
            return [RepairAudited(**ids, note=command.note)]
        case ApproveRepairPayment():
            if state.status != "audited":
                refuse("FL-4", "the manager approves payment after the office's audit")
            assert state.settled_fen is not None
            return [RepairPaymentApproved(**ids, amount_fen=state.settled_fen)]
        case _:
            assert_never(command)


def _sign(
    state: RepairState, command: SignPartsList, ctx: DecisionContext, ids: dict[str, str]
) -> EventPayload:
    if ctx.actor != state.driver_id:
        refuse("FL-4", f"the driver on the repair ({state.driver_id}) signs the parts list")
    if not state.reached("at_shop"):
        refuse("FL-4", "the parts list is signed once the vehicle is at the shop")
    if state.parts_signed_by is not None:
        conflict(f"the parts list of {state.repair_id} is already signed")
    parts = [
        RepairPart(name=p.name, quantity=p.quantity, amount_fen=p.amount_fen, major=p.major)
        for p in command.parts
    ]
    total = sum(p.amount_fen for p in command.parts)
    return RepairPartsListSigned(**ids, driver_id=ctx.actor, parts=parts, total_fen=total)


def _settleable(state: RepairState) -> None:
    """FL-4: what must be on file before the fleet captain settles with the shop."""
    if state.reached("settled"):
        conflict(f"repair {state.repair_id} is already settled")
    if not state.reached("completed"):
        refuse("FL-4", "the repair is settled once the vehicle is back repaired")
    if state.parts_signed_by is None:
        refuse("FL-4", "the driver has not signed the parts list")
    if state.form_missing:
        refuse("FL-4", "approved by phone: the repair form is approved before settlement")
    missing = state.uninspected
    if missing:
        refuse(
            "FL-4",
            f"replaced major parts not yet returned and inspected: {', '.join(missing)}",
        )


def decide_parts(
    state: PartsPurchaseState, command: PartsCommand, ctx: DecisionContext
) -> list[EventPayload]:
    match command:
        case RequestSmallParts():
            if state.purchase_id:
                raise AlreadyExistsError("PartsPurchase", parts_stream(command.purchase_id))
            return [
                SmallPartsRequested(
                    purchase_id=command.purchase_id,
                    vehicle_id=command.vehicle_id,
                    items=command.items,
                    estimated_fen=command.estimated_fen,
                )
            ]
        case ConfirmSmallParts() | ApproveSmallParts():
            ids = {"purchase_id": state.purchase_id, "vehicle_id": state.vehicle_id}
            if state.bought_fen is not None:
                refuse("FL-4", "already bought: approval afterwards does not make it reimbursable")
            if not state.items:
                refuse("FL-4", f"no request on file for {command.purchase_id}")
            if isinstance(command, ConfirmSmallParts):
                if state.confirmed_by is not None:
                    conflict("already confirmed")
                return [SmallPartsConfirmed(**ids)]
            if state.confirmed_by is None:
                refuse("FL-4", "the fleet group lead confirms before the director approves")
            if state.approved_by is not None:
                conflict("already approved")
            return [SmallPartsApproved(**ids)]
        case RecordSmallPartsBought():
            if state.bought_fen is not None:
                conflict(f"{command.purchase_id} is already bought")
            reason = None
            if state.confirmed_by is None or state.approved_by is None:
                reason = (
                    "Bought without the group lead's confirmation and the director's "
                    "approval: not reimbursed, borne by the driver (FL-4)"
                )
            return [
                SmallPartsBought(
                    purchase_id=command.purchase_id,
                    vehicle_id=command.vehicle_id,
                    amount_fen=command.amount_fen,
                    invoice_no=command.invoice_no,
                    reimbursable=reason is None,
                    reason=reason,
                )
            ]
        case _:
            assert_never(command)
