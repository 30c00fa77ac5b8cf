"""RP-3 rev.2 / RP-4: engineering sets every fee kind of the site on approval; finance
collects each separately; works start only when all are paid and the equipment check
passed; then named, numbered passes and the permit handed to the applicant."""

from opsledger.testing import site_calendar
from opsledger_contracts.events.permits import RenovationWorksStarted
from permits.domain.permit import commands as c
from permits.domain.permit.events import WorkerPassesIssued

from tests.permits.conftest import FEES, SITE, Permits
from tests.permits.scenarios import EVE, P, applied, approved, fees, paid, started

WORKERS = (c.Worker("P-1", "Wang Lei"), c.Worker("P-2", "Li Qiang"))


def test_rp3_engineering_sets_every_fee_kind_of_the_site() -> None:
    scenario = applied().record(c.HandToEngineering(P), at=EVE)
    error = scenario.refuses(c.ApprovePermit(P, fees()[:2]), "RP-3", at=EVE)
    assert error.fields == ("fees.waste_removal_fee", "fees.worker_pass_deposit")
    scenario.refuses(c.ApprovePermit(P, (*fees(), c.Fee("parking", 1))), "RP-3", at=EVE)


def test_rp3_fee_kinds_are_a_site_setting() -> None:
    kinds = [*FEES, "elevator_protection_fee"]
    site = site_calendar(config={"rules": {"permits": {"fee_kinds": kinds}}})
    from opsledger.testing import given
    from permits.domain.permit import PERMIT

    from tests.permits.scenarios import open_permit

    scenario = given(PERMIT, at=EVE, site=site).record(open_permit(), at=EVE)
    scenario.record(c.HandToEngineering(P), at=EVE)
    error = scenario.refuses(c.ApprovePermit(P, fees()), "RP-3", at=EVE)
    assert error.fields == ("fees.elevator_protection_fee",)


def test_rp3_fees_are_asked_for_by_customer_service_then_paid_one_by_one() -> None:
    scenario = approved()
    scenario.refuses(c.PayFee(P, "deposit", 200000, "R-1", "owner"), "RP-3", at=EVE)
    scenario.record(c.NotifyApplicant(P, "Phoned"), at=EVE)
    wrong = scenario.refuses(c.PayFee(P, "deposit", 199999, "R-1", "owner"), "RP-3", at=EVE)
    assert wrong.field == "amount_fen"
    scenario.record(c.PayFee(P, "deposit", 200000, "R-1", "contractor"), at=EVE)
    scenario.refuses(c.PayFee(P, "deposit", 200000, "R-2", "owner"), "CONFLICT", at=EVE)
    assert scenario.state.unpaid == ["management_fee", "waste_removal_fee", "worker_pass_deposit"]


def test_rp3_works_start_only_when_every_fee_is_paid() -> None:
    scenario = approved().record(c.NotifyApplicant(P, "Phoned"), at=EVE)
    scenario.record(c.RecordEquipmentCheck(P, True, "In order"), at=EVE)
    scenario.record(c.PayFee(P, "deposit", 200000, "R-1", "owner"), at=EVE)

    error = scenario.refuses(c.StartWorks(P, WORKERS, True), "RP-3", at=EVE)

    assert error.fields == (
        "fees.management_fee",
        "fees.waste_removal_fee",
        "fees.worker_pass_deposit",
    )


def test_rp2_works_start_only_after_the_equipment_check_passed() -> None:
    scenario = paid()
    scenario.refuses(c.StartWorks(P, WORKERS, True), "RP-2", at=EVE)
    scenario.record(c.RecordEquipmentCheck(P, False, "Riser valve leaking"), at=EVE)
    scenario.refuses(c.StartWorks(P, WORKERS, True), "RP-2", at=EVE)
    scenario.record(c.RecordEquipmentCheck(P, True, "Valve replaced"), at=EVE)
    decided = scenario.when(c.StartWorks(P, WORKERS, True), at=EVE)
    assert decided[1] == RenovationWorksStarted(permit_id=P, unit_id="B2-1203", passes=2)


def test_rp3_passes_are_named_and_numbered_once_and_the_permit_goes_to_the_applicant() -> None:
    scenario = paid().record(c.RecordEquipmentCheck(P, True, "In order"), at=EVE)
    twice = (c.Worker("P-1", "Wang Lei"), c.Worker("P-1", "Li Qiang"))
    assert scenario.refuses(c.StartWorks(P, twice, True), "RP-3", at=EVE).field == "workers"

    issued = scenario.when(c.StartWorks(P, WORKERS, True), at=EVE)[0]

    assert isinstance(issued, WorkerPassesIssued)
    assert [(w.pass_no, w.name) for w in issued.workers] == [
        ("P-1", "Wang Lei"),
        ("P-2", "Li Qiang"),
    ]
    assert issued.handed_to == "own-1"


async def test_rp3_only_finance_collects_and_only_money_readers_see_fees(
    permits: Permits,
) -> None:
    await permits.approved()
    await permits.post("/permits/pmt-1/notify", {"note": "Phoned"}, permits.cs)
    fee = {"kind": "deposit", "amount_fen": 200000, "receipt_no": "R-1", "paid_by": "owner"}
    await permits.post("/permits/pmt-1/fees", fee, permits.cs, 403)
    await permits.post("/permits/pmt-1/fees", {**fee, "amount_fen": "200000"}, permits.finance, 422)
    paid_view = await permits.post("/permits/pmt-1/fees", fee, permits.finance)
    assert paid_view["fees"] == FEES
    concierge = permits.auth("con-01", "concierge")
    assert "fees" not in await permits.get("/permits/pmt-1", concierge)


async def test_rp4_started_works_are_on_the_board_as_active(permits: Permits) -> None:
    await permits.started()
    board = await permits.get("/permits", permits.cs, site_id=SITE)
    assert (board[0]["stage"], board[0]["active"], board[0]["works_started"]) == (
        "works",
        True,
        True,
    )


def test_rp4_works_start_only_with_extinguishers_on_site() -> None:
    scenario = paid().record(c.RecordEquipmentCheck(P, True, "In order"), at=EVE)
    error = scenario.refuses(c.StartWorks(P, WORKERS, False), "RP-4", at=EVE)
    assert error.field == "extinguishers_on_site"
    assert scenario.when(c.StartWorks(P, WORKERS, True), at=EVE)


def test_rp3_a_fee_recorded_wrongly_is_voided_by_finance_before_works_start() -> None:
    scenario = approved().record(c.NotifyApplicant(P, "Phoned"), at=EVE)
    scenario.refuses(c.VoidFeePayment(P, "deposit", "Wrong receipt"), "RP-3", at=EVE)
    scenario.record(c.PayFee(P, "deposit", 200000, "R-1", "owner"), at=EVE)
    scenario.record(c.VoidFeePayment(P, "deposit", "Receipt R-1 was another unit's"), at=EVE)
    assert "deposit" in scenario.state.unpaid
    scenario.record(c.PayFee(P, "deposit", 200000, "R-2", "contractor"), at=EVE)
    payment = scenario.state.payment("deposit")
    assert payment is not None and (payment.receipt_no, payment.paid_by) == ("R-2", "contractor")
    started_permit = started()
    started_permit.refuses(c.VoidFeePayment(P, "deposit", "Too late"), "CONFLICT", at=EVE)
