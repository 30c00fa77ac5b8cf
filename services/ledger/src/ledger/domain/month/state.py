"""A site-month of the ledger: its entries, and whether it is closed."""

from dataclasses import dataclass
from datetime import datetime

from opsledger.decider import Event, changed
from opsledger_contracts.events.ledger import MonthlyStatementIssued

from ledger.domain.month.events import LedgerEntryApplied, LedgerMonthClosed


@dataclass(frozen=True)
class Totals:
    """A person's sums in one month: per kind (as recorded) and the effect on pay."""

    person: str
    penalties_fen: int
    rewards_fen: int
    entry_ids: tuple[str, ...]
    adjusts_months: tuple[str, ...]

    @property
    def net_fen(self) -> int:
        return self.rewards_fen - self.penalties_fen


@dataclass(frozen=True)
class MonthState:
    site_id: str = ""
    month: str = ""
    closed: bool = False
    closed_at: datetime | None = None
    closed_by: str = ""
    lines: tuple[LedgerEntryApplied, ...] = ()
    entry_ids: frozenset[str] = frozenset()
    issued: tuple[MonthlyStatementIssued, ...] = ()  # the statements, once closed
    # Entries recorded after the closing: never by the ledger's own decisions (LG-4); a
    # log edited by hand would show here, and `opsledger verify ledger` names it.
    applied_after_close: tuple[str, ...] = ()

    def people(self) -> list[str]:
        return sorted({line.person for line in self.lines})

    def totals(self, person: str) -> Totals:
        mine = [line for line in self.lines if line.person == person]
        return Totals(
            person=person,
            penalties_fen=sum(x.amount_fen for x in mine if x.kind == "penalty"),
            rewards_fen=sum(x.amount_fen for x in mine if x.kind == "reward"),
            entry_ids=tuple(x.entry_id for x in mine),
            adjusts_months=tuple(sorted({x.adjusts for x in mine if x.adjusts})),
        )

    @property
    def entries(self) -> int:
        return len(self.lines)

    @property
    def net_fen(self) -> int:
        return sum(self.totals(p).net_fen for p in self.people())


def evolve(state: MonthState, event: Event) -> MonthState:
    match event.payload:
        case LedgerEntryApplied() as line:
            if state.closed:
                state = changed(
                    state, applied_after_close=(*state.applied_after_close, line.entry_id)
                )
            return changed(
                state,
                site_id=event.site_id,
                month=line.month,
                lines=(*state.lines, line),
                entry_ids=state.entry_ids | {line.entry_id},
            )
        case LedgerMonthClosed() as closed:
            return changed(
                state,
                site_id=event.site_id,
                month=closed.month,
                closed=True,
                closed_at=event.occurred_at,
                closed_by=closed.closed_by,
            )
        case MonthlyStatementIssued() as issued:
            return changed(state, issued=(*state.issued, issued))
    return state
