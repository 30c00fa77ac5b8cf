"""Private events of customer records: personal data that never leaves callcenter (CC-7).

They are stored like every event (audit, rebuildable read models) but the service
definition lists them in `private_events`, so the relay never produces them to Kafka and
they are not published contracts. What other services may know — that a record was
read, by whom — is the published `CustomerRecordViewed`.
"""

from typing import ClassVar

from opsledger_contracts.events.callcenter import CustomerEvent
from pydantic import Field


class CustomerRecordCreated(CustomerEvent):
    """A customer record (客戶檔案) was created; confidential (CC-7)."""

    event_type: ClassVar[str] = "CustomerRecordCreated"

    name: str = Field(min_length=1, max_length=200, description="Customer name.")
    phone: str = Field(min_length=1, max_length=40, description="Contact phone.")
    unit: str = Field(default="", max_length=64, description="Unit or address.")
    notes: str = Field(default="", max_length=4000, description="Notes.")


class CustomerRecordUpdated(CustomerEvent):
    """Fields of a customer record changed (only the changed ones are set) (CC-7)."""

    event_type: ClassVar[str] = "CustomerRecordUpdated"

    name: str | None = Field(default=None, min_length=1, max_length=200, description="Name.")
    phone: str | None = Field(default=None, min_length=1, max_length=40, description="Phone.")
    unit: str | None = Field(default=None, max_length=64, description="Unit or address.")
    notes: str | None = Field(default=None, max_length=4000, description="Notes.")


PRIVATE_EVENTS = (CustomerRecordCreated, CustomerRecordUpdated)
