"""Checks every ticket decision shares: the ticket is open, who may act on it (CC-1)."""

from opsledger.decider import DecisionContext
from opsledger.errors import DomainError

from callcenter.domain.roles import SUPERVISOR_ROLES
from callcenter.domain.tickets.state import TicketState

# CC-3: who handles what is escalated to the call-center manager.
MANAGERS: frozenset[str] = frozenset({"cc_manager", "admin"})


def is_supervisor(ctx: DecisionContext) -> bool:
    return bool(ctx.roles & SUPERVISOR_ROLES)


def open_ticket(state: TicketState) -> str:
    """The ticket id of an existing, open ticket (refused otherwise)."""
    if state.ticket_id is None:
        raise DomainError("NOT_FOUND", "ticket does not exist", status=404)
    if state.closed:
        raise DomainError(
            "CC-1", f"ticket {state.ticket_id} is closed", field="ticket_id", status=409
        )
    return state.ticket_id


def acting(state: TicketState, ctx: DecisionContext, what: str) -> str:
    """CC-1: the owner is responsible; a shift lead or manager may step in."""
    ticket_id = open_ticket(state)
    if ctx.actor != state.owner and not is_supervisor(ctx):
        raise DomainError(
            "CC-1", f"only the owner ({state.owner}) or a shift lead/manager may {what}", status=403
        )
    return ticket_id


def require_customer(customer_id: str, customer_site: str | None, site_id: str) -> None:
    """CC-7: a ticket links only an existing record of its own site."""
    if customer_site is None:
        raise DomainError(
            "CC-7", f"customer record {customer_id} does not exist", field="customer_id"
        )
    if customer_site != site_id:
        raise DomainError(
            "CC-7", f"customer record {customer_id} belongs to another site", field="customer_id"
        )
