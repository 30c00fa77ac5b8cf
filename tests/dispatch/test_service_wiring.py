"""Dispatch's composition: migrations match the projection tables; docs; wiring."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from dispatch.adapters.projections import metadata
from dispatch.bootstrap import definition
from opsledger.migrate import target_metadata
from opsledger_contracts import REGISTRY

from tests.dispatch.conftest import Dispatch


async def test_migrations_create_exactly_the_projection_tables(dispatch: Dispatch) -> None:
    merged = target_metadata(definition)

    def diff(sync_conn: sa.Connection) -> list[object]:
        context = MigrationContext.configure(sync_conn)
        return list(compare_metadata(context, merged))

    async with dispatch.service.runtime.engine.connect() as conn:
        differences = await conn.run_sync(diff)
    assert differences == []
    assert {"work_orders", "penalties", "work_order_requests"} <= set(metadata.tables)


async def test_openapi_documents_the_work_order_api(dispatch: Dispatch) -> None:
    paths = (await dispatch.client.get("/openapi.json")).json()["paths"]
    for path in (
        "/work-orders",
        "/work-orders/{work_order_id}/accept",
        "/work-orders/{work_order_id}/archive",
        "/work-orders/{work_order_id}/history",
        "/penalties",
        "/work-order-requests",
        "/end-of-day-reviews",
    ):
        assert path in paths


def test_every_event_dispatch_appends_is_a_published_contract() -> None:
    published = {m.event_type for m in REGISTRY if m.service == "dispatch"}
    assert {
        "WorkOrderSerialAssigned",
        "PenaltyRecorded",
        "FaultOrderRecorded",
        "WorkOrderRequestReceived",
        "WorkOrderRequestClosed",
        "WorkOrderRefusalRecorded",
        "WorkOrderJudgedUnreasonable",
        "EndOfDayReviewRecorded",
        "EndOfDayReviewDue",
    } <= published
    assert set(definition.timer_handlers()) == {
        "work_order_overdue",
        "work_order_end_of_day_review_due",
    }
