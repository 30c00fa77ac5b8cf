"""Commands of the customer-record aggregate (CC-7). The reader is the token's staff."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CreateCustomer:
    """Workflow: create a record and, optionally, link the ticket of the first contact."""

    site_id: str
    name: str
    phone: str
    unit: str = ""
    notes: str = ""
    ticket_id: str | None = None


@dataclass(frozen=True, slots=True)
class OpenCustomerRecord:
    customer_id: str
    site_id: str
    name: str
    phone: str
    unit: str = ""
    notes: str = ""


@dataclass(frozen=True, slots=True)
class UpdateCustomer:
    customer_id: str
    name: str | None = None
    phone: str | None = None
    unit: str | None = None
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class ViewCustomer:
    """A full read of the record: logged with who read it and in which role."""

    customer_id: str


CustomerCommand = OpenCustomerRecord | UpdateCustomer | ViewCustomer


def stream_id(customer_id: str) -> str:
    return f"customer-{customer_id}"


def customer_stream(command: CustomerCommand) -> str:
    return stream_id(command.customer_id)
