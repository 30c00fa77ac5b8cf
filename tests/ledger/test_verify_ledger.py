"""`opsledger verify ledger`: the chain, the read models, and the ledger's own arithmetic
(closed statements add up, nothing added after a close, each entry counted once)."""

import asyncio
import os
import subprocess
from dataclasses import replace
from datetime import timedelta

from ledger.domain.month.arithmetic import check_ledger
from ledger.domain.month.events import LedgerEntryApplied
from opsledger.decider import Event
from opsledger_contracts.events.ledger import MonthlyStatementIssued

from tests.conftest import opsledger_cli
from tests.ledger.conftest import SITE, Ledger, dispatch_entry, fleet_entry


async def _closed_month(ledger: Ledger) -> list[Event]:
    await ledger.register("drv-07")
    await ledger.deliver(fleet_entry("r-1"))
    await ledger.deliver(dispatch_entry("p-1"))
    ledger.clock.advance(timedelta(days=4))
    body = {"site_id": SITE}
    closed = await ledger.client.post("/months/2026-11/close", json=body, headers=ledger.finance)
    assert closed.status_code == 200, closed.text
    await ledger.deliver(dispatch_entry("p-2"))  # late: December, adjusting November
    runtime, catalog = ledger.service.runtime, ledger.service.catalog
    async with runtime.engine.connect() as conn:
        return [catalog.decode(r) for r in await runtime.store.read_all(conn)]


async def test_verify_ledger_finds_a_log_that_adds_up_consistent(ledger: Ledger) -> None:
    assert check_ledger(await _closed_month(ledger)) == []


async def test_verify_ledger_names_a_statement_that_does_not_add_up(ledger: Ledger) -> None:
    events = await _closed_month(ledger)
    wrong = []
    for event in events:
        if isinstance(event.payload, MonthlyStatementIssued):
            payload = event.payload.model_copy(update={"net_fen": 9999, "rewards_fen": 1})
            event = replace(event, payload=payload)
        wrong.append(event)
    problems = check_ledger(wrong)
    assert any(
        "drv-07's statement says penalties/rewards/net (3000, 1, 9999)" in p for p in problems
    )
    assert any("net is not rewards - penalties" in p for p in problems)


async def test_verify_ledger_names_an_entry_added_after_the_close_or_counted_twice(
    ledger: Ledger,
) -> None:
    events = await _closed_month(ledger)
    november = next(e for e in events if isinstance(e.payload, LedgerEntryApplied))
    extra = replace(november, version=99)  # the same entry again, after the closing
    problems = check_ledger([*events, extra])
    assert any("entries added after its closing: r-1" in p for p in problems)
    assert any("entry r-1 is counted 2 times" in p for p in problems)


async def test_opsledger_verify_ledger_runs_the_arithmetic(
    ledger: Ledger, database_url: str
) -> None:
    await _closed_month(ledger)
    env = {**os.environ, "OPSLEDGER_DATABASE_URL": database_url}
    command = [*opsledger_cli(), "verify", "ledger"]
    done = await asyncio.to_thread(
        subprocess.run, command, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "ledger: 1 own check(s) of the log: consistent" in done.stdout
