"""Dispatch's composition: migrations match the declared tables; docs; wiring."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from dispatch.bootstrap import definition
from opsledger.migrate import target_metadata
from opsledger.readmodels import RUNTIME_TABLES
from opsledger_contracts import REGISTRY

from tests.dispatch.conftest import Dispatch


async def test_migrations_create_exactly_the_declared_tables(dispatch: Dispatch) -> None:
    """Alembic owns the kernel's tables (dispatch declares none of its own now); the read
    models' tables are kernel-managed (built from the events at start-up), not migrated."""
    merged = target_metadata(definition)
    read_model_tables = {m.table.name for m in dispatch.service.read_models.projections}

    def migrated(name: str | None, kind: str, parent: object) -> bool:
        return not (kind == "table" and name in read_model_tables | RUNTIME_TABLES)

    def diff(sync_conn: sa.Connection) -> list[object]:
        context = MigrationContext.configure(sync_conn, opts={"include_name": migrated})
        return list(compare_metadata(context, merged))

    async with dispatch.service.runtime.engine.connect() as conn:
        differences = await conn.run_sync(diff)
        tables = set(await conn.run_sync(lambda sync: sa.inspect(sync).get_table_names()))
    assert differences == []
    assert read_model_tables <= tables
    assert not {"work_orders", "penalties", "work_order_requests", "diagnostic_pings"} & tables
    assert definition.metadata.tables == {}


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
        "/diagnostics/pings/{ping_id}",
    ):
        assert path in paths


def test_bookkeeping_events_are_private_and_the_rest_published() -> None:
    published = {m.event_type for m in REGISTRY if m.service == "dispatch"}
    private = {m.event_type for m in definition.private_events}
    assert {
        "PenaltyRecorded",
        "DispatchLedgerEntryRecorded",
        "WorkOrderRefusalRecorded",
        "WorkOrderJudgedUnreasonable",
        "EndOfDayReviewRecorded",
    } <= published
    assert private == {
        "WorkOrderSerialAssigned",
        "FaultOrderRecorded",
        "WorkOrderRequestReceived",
        "WorkOrderRequestClosed",
        "EndOfDayReviewDue",
        "SuperiorRecorded",
        "WorkOrderOpenAtReview",
        "WorkOrderReviewPlanned",
        # flow 4: the registry's clearances and key locations as dispatch records them
        "ClearanceNoted",
        "ClearanceEndNoted",
        "KeyLocationAssignmentClaimed",
        "KeyLocationNoted",
        "KeyLocationCheckedIn",  # WO-12 rev.2
    }
    assert not published & private


def test_timer_kinds_and_subscription_names_are_kept(dispatch: Dispatch) -> None:
    assert set(dispatch.service.bus.timer_handlers()) == {
        "work_order_overdue",
        "work_order_end_of_day_review_due",
        "work_order_end_of_day_review_missed",  # WO-7 rev.
        "work_order_review_roll_call",  # WO-7 rev.
    }
    assert {i.name for i in definition.inbound()} == {
        "diagnostic-pings",
        "work-order-requests",
        "vehicle-answers",  # WO-11: fleet's answers
        "secrecy",  # flow 4: the registry's clearances and key locations (WO-12)
        "inspection-requests",  # flow 2: permits' renovation inspections
    }


def test_each_entry_module_imports_first_without_a_cycle() -> None:
    """No import cycle, whichever module a process loads first (bootstrap loads
    `fault_history` before `work_order`; tests and tools load others first)."""
    import subprocess
    import sys

    first = [
        "dispatch.bootstrap",
        "dispatch.domain.fault_history",
        "dispatch.domain.reviews",
        "dispatch.domain.reporting_line",
        "dispatch.domain.review_calendar",
        "dispatch.domain.requests",
        "dispatch.domain.work_order.issue",
    ]
    script = "\n".join(
        [
            "import subprocess, sys",
            "for name in sys.argv[1:]:",
            "    done = subprocess.run([sys.executable, '-c', 'import ' + name])",
            "    if done.returncode:",
            "        print(name)",
        ]
    )
    found = subprocess.run(
        [sys.executable, "-c", script, *first], capture_output=True, text=True, check=True
    )
    assert found.stdout == "", f"fail to import first: {found.stdout}"
