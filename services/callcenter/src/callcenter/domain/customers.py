"""Customer records (客戶檔案, CC-7): confidential, every full read is logged."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from opsledger.errors import DomainError
from opsledger.eventstore import RecordedEvent
from opsledger_contracts import EventPayload
from opsledger_contracts.events.callcenter import CustomerRecordViewed

from callcenter.domain.customer_events import CustomerRecordCreated, CustomerRecordUpdated

STREAM_TYPE = "Customer"
# CC-7: roles that may read a full record (at the record's site).
READ_ROLES: tuple[str, ...] = ("agent", "shift_lead", "cc_manager")


def stream_id(customer_id: str) -> str:
    return f"customer-{customer_id}"


@dataclass(frozen=True)
class CreateCustomer:
    customer_id: str
    name: str
    phone: str
    unit: str = ""
    notes: str = ""


@dataclass(frozen=True)
class UpdateCustomer:
    name: str | None = None
    phone: str | None = None
    unit: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class ViewCustomer:
    viewer: str
    role: str


CustomerCommand = CreateCustomer | UpdateCustomer | ViewCustomer


@dataclass(frozen=True)
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


class CustomerDecider:
    """The customer-record aggregate (CC-7)."""

    stream_type = STREAM_TYPE

    def initial_state(self) -> CustomerState:
        return CustomerState()

    def evolve(self, state: CustomerState, event: RecordedEvent) -> CustomerState:
        p = event.payload
        if event.event_type == CustomerRecordCreated.event_type:
            e = CustomerRecordCreated.model_validate(p)
            return CustomerState(
                customer_id=e.customer_id,
                site_id=event.site_id,
                name=e.name,
                phone=e.phone,
                unit=e.unit,
                notes=e.notes,
                created_at=event.occurred_at,
                updated_at=event.occurred_at,
            )
        if event.event_type == CustomerRecordUpdated.event_type:
            u = CustomerRecordUpdated.model_validate(p)
            return replace(
                state,
                name=u.name if u.name is not None else state.name,
                phone=u.phone if u.phone is not None else state.phone,
                unit=u.unit if u.unit is not None else state.unit,
                notes=u.notes if u.notes is not None else state.notes,
                updated_at=event.occurred_at,
            )
        if event.event_type == CustomerRecordViewed.event_type:
            return replace(state, views=state.views + 1)
        return state

    def decide(
        self, state: CustomerState, command: CustomerCommand, now: datetime
    ) -> Sequence[EventPayload]:
        if isinstance(command, CreateCustomer):
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
        if not state.exists:
            raise DomainError("NOT_FOUND", "customer record does not exist", status=404)
        assert state.customer_id is not None
        if isinstance(command, UpdateCustomer):
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
        return [
            CustomerRecordViewed(
                customer_id=state.customer_id, viewed_by=command.viewer, role=command.role
            )
        ]
