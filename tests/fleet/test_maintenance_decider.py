"""FL-4 maintenance: repairs approved before the shop, parts list, settlement chain,
and oil / small parts that are reimbursable only when confirmed and approved first."""

from datetime import UTC, datetime
from decimal import Decimal

from fleet.domain.maintenance import PARTS_PURCHASE, REPAIR, Part, RepairState
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
    RecordSmallPartsBought,
    RepairCommand,
    RequestSmallParts,
    SendRepairToShop,
    SettleRepair,
    SignPartsList,
)
from opsledger.testing import Scenario, given, site_calendar
from opsledger_contracts.events.fleet import (
    RepairApproved,
    RepairRequested,
    SmallPartsBought,
)

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
R = "rep-1"
CLUTCH = Part("Clutch plate", Decimal(1), 68000, major=True)
OIL = Part("Engine oil 4 L", Decimal(1), 24000, major=False)


def open_repair(shop: str = "Fuzhou Soueast 4S") -> OpenRepair:
    return OpenRepair("site-a", R, "veh-1", "F1", "drv-07", shop, "Clutch slipping")


Repair = Scenario[RepairState, RepairCommand]


def requested() -> Repair:
    return given(REPAIR, at=NOW, stream_id=f"repair-{R}").record(open_repair(), at=NOW)


def approved(by_phone: bool = False) -> Repair:
    form = None if by_phone else "RF-1"
    return requested().record(ApproveRepair(R, by_phone, form), at=NOW, actor="off-1")


def at_shop(by_phone: bool = False) -> Repair:
    return approved(by_phone).record(SendRepairToShop(R), at=NOW, actor="dir-01")


def repaired(parts: tuple[Part, ...] = (CLUTCH, OIL), by_phone: bool = False) -> Repair:
    scenario = at_shop(by_phone).record(SignPartsList(R, parts), at=NOW, actor="drv-07")
    return scenario.record(CompleteRepair(R, "Clutch replaced"), at=NOW, actor="cap-01")


def test_fl4_repair_request_names_the_fault_the_driver_and_the_shop() -> None:
    events = given(REPAIR, at=NOW).when(open_repair(), at=NOW, actor="drv-07")
    assert events == [
        RepairRequested(
            repair_id=R,
            vehicle_id="veh-1",
            fault_id="F1",
            driver_id="drv-07",
            shop="Fuzhou Soueast 4S",
            description="Clutch slipping",
        )
    ]


def test_fl4_only_a_designated_shop_when_the_site_lists_them() -> None:
    site = site_calendar("site-a", {"rules": {"fleet": {"designated_shops": ["Soueast 4S"]}}})
    scenario = given(REPAIR, at=NOW, site=site)
    scenario.refuses(open_repair("Roadside garage"), "FL-4", at=NOW)
    assert scenario.when(open_repair("Soueast 4S"), at=NOW)


def test_fl4_the_vehicle_goes_to_the_shop_only_after_approval() -> None:
    requested().refuses(SendRepairToShop(R), "FL-4", at=NOW)
    assert approved().when(SendRepairToShop(R), at=NOW)


def test_fl4_approval_on_paper_names_the_repair_form() -> None:
    requested().refuses(ApproveRepair(R, False, None), "FL-4", at=NOW)
    events = requested().when(ApproveRepair(R, True, None), at=NOW)
    assert events == [RepairApproved(repair_id=R, vehicle_id="veh-1", by_phone=True)]


def test_fl4_phone_approval_then_the_form_before_settlement() -> None:
    scenario = repaired(parts=(OIL,), by_phone=True)
    scenario.refuses(SettleRepair(R, 78000, "INV-9"), "FL-4", at=NOW)
    scenario.record(ApproveRepairForm(R, "RF-7"), at=NOW, actor="off-1")
    assert scenario.when(SettleRepair(R, 78000, "INV-9"), at=NOW)
    approved().refuses(ApproveRepairForm(R, "RF-8"), "FL-4", at=NOW)


def test_fl4_the_driver_named_on_the_repair_signs_the_parts_list() -> None:
    at_shop().refuses(SignPartsList(R, (CLUTCH,)), "FL-4", at=NOW, actor="drv-99")
    approved().refuses(SignPartsList(R, (CLUTCH,)), "FL-4", at=NOW, actor="drv-07")
    assert at_shop().when(SignPartsList(R, (CLUTCH,)), at=NOW, actor="drv-07")


def test_fl4_replaced_major_parts_come_back_for_inspection_before_settlement() -> None:
    scenario = repaired()
    error = scenario.refuses(SettleRepair(R, 92000, "INV-9"), "FL-4", at=NOW)
    assert "Clutch plate" in error.message
    scenario.refuses(InspectReplacedParts(R, ("Engine oil 4 L",), "x"), "FL-4", at=NOW)
    scenario.record(InspectReplacedParts(R, ("Clutch plate",), "Worn through"), at=NOW)
    assert scenario.when(SettleRepair(R, 92000, "INV-9"), at=NOW)


def test_fl4_no_settlement_without_the_signed_list_or_before_the_repair_is_done() -> None:
    at_shop().refuses(SettleRepair(R, 1000, "INV-9"), "FL-4", at=NOW)
    signed = at_shop().record(SignPartsList(R, (OIL,)), at=NOW, actor="drv-07")
    signed.refuses(SettleRepair(R, 1000, "INV-9"), "FL-4", at=NOW)
    approved().refuses(CompleteRepair(R, "done"), "FL-4", at=NOW)


def test_fl4_captain_settles_office_audits_manager_approves_payment_in_order() -> None:
    scenario = repaired(parts=(OIL,))
    scenario.refuses(AuditRepair(R, "ok"), "FL-4", at=NOW)
    scenario.refuses(ApproveRepairPayment(R), "FL-4", at=NOW)
    scenario.record(SettleRepair(R, 24000, "INV-9"), at=NOW, actor="cap-01")
    scenario.refuses(ApproveRepairPayment(R), "FL-4", at=NOW)
    scenario.record(AuditRepair(R, "Lines checked"), at=NOW, actor="off-1")
    events = scenario.when(ApproveRepairPayment(R), at=NOW, actor="mgr-01")
    assert [type(e).__name__ for e in events] == ["RepairPaymentApproved"]
    assert events[0].amount_fen == 24000  # type: ignore[attr-defined]


# -- oil and small parts ------------------------------------------------------------------


def test_fl4_small_parts_confirmed_and_approved_first_are_reimbursable() -> None:
    scenario = given(PARTS_PURCHASE, at=NOW, stream_id="parts-sp-1")
    scenario.record(RequestSmallParts("site-a", "sp-1", "veh-1", "4 L oil", 24000), at=NOW)
    scenario.refuses(ApproveSmallParts("sp-1"), "FL-4", at=NOW)  # the group lead first
    scenario.record(ConfirmSmallParts("sp-1"), at=NOW, actor="lead-1")
    scenario.record(ApproveSmallParts("sp-1"), at=NOW, actor="dir-01")
    bought = scenario.when(RecordSmallPartsBought("site-a", "sp-1", "veh-1", 23500, "I-1"), at=NOW)
    assert bought == [
        SmallPartsBought(
            purchase_id="sp-1",
            vehicle_id="veh-1",
            amount_fen=23500,
            invoice_no="I-1",
            reimbursable=True,
        )
    ]


def test_fl4_small_parts_bought_without_approval_are_not_reimbursed() -> None:
    unasked = given(PARTS_PURCHASE, at=NOW).when(
        RecordSmallPartsBought("site-a", "sp-2", "veh-1", 5000, "I-2"), at=NOW
    )
    assert isinstance(unasked[0], SmallPartsBought) and unasked[0].reimbursable is False
    confirmed_only = given(PARTS_PURCHASE, at=NOW)
    confirmed_only.record(RequestSmallParts("site-a", "sp-3", "veh-1", "wiper", 3000), at=NOW)
    confirmed_only.record(ConfirmSmallParts("sp-3"), at=NOW)
    bought = confirmed_only.when(
        RecordSmallPartsBought("site-a", "sp-3", "veh-1", 3000, "I-3"), at=NOW
    )
    assert isinstance(bought[0], SmallPartsBought) and bought[0].reimbursable is False
    assert bought[0].reason and "director" in bought[0].reason


def test_fl4_approval_after_the_purchase_is_refused() -> None:
    scenario = given(PARTS_PURCHASE, at=NOW)
    scenario.record(RecordSmallPartsBought("site-a", "sp-4", "veh-1", 5000, "I-4"), at=NOW)
    scenario.refuses(ConfirmSmallParts("sp-4"), "FL-4", at=NOW)
    scenario.refuses(ApproveSmallParts("sp-4"), "FL-4", at=NOW)
