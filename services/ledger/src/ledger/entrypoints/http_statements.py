"""Flow 5 over HTTP: people, statements, closing a site-month, the payroll CSV."""

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from opsledger.errors import DomainError, NotFoundError
from opsledger.fields import MonthPath, SiteId, SitePath, SiteQuery
from opsledger.pipeline import ANY_STAFF
from opsledger.readmodels import response_model
from opsledger.routes import Commands, Reader, Reads
from pydantic import BaseModel, ConfigDict, Field

from ledger.domain.month import MONTH, CloseMonth, MonthState, month_stream
from ledger.domain.month.reconcile import reconcile
from ledger.domain.people import RegisterPerson
from ledger.domain.roles import PAYROLL_READERS, STATEMENT_READERS
from ledger.readmodels.months import LEDGER_MONTHS
from ledger.views.months import months_of
from ledger.views.reconciliation import published_entries
from ledger.views.statements import (
    MonthStatements,
    Statement,
    month_statements,
    payroll_csv,
    statement,
)

router = APIRouter(tags=["ledger (flow 5)"])
StatementReads = Annotated[Reader, Reads(roles=STATEMENT_READERS)]
OwnReads = Annotated[Reader, Reads(roles=ANY_STAFF)]
PayrollReads = Annotated[Reader, Reads(roles=PAYROLL_READERS)]
PersonPath = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PersonBody(Body):
    site_id: SiteId
    person: PersonPath


class SiteBody(Body):
    site_id: SiteId


class PersonView(BaseModel):
    site_id: str
    person: str


async def _month(reads: Reader, site_id: str, month: str) -> MonthState:
    """The site-month folded from its log; a month with no entry reads as an empty open one."""
    reads.authorize(site_id)
    try:
        state: MonthState = (await reads.load(MONTH, month_stream(site_id, month))).state
    except NotFoundError:
        return MonthState(site_id=site_id, month=month)
    return state


@router.post("/people", status_code=201)
async def register_person(body: PersonBody, commands: Commands) -> PersonView:
    """LG-5: the ledger takes entries only for people registered at the site."""
    await commands.run(RegisterPerson(body.site_id, body.person))
    return PersonView(site_id=body.site_id, person=body.person)


@router.get("/statements/{site_id}/{month}")
async def statements(site_id: SitePath, month: MonthPath, reads: StatementReads) -> MonthStatements:
    return month_statements(await _month(reads, site_id, month), site_id, month)


@router.get("/statements/{site_id}/{month}/{person}")
async def person_statement(
    site_id: SitePath, month: MonthPath, person: PersonPath, reads: OwnReads
) -> Statement:
    """A person reads their own statement; managers, finance, payroll, auditors anyone's."""
    if person != reads.principal.staff_id:
        reads.require(STATEMENT_READERS)
    return statement(await _month(reads, site_id, month), site_id, month, person)


@router.get("/months", response_model=response_model(LEDGER_MONTHS, many=True))
async def months(site_id: SiteQuery, reads: StatementReads) -> list[Any]:
    reads.authorize(site_id)
    return await reads(months_of, site_id)


@router.post("/months/{month}/close")
async def close_month(
    month: MonthPath, body: SiteBody, request: Request, commands: Commands
) -> MonthStatements:
    """LG-3: finance closes a site-month once it is over at the site and nothing is in
    flight; every person's statement is then issued (`MonthlyStatementIssued`)."""
    commands.principal.authorize(frozenset({"finance"}), body.site_id)
    try:
        lag = await request.app.state.service.inbound_lag()
    except Exception as exc:
        raise DomainError(
            "LG-3",
            f"cannot tell whether ledger entries are still in flight ({type(exc).__name__}): "
            "try again",
            status=503,
        ) from None
    if behind := {topic: n for topic, n in lag.items() if n > 0}:
        pending = ", ".join(f"{topic}: {n}" for topic, n in sorted(behind.items()))
        raise DomainError(
            "LG-3",
            f"{month} cannot be closed while ledger entries are still in flight "
            f"(messages not yet applied: {pending}); try again once they are",
            status=409,
        )
    result = await commands.run(CloseMonth(body.site_id, month))
    return month_statements(result.state, body.site_id, month)


@router.get("/months/{site_id}/{month}/payroll.csv", response_class=Response)
async def payroll(site_id: SitePath, month: MonthPath, reads: PayrollReads) -> Response:
    """The closed month's statements for payroll import: UTF-8 with BOM, a row per person."""
    state = await _month(reads, site_id, month)
    if not state.closed:
        raise DomainError("LG-3", f"{month} is not closed at {site_id} yet", status=409)
    return Response(
        payroll_csv(state, site_id).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="payroll-{site_id}-{month}.csv"'},
    )


class Reconciliation(BaseModel):
    site_id: str
    month: str
    closed: bool
    compared_with: list[str]
    published_entries: int
    counted_entries: int
    differences: list[str]


@router.get("/months/{site_id}/{month}/reconciliation")
async def reconciliation(
    site_id: SitePath, month: MonthPath, request: Request, reads: PayrollReads
) -> Reconciliation:
    """The site-month against what the sources published for it (their topics re-read
    from the beginning; the ledger calls no other service's API): every difference named,
    including entries counted after the close as adjustments of a later month."""
    state = await _month(reads, site_id, month)
    counted = [(month, line) for line in state.lines if line.entry_month == month]
    for row in await reads(months_of, site_id):
        if row.month > month:
            later = await _month(reads, site_id, row.month)
            counted += [(row.month, x) for x in later.lines if x.entry_month == month]
    service = request.app.state.service
    prefix = service.settings.kafka_topic_prefix
    topics = sorted({prefix + c.subscription.topic for c in service.consumers})
    try:
        published = await published_entries(
            service.settings.kafka_bootstrap_servers, service.kafka_security, topics, site_id, month
        )
    except Exception as exc:
        raise DomainError(
            "LG-3", f"the sources' topics could not be read ({type(exc).__name__})", status=503
        ) from None
    return Reconciliation(
        site_id=site_id,
        month=month,
        closed=state.closed,
        compared_with=topics,
        published_entries=len(published),
        counted_entries=len(counted),
        differences=reconcile(month, published, counted),
    )
