"""RP-8 (rev.2) temporary power in its order: engineering approves and prices, finance
charges that price, engineering supplies."""

from datetime import UTC, datetime

from opsledger.testing import Scenario, given
from permits.domain.power import (
    TEMPORARY_POWER,
    ApplyForTemporaryPower,
    ApproveTemporaryPower,
    ChargeTemporaryPower,
    OpenTemporaryPower,
    PowerCommand,
    PowerState,
    SupplyTemporaryPower,
)

NOW = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
APPLY = OpenTemporaryPower(ApplyForTemporaryPower("site-a", "TP1", "RP-site-a-0007", "Tools, 5 kW"))


def applied() -> Scenario[PowerState, PowerCommand]:
    scenario: Scenario[PowerState, PowerCommand] = given(TEMPORARY_POWER, at=NOW)
    return scenario.record(APPLY, at=NOW)


def test_rp8_finance_charges_only_after_engineering_approved_and_priced() -> None:
    refusal = applied().refuses(ChargeTemporaryPower("TP1", 20000, "R-1"), "RP-8", at=NOW)
    assert refusal.field == "amount_fen"


def test_rp8_engineering_supplies_only_after_the_charge() -> None:
    scenario = applied().record(ApproveTemporaryPower("TP1", 20000), at=NOW)
    assert scenario.refuses(SupplyTemporaryPower("TP1"), "RP-8", at=NOW).field == "power_id"


def test_rp8_the_charge_is_the_price_engineering_set() -> None:
    scenario = applied().record(ApproveTemporaryPower("TP1", 20000), at=NOW)
    refusal = scenario.refuses(ChargeTemporaryPower("TP1", 15000, "R-1"), "RP-8", at=NOW)
    assert refusal.field == "amount_fen" and "20000" in refusal.message


def test_rp8_in_order_approve_charge_supply() -> None:
    scenario = applied().record(ApproveTemporaryPower("TP1", 20000), at=NOW, actor="eng-1")
    scenario.record(ChargeTemporaryPower("TP1", 20000, "R-1"), at=NOW, actor="fin-1")
    scenario.record(SupplyTemporaryPower("TP1"), at=NOW, actor="eng-2")
    assert scenario.state.stage == "supplied"
    assert [e.actor for e in scenario.history] == ["tester", "eng-1", "fin-1", "eng-2"]
