"""Decisions on a site-month (LG-1, LG-3, LG-4)."""

from typing import assert_never

from opsledger.decider import DecisionContext
from opsledger_contracts import EventPayload
from opsledger_contracts.events.ledger import MonthlyStatementIssued

from ledger.domain.month.commands import ApplyEntry, CloseMonth, MonthCommand
from ledger.domain.month.events import LedgerMonthClosed
from ledger.domain.month.state import MonthState
from ledger.domain.rules import refuse


def decide(state: MonthState, command: MonthCommand, ctx: DecisionContext) -> list[EventPayload]:
    match command:
        case ApplyEntry():
            if state.closed:  # the workflow carries it to the next open month (LG-4)
                refuse("LG-4", f"{command.month} is closed at {command.site_id}", status=409)
            if command.line.entry_id in state.entry_ids:
                return []  # LG-1: counted once
            return [command.line]
        case CloseMonth():
            return _close(state, command, ctx)
        case _:
            assert_never(command)


def _close(state: MonthState, command: CloseMonth, ctx: DecisionContext) -> list[EventPayload]:
    if state.closed:
        refuse("LG-4", f"{command.month} is closed already at {command.site_id}", status=409)
    if ctx.site.month(ctx.now) <= command.month:
        refuse("LG-3", f"{command.month} is not over yet in the site's time zone", "month")
    people = state.people()
    statements: list[EventPayload] = []
    for person in people:
        totals = state.totals(person)
        statements.append(
            MonthlyStatementIssued(
                person=person,
                month=command.month,
                penalties_fen=totals.penalties_fen,
                rewards_fen=totals.rewards_fen,
                net_fen=totals.net_fen,
                entry_ids=list(totals.entry_ids),
                adjusts_months=list(totals.adjusts_months),
            )
        )
    closed = LedgerMonthClosed(month=command.month, closed_by=ctx.actor, people=len(people))
    return [closed, *statements]
