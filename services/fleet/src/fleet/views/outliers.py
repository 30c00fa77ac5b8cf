"""Issue #11 item 5 read: the site's fuel-economy outliers and odometer problems.

The purchases come from the `fleet_fuel_purchases` read model (voided ones left out),
the models from the vehicle board; the judgement is `fleet.domain.outliers` (pure).
"""

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from fleet.domain.outliers import Fill, find_outliers, months_back
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


async def outliers(conn: AsyncConnection, site_id: str, until: str) -> OutlierReport:
    """Segments of the 12 months up to `until` outside their vehicle's or model's fences."""
    since = months_back(until, WINDOW_MONTHS - 1)
    v, p = VEHICLES.table, FUEL_PURCHASES.table
    models = {
        row.vehicle_id: row.model
        for row in await conn.execute(
            sa.select(v.c.vehicle_id, v.c.model).where(v.c.site_id == site_id)
        )
    }
    query = sa.select(p).where(p.c.site_id == site_id, p.c.voided.is_(False), p.c.month <= until)
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
    found = find_outliers(fills, models, since, until)
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
            )
            for o in found.outliers
        ],
        odometer=[OdometerRow.model_validate(i, from_attributes=True) for i in found.odometer],
    )
