"""HTTP routes of works conduct: patrols and checks (RP-5), the violation ladder (RP-6),
and their reads (patrol coverage per day, violations per permit and per contractor).

Every command is authorized by role and site (the works record's site); the actor is
the token's staff id. Bodies are derived from the commands (`ConductBody`).
"""

from functools import partial
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query
from opsledger.bodies import CommandBody
from opsledger.command_routes import post_command
from opsledger.fields import SiteId, StrictDate
from opsledger.http import rule
from opsledger.routes import Commands, Reader, Reads
from pydantic import Field, StrictInt

from permits.domain.conduct import WORKS, works_stream
from permits.domain.conduct import commands as c
from permits.domain.roles import PERMIT_READERS
from permits.views import conduct as views

router = APIRouter(tags=["works conduct (RP-5, RP-6)"])
ConductReads = Annotated[Reader, Reads(roles=PERMIT_READERS)]

Ident = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


def _text(rule_id: str, max_length: int = 2000) -> Any:
    return Annotated[
        str, Field(min_length=1, max_length=max_length, json_schema_extra=rule(rule_id))
    ]


# One validated type per command field name (the commands' fields are plain).
FIELD_TYPES: dict[str, Any] = {
    "site_id": SiteId,
    "permit_id": Ident,
    "violation_id": Ident,
    "approval_id": Ident,
    "hot_work_id": Ident,
    "power_id": Ident,
    "findings": _text("RP-5"),
    "proposed_remedy": _text("RP-5"),
    "description": _text("RP-6"),
    "notice": _text("RP-6"),
    "how": _text("RP-6", 1000),
    "owner_consent": _text("RP-6", 1000),
    "undertaking": _text("RP-6"),
    "reason": _text("RP-6", 1000),
    "contractor_signed_by": _text("RP-6", 100),
    "issued_to": _text("RP-6", 100),
    "owner": _text("RP-6", 100),
    "security_officer": _text("RP-6", 64),
    "fire_supervisor": _text("RP-7", 100),
    "purpose": _text("RP-8"),
    "receipt_no": Ident,
    "price_fen": Annotated[StrictInt, Field(ge=0, le=100_000_000, json_schema_extra=rule("RP-8"))],
    "amount_fen": Annotated[StrictInt, Field(ge=0, le=100_000_000, json_schema_extra=rule("RP-8"))],
}

C = TypeVar("C")
P = TypeVar("P")


class ConductBody(CommandBody[C, P]):
    """The HTTP body of a works command, its plain fields typed by `FIELD_TYPES`."""

    types = FIELD_TYPES


async def _run(commands: Commands, command: Any) -> views.WorksView:
    return views.WorksView.of((await commands.run(command)).state)


# A works command's route: the body derived from the command, the works record answered.
_post = partial(post_command, router, answer=_run, body=ConductBody, path_type=Ident)


_post(
    "/works/{permit_id}/patrols",
    c.RecordPatrol,
    doc=(
        "Customer service's daily patrol (RP-5 rev.2); `serious` reports at once to "
        "engineering, the concierge and the customer-service director with the remedy."
    ),
)


_post(
    "/works/{permit_id}/checks",
    c.RecordWorksCheck,
    name="record_check",
    doc="Engineering's conformance check or the concierge's safety check (RP-5).",
)


_post(
    "/works/{permit_id}/violations",
    c.RecordWorksViolation,
    status_code=201,
    name="record_violation",
    doc="An inspector of engineering, customer service or the concierge (RP-6 rev.2).",
)


_post(
    "/works/{permit_id}/violations/{violation_id}/verbal-warning",
    c.GiveVerbalWarning,
    doc="RP-6 step 1: stopped, verbal warning with its time; the contractor signed.",
)


_post(
    "/works/{permit_id}/violations/{violation_id}/withdrawal",
    c.WithdrawWorksViolation,
    name="withdraw_violation",
    doc="§0 rev.2: a violation recorded wrongly, withdrawn naming it and why.",
)


_post(
    "/works/{permit_id}/violations/{violation_id}/rectification-notice",
    c.IssueRectificationNotice,
    doc="RP-6 step 2: warnings ignored (the Nth violation): written notice to the occupant.",
)


_post(
    "/works/{permit_id}/violations/{violation_id}/owner-notification",
    c.NotifyOwner,
    doc="RP-6 serious case (marked, or the Nth violation): the owner is notified.",
)


_post(
    "/works/{permit_id}/violations/{violation_id}/rectification-check",
    c.CheckRectification,
    doc="After the notice: rectified, or the violation persists (RP-6 final step's condition).",
)


_post(
    "/works/{permit_id}/forced-stop",
    c.StopWorksByForce,
    doc=(
        "RP-6 final step: persisting after the notice AND complaints continuing; with security "
        "and the owner's consent, power cut or site cleared."
    ),
)


_post(
    "/works/{permit_id}/readmission",
    c.ReadmitContractor,
    doc="Re-entry after the contractor's admission and undertaking (RP-6 rev.).",
)


@router.get("/works/{permit_id}")
async def works(permit_id: Ident, reads: ConductReads) -> views.WorksView:
    """A permit's works record (404 for another site's, as for a missing one)."""
    return views.WorksView.of((await reads.load(WORKS, works_stream(permit_id))).state)


@router.get("/patrol-coverage")
async def patrol_coverage(
    site_id: SiteId,
    reads: ConductReads,
    first: Annotated[StrictDate, Query(alias="from", description="First site-local day")],
    last: Annotated[StrictDate, Query(alias="to", description="Last site-local day")],
) -> list[views.DayCoverage]:
    """RP-5 rev.2 per site-local day: active permits, patrolled, missed, not yet."""
    reads.authorize(site_id)
    return await reads(views.patrol_coverage, site_id, first, last)


@router.get("/violations")
async def violations(
    site_id: SiteId,
    reads: ConductReads,
    permit_id: Ident | None = None,
    contractor: Annotated[str, Field(max_length=200)] | None = None,
) -> list[views.ViolationRow]:
    """RP-6 recorded violations of a site, per permit or per contractor."""
    reads.authorize(site_id)
    return await reads(views.violations, site_id, permit_id, contractor)


@router.get("/violations/by-contractor")
async def violations_by_contractor(
    site_id: SiteId, reads: ConductReads
) -> list[views.ContractorViolations]:
    """RP-6 per contractor: permits, violations, serious ones."""
    reads.authorize(site_id)
    return await reads(views.violations_per_contractor, site_id)
