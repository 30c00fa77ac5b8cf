"""CSV downloads (UTF-8 with BOM, so a spreadsheet opens Chinese text): lists and the grid."""

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import APIRouter, Response

from dashboard.views.access import CurrentViewer
from dashboard.views.answers import grid_answer, rows_answer
from dashboard.views.cards import COMPANY

router = APIRouter(prefix="/api", tags=["export"])
CSV: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "CSV, UTF-8 with BOM (a spreadsheet opens Chinese text)",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}
ROW_FIELDS = ("site_id", "record_id", "service", "date", "at", "counted", "value", "detail", "url")
CARD_FIELDS = (
    "site_id",
    "kpi",
    "value",
    "numerator",
    "denominator",
    "target",
    "status",
    "previous_value",
    "delta",
    "last_event_at",
)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_response(fields: Sequence[str], rows: Iterable[dict[str, Any]], filename: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(fields)
    for row in rows:
        writer.writerow([_text(row.get(f)) for f in fields])
    return Response(
        content=out.getvalue().encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/sites/{site_id}/kpis/{kpi}/rows.csv", response_class=Response, responses=CSV)
async def site_rows_csv(
    site_id: str, kpi: str, viewer: CurrentViewer, period: str | None = None
) -> Response:
    found = await rows_answer(viewer, kpi, site_id, period)
    return csv_response(ROW_FIELDS, found["rows"], f"{site_id}-{kpi}-{found['period']}.csv")


@router.get("/kpis/{kpi}/rows.csv", response_class=Response, responses=CSV)
async def company_rows_csv(kpi: str, viewer: CurrentViewer, period: str | None = None) -> Response:
    found = await rows_answer(viewer, kpi, None, period)
    return csv_response(ROW_FIELDS, found["rows"], f"company-{kpi}-{found['period']}.csv")


@router.get("/cards.csv", response_class=Response, responses=CSV)
async def cards_csv(viewer: CurrentViewer, period: str | None = None) -> Response:
    found = await grid_answer(viewer, period)
    lines = [{**c, "site_id": COMPANY} for c in found["company"]]
    lines += [c for site in found["sites"] for c in site["cards"]]
    return csv_response(CARD_FIELDS, lines, f"cards-{found['period']}.csv")
