"""Flow 5 in the ledger: entries from two services counted once, corrections, the close,
adjustments after it, the payroll CSV, who reads what (services/ledger/README.md LG-1..5)."""

from datetime import timedelta
from typing import Any
from uuid import uuid4

from opsledger.consumers import Outcome

from tests.ledger.conftest import SITE, Ledger, dispatch_entry, fleet_entry

NOV = f"/statements/{SITE}/2026-11"
DEC = f"/statements/{SITE}/2026-12"


async def test_lg1_a_statement_from_two_services_counts_each_entry_once(ledger: Ledger) -> None:
    await ledger.register("drv-07")
    event_id = uuid4()
    reward = fleet_entry("reward-site-a-2026-11-drv-07-safe_month_driver")
    assert await ledger.deliver(reward, event_id=event_id) == Outcome.HANDLED
    assert await ledger.deliver(reward, event_id=event_id) == Outcome.DUPLICATE  # redelivery
    assert await ledger.deliver(reward) == Outcome.HANDLED  # republished: same entry_id
    assert await ledger.deliver(dispatch_entry("dispatch-WO-site-a-000042-1")) == Outcome.HANDLED
    mine = await ledger.get(f"{NOV}/drv-07", ledger.auth("drv-07", "driver"))
    assert [(e["source_service"], e["rule"], e["signed_fen"]) for e in mine["entries"]] == [
        ("fleet", "FL-9", 10000),
        ("dispatch", "WO-5", -3000),
    ]
    assert (mine["rewards_fen"], mine["penalties_fen"], mine["net_fen"]) == (10000, 3000, 7000)
    assert mine["entries"][1]["reason"].startswith("Reply-by passed")


async def test_lg2_a_correction_is_applied_to_its_month(ledger: Ledger) -> None:
    await ledger.register("drv-07")
    await ledger.deliver(fleet_entry("r-1"))
    await ledger.deliver(fleet_entry("r-1-fix", amount_fen=-2500, corrects="r-1"))
    mine = await ledger.get(f"{NOV}/drv-07", ledger.finance)
    assert mine["rewards_fen"] == 7500 and mine["net_fen"] == 7500
    assert mine["entries"][1]["corrects"] == "r-1"


async def test_lg3_a_month_closes_only_once_over_at_the_site_and_nothing_in_flight(
    ledger: Ledger,
) -> None:
    await ledger.register("drv-07")
    await ledger.deliver(fleet_entry("r-1"))
    body = {"site_id": SITE}
    early = await ledger.client.post("/months/2026-11/close", json=body, headers=ledger.finance)
    assert early.status_code == 422 and early.json()["error"]["code"] == "LG-3"
    ledger.clock.advance(timedelta(days=4))  # 2026-12-01 10:00 at the site
    ledger.lag = {"opsledger.fleet.events": 2}
    busy = await ledger.client.post("/months/2026-11/close", json=body, headers=ledger.finance)
    assert busy.status_code == 409, busy.text
    assert "in flight" in busy.text and "opsledger.fleet.events: 2" in busy.text
    ledger.lag = {"opsledger.fleet.events": 0}
    driver = ledger.auth("drv-07", "driver")
    refused = await ledger.client.post("/months/2026-11/close", json=body, headers=driver)
    assert refused.status_code == 403
    closed = await ledger.client.post("/months/2026-11/close", json=body, headers=ledger.finance)
    assert closed.status_code == 200, closed.text
    assert closed.json()["closed"] and closed.json()["net_fen"] == 10000
    again = await ledger.client.post("/months/2026-11/close", json=body, headers=ledger.finance)
    assert again.status_code == 409


async def test_lg4_after_the_close_an_entry_is_an_adjustment_of_the_next_open_month(
    ledger: Ledger,
) -> None:
    await ledger.register("drv-07")
    await ledger.deliver(fleet_entry("r-1"))
    ledger.clock.advance(timedelta(days=4))
    body = {"site_id": SITE}
    closed = await ledger.client.post("/months/2026-11/close", json=body, headers=ledger.finance)
    assert closed.status_code == 200, closed.text
    late = dispatch_entry("dispatch-WO-site-a-000042-1")  # a late penalty for November
    assert await ledger.deliver(late) == Outcome.HANDLED
    fix = fleet_entry("r-1-fix", amount_fen=-2500, corrects="r-1")
    assert await ledger.deliver(fix) == Outcome.HANDLED
    november = await ledger.get(f"{NOV}/drv-07", ledger.finance)
    assert november["closed"] and [e["entry_id"] for e in november["entries"]] == ["r-1"]
    december = await ledger.get(f"{DEC}/drv-07", ledger.finance)
    assert [(e["entry_id"], e["adjusts"]) for e in december["entries"]] == [
        ("dispatch-WO-site-a-000042-1", "2026-11"),
        ("r-1-fix", "2026-11"),
    ]
    assert december["adjusts_months"] == ["2026-11"] and december["net_fen"] == -5500
    events = [e for e in await _events(ledger) if e.event_type == "MonthlyStatementIssued"]
    assert len(events) == 1 and events[0].payload["net_fen"] == 10000


async def test_payroll_csv_has_a_bom_and_one_row_per_person(ledger: Ledger) -> None:
    for person in ("drv-07", "drv-08"):
        await ledger.register(person)
    await ledger.deliver(fleet_entry("r-7"))
    await ledger.deliver(dispatch_entry("p-8", person="drv-08"))
    await ledger.deliver(dispatch_entry("p-8b", person="drv-08", amount_fen=1000))
    path = f"/months/{SITE}/2026-11/payroll.csv"
    open_month = await ledger.client.get(path, headers=ledger.finance)
    assert open_month.status_code == 409
    ledger.clock.advance(timedelta(days=4))
    await ledger.client.post(
        "/months/2026-11/close", json={"site_id": SITE}, headers=ledger.finance
    )
    answer = await ledger.client.get(path, headers=ledger.auth("pay-1", "payroll"))
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert answer.content.startswith("\ufeff".encode())
    rows = answer.content.decode("utf-8-sig").splitlines()
    assert rows == [
        "site_id,month,person,penalties_fen,rewards_fen,net_fen,entries,adjusts_months",
        "site-a,2026-11,drv-07,0,10000,10000,1,",
        "site-a,2026-11,drv-08,4000,0,-4000,2,",
    ]
    driver = await ledger.client.get(path, headers=ledger.auth("drv-07", "driver"))
    assert driver.status_code == 403


async def test_statements_scope_own_site_and_roles(ledger: Ledger) -> None:
    await ledger.register("drv-07")
    await ledger.register("drv-08")
    await ledger.deliver(fleet_entry("r-7"))
    other = await ledger.client.get(f"{NOV}/drv-07", headers=ledger.auth("drv-08", "driver"))
    assert other.status_code == 403
    all_people = await ledger.client.get(NOV, headers=ledger.auth("drv-07", "driver"))
    assert all_people.status_code == 403
    elsewhere = ledger.auth("mgr-b", "manager", "site-b")
    assert (await ledger.client.get(NOV, headers=elsewhere)).status_code == 403
    manager = await ledger.get(NOV, ledger.auth("mgr-a", "manager"))
    assert [s["person"] for s in manager["statements"]] == ["drv-07"]
    auditor = ledger.auth("aud-1", "auditor", "*")
    assert (await ledger.get(NOV, auditor))["net_fen"] == 10000
    denied = await ledger.client.post(
        "/months/2026-11/close", json={"site_id": SITE}, headers=auditor
    )
    assert denied.status_code == 403
    months = await ledger.get(f"/months?site_id={SITE}", ledger.finance)
    assert [(m["month"], m["closed"], m["entries"]) for m in months] == [("2026-11", False, 1)]


async def _events(ledger: Ledger) -> list[Any]:
    async with ledger.service.runtime.engine.connect() as conn:
        return await ledger.service.runtime.store.read_all(conn)
