"""A small published history touching every KPI of the catalogue, at two sites, built from
each contract's own example (only the ids and the fields a KPI reads are changed)."""

from datetime import timedelta
from typing import Any

from opsledger_contracts import EventPayload
from opsledger_contracts.registry import REGISTRY

from tests.dashboard.conftest import OTHER, SITE, Dashboard


def example(event_type: str, **changes: Any) -> EventPayload:
    model = REGISTRY.latest(event_type)
    extra = model.model_config.get("json_schema_extra")
    examples = extra.get("examples") if isinstance(extra, dict) else None
    assert isinstance(examples, list) and isinstance(examples[0], dict), event_type
    return model.model_validate({**examples[0], **changes})


async def publish_history(dashboard: Dashboard) -> None:
    d = dashboard
    for site in (SITE, OTHER):
        s = site[-1]
        for i, outcome in enumerate(("answered", "answered", "abandoned")):
            await d.deliver(
                "callcenter",
                example("CallLogged", call_id=f"C{s}{i}", outcome=outcome),
                f"call-C{s}{i}",
                site,
            )
        t = f"ticket-T{s}"
        await d.deliver(
            "callcenter",
            example("TicketFirstResponded", ticket_id=f"T{s}", within_sla=True),
            t,
            site,
        )
        await d.deliver("callcenter", example("TicketResolved", ticket_id=f"T{s}"), t, site)
        await d.deliver(
            "callcenter",
            example("TicketCallbackRecorded", ticket_id=f"T{s}", reached=True),
            t,
            site,
        )
        await d.deliver(
            "callcenter",
            example("SatisfactionSurveyRecorded", ticket_id=f"T{s}", overall=3),
            t,
            site,
        )
        await d.deliver(
            "callcenter", example("SlaBreached", ticket_id=f"U{s}"), f"ticket-U{s}", site
        )
        w = f"work-order-W{s}"
        reply_by = (d.clock.now() + timedelta(hours=4)).isoformat()
        await d.deliver(
            "dispatch",
            example("WorkOrderIssued", work_order_id=f"W{s}", reply_by=reply_by),
            w,
            site,
        )
        await d.deliver(
            "dispatch",
            example(
                "WorkOrderAccepted", work_order_id=f"W{s}", accepted_at=d.clock.now().isoformat()
            ),
            w,
            site,
        )
        await d.deliver("dispatch", example("WorkOrderOverdue", work_order_id=f"W{s}"), w, site)
        await d.deliver("dispatch", example("RepeatRepairFlagged", work_order_id=f"W{s}"), w, site)
        await d.deliver(
            "dispatch", example("PenaltyRecorded", work_order_id=f"W{s}", amount_fen=3000), w, site
        )
        v = f"vehicle-V{s}"
        await d.deliver("fleet", example("VehicleFaultReported", vehicle_id=f"V{s}"), v, site)
        await d.deliver("fleet", example("VehicleServiceOverdue", vehicle_id=f"V{s}"), v, site)
        await d.deliver(
            "fleet", example("FuelAnomalyDetected", vehicle_id=f"V{s}"), f"fuel-V{s}", site
        )
        p = f"permit-P{s}"
        await d.deliver("permits", example("PermitReviewOverdue", permit_id=f"P{s}"), p, site)
        await d.deliver(
            "permits",
            example("DepositRefundOverdue", permit_id=f"P{s}", deadline="target"),
            p,
            site,
        )
        await d.deliver(
            "permits", example("DepositRefundOverdue", permit_id=f"P{s}", deadline="limit"), p, site
        )
        today = d.clock.now().date()
        for back, kind in ((2, "PatrolMissed"), (1, "PatrolRecorded")):
            day = (today - timedelta(days=back)).isoformat()
            await d.deliver(
                "permits", example(kind, permit_id=f"P{s}", local_date=day), f"works-P{s}", site
            )
