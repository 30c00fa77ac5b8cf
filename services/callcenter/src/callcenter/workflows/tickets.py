"""Work that spans streams, as workflows: each reads a customer record besides the ticket.

The rules stay in the deciders; a workflow only gathers the facts they need (does the
record exist, at which site) and runs the aggregates' commands in one transaction.
"""

from typing import Any

from opsledger.pipeline import CommandResult, UnitOfWork, Workflow

from callcenter.domain.customers import CUSTOMER, new_customer_id
from callcenter.domain.customers import commands as customers
from callcenter.domain.roles import CC_ROLES
from callcenter.domain.tickets import commands as tickets
from callcenter.domain.tickets import new_ticket_id


async def _site_of_record(uow: UnitOfWork, customer_id: str) -> str | None:
    """The site of a customer record, None when there is no such record."""
    loaded = await uow.load(CUSTOMER, customers.stream_id(customer_id))
    return loaded.state.site_id if loaded.state.exists else None


async def open_ticket(uow: UnitOfWork, c: tickets.OpenTicket) -> CommandResult[Any]:
    """CC-1/CC-2: open a ticket owned by the caller; CC-7: a named record must be ours."""
    record_site = await _site_of_record(uow, c.customer_id) if c.customer_id else None
    ticket_id = new_ticket_id(c.site_id)
    return await uow.execute(tickets.StartTicket(ticket_id, c, record_site))


async def link_customer(uow: UnitOfWork, c: tickets.LinkCustomer) -> CommandResult[Any]:
    """CC-7: link a ticket to an existing customer record of its site."""
    record_site = await _site_of_record(uow, c.customer_id)
    return await uow.execute(tickets.AttachCustomer(c.ticket_id, c.customer_id, record_site))


async def create_customer(uow: UnitOfWork, c: customers.CreateCustomer) -> CommandResult[Any]:
    """CC-7: create a record (within 24 h of the first contact: link that ticket)."""
    record = customers.OpenCustomerRecord(
        new_customer_id(c.site_id), c.site_id, c.name, c.phone, c.unit, c.notes
    )
    created = await uow.execute(record)
    if c.ticket_id is not None:
        await uow.execute(tickets.AttachCustomer(c.ticket_id, record.customer_id, c.site_id))
    return created


def _site(command: Any) -> str:
    return str(command.site_id)


def _ticket_site(command: tickets.LinkCustomer) -> str:
    return tickets.site_of_ticket(command.ticket_id)


WORKFLOWS: list[Workflow[Any]] = [
    Workflow(command=tickets.OpenTicket, roles=CC_ROLES, site_of=_site, run=open_ticket),
    Workflow(command=tickets.LinkCustomer, roles=CC_ROLES, site_of=_ticket_site, run=link_customer),
    Workflow(command=customers.CreateCustomer, roles=CC_ROLES, site_of=_site, run=create_customer),
]
