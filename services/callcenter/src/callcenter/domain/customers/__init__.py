"""The customer-record aggregate (客戶檔案, CC-7): confidential, every full read logged.

Stream `customer-<id>`. Created and updated records are private events (`events.py`).
"""

from typing import Any
from uuid import uuid4

from opsledger.decider import Aggregate
from opsledger.pipeline import SYSTEM_ONLY

from callcenter.domain.customers import commands as c
from callcenter.domain.customers.decide import decide
from callcenter.domain.customers.events import PRIVATE_EVENTS
from callcenter.domain.customers.state import CustomerState, evolve
from callcenter.domain.roles import CC_ROLES

STREAM_TYPE = "Customer"
# CC-7: roles that may read a full record (at the record's site); auditors may not.
READ_ROLES = CC_ROLES


def new_customer_id(site_id: str) -> str:
    return f"C-{site_id}-{uuid4().hex[:12]}"


CUSTOMER: Aggregate[CustomerState, Any] = Aggregate(
    stream_type=STREAM_TYPE,
    stream_prefix="customer-",
    initial=CustomerState(),
    evolve=evolve,
    stream_id=c.customer_stream,
    commands={
        c.OpenCustomerRecord: (SYSTEM_ONLY, decide),  # through the CreateCustomer workflow
        c.UpdateCustomer: (CC_ROLES, decide),
        c.ViewCustomer: (READ_ROLES, decide),
    },
    creates=frozenset({c.OpenCustomerRecord}),
)

__all__ = ["CUSTOMER", "PRIVATE_EVENTS", "READ_ROLES", "CustomerState", "new_customer_id"]
