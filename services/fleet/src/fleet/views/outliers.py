"""Issue #11 item 5 read: the site's fuel-economy outliers and odometer problems.

The purchases come from the `fleet_fuel_purchases` read model (voided ones left out),
the models from the vehicle board; the judgement is `fleet.domain.outliers` (pure).
Issue 21 item 8: every site's purchases shape the company's fences per model (only the
site's own segments are listed, with the fences: no other site's figures), season-aware
by the site's allowances; a small depot's model fence falls back to the company's.
"""

from collections.abc import Mapping
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from fleet.domain.outliers import Fill, find_outliers, months_back
from fleet.domain.rules import ModelAllowance
from fleet.readmodels.vehicles import FUEL_PURCHASES, VEHICLES
from fleet.views.vehicles import _Row

WINDOW_MONTHS = 12


class OutlierRow(_Row):
    vehicle_id: str
    model: str
    month: str
    from_purchase: str
    to_purchase: str
    km: Decimal
    litres: Decimal
    economy: Decimal
    flags: list[str]
    vehicle_fence: tuple[Decimal, Decimal] | None
    model_fence: tuple[Decimal, Decimal] | None
    model_scope: str  # site, or company when the site's group is too small
    company_fence: tuple[Decimal, Decimal] | None


class OdometerRow(_Row):
    vehicle_id: str
    purchase_id: str
    month: str
    odometer_km: Decimal
    previous_km: Decimal
    problem: str


class OutlierReport(_Row):
    site_id: str
    since: str
    until: str
    outliers: list[OutlierRow]
    odometer: list[OdometerRow]


async def outliers(
    conn: AsyncConnection, site_id: str, until: str, models: Mapping[str, ModelAllowance]
) -> OutlierReport:
    """Segments of the 12 months up to `until` outside their vehicle's, model's (site, or
    company for a small depot) or the company's fences, season by season."""
    since = months_back(until, WINDOW_MONTHS - 1)
    v, p = VEHICLES.table, FUEL_PURCHASES.table
    vehicles = (await conn.execute(sa.select(v.c.vehicle_id, v.c.model, v.c.site_id))).all()
    model_of = {row.vehicle_id: row.model for row in vehicles}
    site_of = {row.vehicle_id: row.site_id for row in vehicles}
    # every earlier fill too: a segment in the window may start from one before it
    query = sa.select(p).where(p.c.voided.is_(False), p.c.month <= until)
    fills = [
        Fill(
            purchase_id=r.purchase_id,
            vehicle_id=r.vehicle_id,
            filled_at=r.filled_at,
            month=r.month,
            odometer_km=Decimal(r.odometer_km),
            litres=Decimal(r.litres),
            full_fill=r.full_fill,
        )
        for r in await conn.execute(query)
    ]
    found = find_outliers(
        fills, model_of, since, until, site_of=site_of, site=site_id, models=models
    )
    return OutlierReport(
        site_id=site_id,
        since=since,
        until=until,
        outliers=[
            OutlierRow(
                vehicle_id=o.segment.vehicle_id,
                model=o.model,
                month=o.segment.month,
                from_purchase=o.segment.from_purchase,
                to_purchase=o.segment.to_purchase,
                km=o.segment.km,
                litres=o.segment.litres,
                economy=o.segment.economy,
                flags=o.flags,
                vehicle_fence=o.vehicle_fence,
                model_fence=o.model_fence,
                model_scope=o.model_scope,
                company_fence=o.company_fence,
            )
            for o in found.outliers
        ],
        odometer=[OdometerRow.model_validate(i, from_attributes=True) for i in found.odometer],
    )
