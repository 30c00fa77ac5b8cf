"""A customer record's state (personal data: never in a list read model, CC-7)."""

from dataclasses import dataclass
from datetime import datetime

from opsledger.decider import Event, changed
from opsledger_contracts.events.callcenter import CustomerRecordViewed

from callcenter.domain.customers.events import CustomerRecordCreated, CustomerRecordUpdated


@dataclass(frozen=True, slots=True)
class CustomerState:
    customer_id: str | None = None
    site_id: str = ""
    name: str = ""
    phone: str = ""
    unit: str = ""
    notes: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    views: int = 0

    @property
    def exists(self) -> bool:
        return self.customer_id is not None


def _or(new: str | None, old: str) -> str:
    return new if new is not None else old


def evolve(state: CustomerState, event: Event) -> CustomerState:
    match event.payload:
        case CustomerRecordCreated() as e:
            record = e.model_dump(include={"customer_id", "name", "phone", "unit", "notes"})
            when = event.occurred_at
            return CustomerState(site_id=event.site_id, created_at=when, updated_at=when, **record)
        case CustomerRecordUpdated() as u:
            return changed(
                state,
                name=_or(u.name, state.name),
                phone=_or(u.phone, state.phone),
                unit=_or(u.unit, state.unit),
                notes=_or(u.notes, state.notes),
                updated_at=event.occurred_at,
            )
        case CustomerRecordViewed():
            return changed(state, views=state.views + 1)
    return state
