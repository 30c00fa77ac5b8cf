"""HTTP routes of customer records (CC-7): confidential, every full read logged."""

from typing import Annotated

from fastapi import APIRouter
from opsledger.fields import StoredInstant
from opsledger.routes import Commands, Reads
from pydantic import BaseModel, Field

from callcenter.domain.customers import CUSTOMER, READ_ROLES, CustomerState
from callcenter.domain.customers import commands as c
from callcenter.domain.roles import CC_ROLES
from callcenter.entrypoints.fields import Body, Id, SiteId, SiteQuery
from callcenter.views import desk as views


class CreateCustomerRequest(Body):
    site_id: SiteId
    name: Annotated[str, Field(min_length=1, max_length=200)]
    phone: Annotated[str, Field(min_length=1, max_length=40)]
    unit: Annotated[str, Field(max_length=64)] = ""
    notes: Annotated[str, Field(max_length=4000)] = ""
    ticket_id: Id | None = Field(default=None, description="Link this first contact (CC-7).")


class UpdateCustomerRequest(Body):
    name: Annotated[str | None, Field(min_length=1, max_length=200)] = None
    phone: Annotated[str | None, Field(min_length=1, max_length=40)] = None
    unit: Annotated[str | None, Field(max_length=64)] = None
    notes: Annotated[str | None, Field(max_length=4000)] = None


class CustomerRecord(BaseModel):
    """The full (confidential) record; reading it is logged (CC-7)."""

    customer_id: str
    site_id: str
    name: str
    phone: str
    unit: str
    notes: str
    created_at: StoredInstant | None
    updated_at: StoredInstant | None
    full_reads: int

    @classmethod
    def of(cls, s: CustomerState) -> "CustomerRecord":
        return cls(
            customer_id=s.customer_id or "",
            site_id=s.site_id,
            name=s.name,
            phone=s.phone,
            unit=s.unit,
            notes=s.notes,
            created_at=s.created_at,
            updated_at=s.updated_at,
            full_reads=s.views,
        )


class CustomerListItem(BaseModel):
    """No personal data in list views (CC-7)."""

    customer_id: str
    site_id: str
    created_at: StoredInstant
    updated_at: StoredInstant
    full_reads: int


class CreatedCustomer(BaseModel):
    customer_id: str
    site_id: str


router = APIRouter(prefix="/customers", tags=["customers"])


@router.post("", status_code=201)
async def create_customer(body: CreateCustomerRequest, commands: Commands) -> CreatedCustomer:
    """Create a customer record; optionally link the ticket of the first contact."""
    state = (await commands.run(c.CreateCustomer(**body.model_dump()))).state
    return CreatedCustomer(customer_id=state.customer_id, site_id=state.site_id)


@router.put("/{customer_id}")
async def update_customer(
    customer_id: str, body: UpdateCustomerRequest, commands: Commands
) -> CreatedCustomer:
    """Update fields of a customer record (only the ones given)."""
    state = (await commands.run(c.UpdateCustomer(customer_id, **body.model_dump()))).state
    return CreatedCustomer(customer_id=customer_id, site_id=state.site_id)


@router.get("/{customer_id}")
async def read_customer(customer_id: str, reads: Reads, commands: Commands) -> CustomerRecord:
    """The full record, for agents, shift leads and managers of its site; every read
    appends CustomerRecordViewed (CC-7). Refused reads (role, site) are not logged."""
    record = await reads.load(CUSTOMER, c.stream_id(customer_id))
    reads.authorize(READ_ROLES, record.state.site_id)  # 403 for another site, as before
    return CustomerRecord.of((await commands.run(c.ViewCustomer(customer_id))).state)


@router.get("")
async def list_customers(site_id: SiteQuery, reads: Reads) -> list[CustomerListItem]:
    """Customer records of a site, without personal data (CC-7)."""
    reads.authorize(CC_ROLES, site_id)
    return [CustomerListItem.model_validate(r) for r in await reads(views.customers_of, site_id)]
