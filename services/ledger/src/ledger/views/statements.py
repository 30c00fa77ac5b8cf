"""Statements of a site-month (folded from its stream: always up to date) and the payroll
CSV of a closed one."""

import csv
import io

from ledger.domain.month import MonthState
from pydantic import BaseModel


class Line(BaseModel):
    """One entry as the person reads it: where it came from, why, and what it corrects."""

    entry_id: str
    kind: str
    amount_fen: int
    signed_fen: int
    rule: str
    reason: str
    source: str
    source_service: str
    source_event: str
    corrects: str | None
    entry_month: str
    adjusts: str | None


class Statement(BaseModel):
    site_id: str
    month: str
    person: str
    closed: bool
    entries: list[Line]
    penalties_fen: int
    rewards_fen: int
    net_fen: int
    adjusts_months: list[str]


class MonthStatements(BaseModel):
    site_id: str
    month: str
    closed: bool
    closed_by: str | None
    statements: list[Statement]
    net_fen: int


def statement(state: MonthState, site_id: str, month: str, person: str) -> Statement:
    totals = state.totals(person)
    lines = [
        Line(
            entry_id=x.entry_id,
            kind=x.kind,
            amount_fen=x.amount_fen,
            signed_fen=x.amount_fen if x.kind == "reward" else -x.amount_fen,
            rule=x.rule,
            reason=x.reason,
            source=x.source,
            source_service=x.source_service,
            source_event=x.source_event,
            corrects=x.corrects,
            entry_month=x.entry_month,
            adjusts=x.adjusts,
        )
        for x in state.lines
        if x.person == person
    ]
    return Statement(
        site_id=site_id,
        month=month,
        person=person,
        closed=state.closed,
        entries=lines,
        penalties_fen=totals.penalties_fen,
        rewards_fen=totals.rewards_fen,
        net_fen=totals.net_fen,
        adjusts_months=list(totals.adjusts_months),
    )


def month_statements(state: MonthState, site_id: str, month: str) -> MonthStatements:
    statements = [statement(state, site_id, month, p) for p in state.people()]
    return MonthStatements(
        site_id=site_id,
        month=month,
        closed=state.closed,
        closed_by=state.closed_by or None,
        statements=statements,
        net_fen=sum(s.net_fen for s in statements),
    )


CSV_HEADER = (
    "site_id",
    "month",
    "person",
    "penalties_fen",
    "rewards_fen",
    "net_fen",
    "entries",
    "adjusts_months",
)


def payroll_csv(state: MonthState, site_id: str) -> str:
    """One row per person of the closed month's issued statements, with a UTF-8 BOM so
    spreadsheet imports read it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for s in state.issued:
        writer.writerow(
            (
                site_id,
                s.month,
                s.person,
                s.penalties_fen,
                s.rewards_fen,
                s.net_fen,
                len(s.entry_ids),
                " ".join(s.adjusts_months),
            )
        )
    return "\ufeff" + out.getvalue()
