"""The read audit (SR-20): who read what and when, with the result — for the officer,
the committee and auditors only (reading it is recorded too)."""

from typing import Annotated

from fastapi import APIRouter, Query
from opsledger.fields import SiteQuery

from secrets_registry.domain.roles import AUDITOR, COMMITTEE, OFFICER
from secrets_registry.entrypoints.audited import RegistryReader, RegistryReads
from secrets_registry.views import audit as views

router = APIRouter(tags=["read audit"])
AuditReads = Annotated[RegistryReader, RegistryReads(roles=OFFICER | COMMITTEE | AUDITOR)]


@router.get("/registry-reads")
async def registry_reads(
    site_id: SiteQuery,
    reads: AuditReads,
    reader: Annotated[str | None, Query(max_length=64)] = None,
) -> list[views.ReadRecord]:
    target = f"reader={reader}"
    clearance = await reads.open(site_id, target)
    rows = await reads(views.reads, site_id, reads.principal.staff_id, clearance, reader)
    return await reads.many(site_id, target, rows)
