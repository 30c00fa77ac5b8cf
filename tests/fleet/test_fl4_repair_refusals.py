"""FL-4: each repair refusal says which step of the chain is missing (request, approval,
shop, signed list, repair, settlement, audit), to the letter (survivors of
`make mutation SERVICES=fleet`)."""

from fleet.domain.maintenance.commands import (
    ApproveRepair,
    ApproveRepairPayment,
    AuditRepair,
    CompleteRepair,
    SendRepairToShop,
    SettleRepair,
    SignPartsList,
)
from opsledger.errors import DomainError

from tests.fleet.test_maintenance_decider import (
    NOW,
    OIL,
    R,
    approved,
    at_shop,
    open_repair,
    repaired,
    requested,
)


def said(error: DomainError) -> tuple[str, str | None, str]:
    return error.code, error.field, error.message


def test_fl4_a_repair_is_requested_once_and_approved_on_paper_with_its_form() -> None:
    error = requested().refuses(open_repair(), "CONFLICT", at=NOW)
    assert (error.status, error.message) == (409, "Repair repair-rep-1 already exists")
    error = requested().refuses(ApproveRepair(R, False, None), "FL-4", at=NOW)
    assert said(error) == (
        "FL-4",
        "form_no",
        "approval on paper names the repair form (form_no)",
    )


def test_fl4_each_step_waits_for_the_one_before() -> None:
    error = requested().refuses(SendRepairToShop(R), "FL-4", at=NOW)
    assert said(error) == ("FL-4", None, "a repair is approved before the vehicle goes to the shop")
    error = approved().refuses(SignPartsList(R, (OIL,)), "FL-4", at=NOW, actor="drv-07")
    assert error.message == "the parts list is signed once the vehicle is at the shop"
    error = approved().refuses(CompleteRepair(R, "done"), "FL-4", at=NOW)
    assert error.message == "the vehicle has not gone to the shop"
    error = at_shop().refuses(SettleRepair(R, 1000, "INV-9"), "FL-4", at=NOW)
    assert error.message == "the repair is settled once the vehicle is back repaired"
    unsigned = at_shop().record(CompleteRepair(R, "done"), at=NOW, actor="cap-01")
    error = unsigned.refuses(SettleRepair(R, 1000, "INV-9"), "FL-4", at=NOW)
    assert said(error) == ("FL-4", None, "the driver has not signed the parts list")
    done = repaired(parts=(OIL,))
    error = done.refuses(AuditRepair(R, "ok"), "FL-4", at=NOW)
    assert error.message == "the office audits a repair once the fleet captain settled it"
    done.record(SettleRepair(R, 24000, "INV-9"), at=NOW, actor="cap-01")
    error = done.refuses(ApproveRepairPayment(R), "FL-4", at=NOW)
    assert error.message == "the manager approves payment after the office's audit"
