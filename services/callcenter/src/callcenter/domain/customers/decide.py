"""Customer-record decisions (CC-7)."""

from collections.abc import Sequence

from opsledger.decider import DecisionContext
from opsledger.errors import DomainError
from opsledger_contracts import EventPayload
from opsledger_contracts.events.callcenter import CustomerRecordViewed

from callcenter.domain.customers import commands as c
from callcenter.domain.customers.events import CustomerRecordCreated, CustomerRecordUpdated
from callcenter.domain.customers.state import CustomerState

# The role a full read is logged under: the first of these the reader holds.
READER_ROLES: tuple[str, ...] = ("agent", "shift_lead", "cc_manager", "admin")


def decide(
    state: CustomerState, command: c.CustomerCommand, ctx: DecisionContext
) -> Sequence[EventPayload]:
    if isinstance(command, c.OpenCustomerRecord):
        if state.exists:
            raise DomainError("CC-7", "the customer record exists already", status=409)
        return [
            CustomerRecordCreated(
                customer_id=command.customer_id,
                name=command.name,
                phone=command.phone,
                unit=command.unit,
                notes=command.notes,
            )
        ]
    if state.customer_id is None:
        raise DomainError("NOT_FOUND", "customer record does not exist", status=404)
    if isinstance(command, c.UpdateCustomer):
        changes = {
            k: v
            for k, v in (
                ("name", command.name),
                ("phone", command.phone),
                ("unit", command.unit),
                ("notes", command.notes),
            )
            if v is not None and v != getattr(state, k)
        }
        if not changes:
            raise DomainError("CC-7", "nothing to change", field="body")
        return [CustomerRecordUpdated(customer_id=state.customer_id, **changes)]
    role = next((r for r in READER_ROLES if r in ctx.roles), "admin")
    return [CustomerRecordViewed(customer_id=state.customer_id, viewed_by=ctx.actor, role=role)]
