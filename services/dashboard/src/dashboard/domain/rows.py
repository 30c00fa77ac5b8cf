"""Each KPI's rows of one record (pure): what `catalogue.CATALOGUE` counts or divides.

Each function reads only facts the owning service published; a clock fact (SlaBreached,
WorkOrderOverdue, PermitReviewOverdue, DepositRefundOverdue, VehicleServiceOverdue,
PatrolMissed, FuelAnomalyDetected) is taken as published, never recomputed. Bump
`readmodels.kpi_rows.REVISION` when a function here changes.
"""

from datetime import date, datetime

from dashboard.domain.kpis import KpiRow
from dashboard.domain.records import Fact, RecordState


def _row(fact: Fact, ref: str, key: str = "", **fields: object) -> KpiRow:
    return KpiRow(key=key or "-", day=fact.local_date, at=fact.occurred_at, ref=ref, **fields)  # type: ignore[arg-type]


def _when(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def _after(state: RecordState, since: Fact, *types: str) -> bool:
    """Whether a fact of `types` followed `since` on this record."""
    return any(f.occurred_at >= since.occurred_at for f in state.of(*types))


# ---- callcenter -------------------------------------------------------------------


def answered_calls(state: RecordState) -> list[KpiRow]:
    call = state.last("CallLogged")
    if call is None:
        return []
    answered = call.get("outcome") == "answered"
    ref = "/kpis"  # callcenter has no per-call read; its KPI board lists the calls
    return [_row(call, ref, counted=answered, detail=str(call.get("outcome")))]


def first_response_in_sla(state: RecordState) -> list[KpiRow]:
    responded = state.first("TicketFirstResponded")
    if responded is not None:
        within = responded.get("within_sla") is True
        ref = f"/tickets/{responded.get('ticket_id')}"
        return [_row(responded, ref, counted=within, detail="within SLA" if within else "late")]
    breached = state.first("SlaBreached")
    if breached is not None:
        ref = f"/tickets/{breached.get('ticket_id')}"
        return [_row(breached, ref, counted=False, detail="SLA breached, no response yet")]
    return []


def callbacks_done(state: RecordState) -> list[KpiRow]:
    resolved = state.first("TicketResolved")
    if resolved is None:
        return []
    reached = any(
        f.get("reached") is True and f.occurred_at >= resolved.occurred_at
        for f in state.of("TicketCallbackRecorded")
    )
    ref = f"/tickets/{resolved.get('ticket_id')}"
    return [_row(resolved, ref, counted=reached, detail="called back" if reached else "waiting")]


def satisfied(state: RecordState) -> list[KpiRow]:
    # The contract's own definition: overall 4-5 of 5 counts as satisfied.
    survey = state.last("SatisfactionSurveyRecorded")
    if survey is None:
        return []
    overall = survey.get("overall")
    good = isinstance(overall, int) and overall >= 4
    ref = f"/tickets/{survey.get('ticket_id')}"
    return [_row(survey, ref, counted=good, value=float(overall or 0), detail=f"{overall}/5")]


# ---- dispatch ---------------------------------------------------------------------


def accepted_on_time(state: RecordState) -> list[KpiRow]:
    issued, accepted = state.first("WorkOrderIssued"), state.last("WorkOrderAccepted")
    if issued is None or accepted is None:
        return []
    at, due = _when(accepted.get("accepted_at")), _when(issued.get("reply_by"))
    on_time = at is not None and due is not None and at <= due
    ref = f"/work-orders/{accepted.get('work_order_id')}"
    return [_row(accepted, ref, counted=on_time, detail="on time" if on_time else "late")]


def overdue_open_orders(state: RecordState) -> list[KpiRow]:
    overdue = state.first("WorkOrderOverdue")
    if overdue is None or _after(state, overdue, "WorkOrderCompleted", "WorkOrderArchived"):
        return []
    return [_row(overdue, f"/work-orders/{overdue.get('work_order_id')}", detail="overdue")]


def repeat_repairs(state: RecordState) -> list[KpiRow]:
    return [
        _row(
            f,
            f"/work-orders/{f.get('work_order_id')}",
            detail=f"after {f.get('previous_work_order_id')}",
        )
        for f in state.of("RepeatRepairFlagged")[:1]
    ]


def penalties(state: RecordState) -> list[KpiRow]:
    return [
        _row(
            f,
            f"/work-orders/{f.get('work_order_id')}",
            key=str(i),
            value=float(f.get("amount_fen") or 0),
            detail=str(f.get("rule")),
        )
        for i, f in enumerate(state.of("PenaltyRecorded"))
    ]


# ---- fleet ------------------------------------------------------------------------


def fuel_anomalies(state: RecordState) -> list[KpiRow]:
    return [
        _row(
            f,
            f"/vehicles/{f.get('vehicle_id')}/fuel",
            key=str(i),
            detail=f"{f.get('kind')}{' (serious)' if f.get('serious') else ''}",
        )
        for i, f in enumerate(state.of("FuelAnomalyDetected"))
    ]


def open_faults(state: RecordState) -> list[KpiRow]:
    if state.first("VehicleRetired") is not None:
        return []
    cleared = {f.get("fault_id") for f in state.of("VehicleFaultCleared")}
    still = [f for f in state.of("VehicleFaultReported") if f.get("fault_id") not in cleared]
    if not still:
        return []
    ref = f"/vehicles/{still[0].get('vehicle_id')}"
    return [_row(still[0], ref, detail=f"{len(still)} open fault(s)")]


def services_overdue(state: RecordState) -> list[KpiRow]:
    overdue = state.last("VehicleServiceOverdue")
    if overdue is None or _after(state, overdue, "VehicleServiced", "VehicleRetired"):
        return []
    ref = f"/vehicles/{overdue.get('vehicle_id')}"
    return [
        _row(overdue, ref, detail=f"{overdue.get('odometer_km')} km / {overdue.get('due_at_km')}")
    ]


# ---- permits ----------------------------------------------------------------------


def reviews_overdue(state: RecordState) -> list[KpiRow]:
    overdue = state.first("PermitReviewOverdue")
    if overdue is None or _after(state, overdue, "PermitApproved", "PermitRejected"):
        return []
    return [_row(overdue, f"/permits/{overdue.get('permit_id')}", detail="review overdue")]


def _refund_past(deadline: str, state: RecordState) -> list[KpiRow]:
    if state.first("DepositRefunded") is not None:
        return []
    past = [f for f in state.of("DepositRefundOverdue") if f.get("deadline") == deadline]
    return [_row(f, f"/permits/{f.get('permit_id')}", detail="not refunded") for f in past[:1]]


def refunds_past_7(state: RecordState) -> list[KpiRow]:
    return _refund_past("target", state)


def refunds_past_15(state: RecordState) -> list[KpiRow]:
    return _refund_past("limit", state)


def patrol_coverage(state: RecordState) -> list[KpiRow]:
    # One row per site-local day of active works: patrolled (counted) or missed.
    days: dict[str, KpiRow] = {}
    for f in state.of("PatrolRecorded", "PatrolMissed"):
        day = str(f.get("local_date"))
        patrolled = f.fact == "PatrolRecorded"
        if day in days and days[day].counted:
            continue
        days[day] = KpiRow(
            key=day,
            day=date.fromisoformat(day),
            at=f.occurred_at,
            counted=patrolled,
            detail="patrolled" if patrolled else "missed",
            ref=f"/works/{f.get('permit_id')}",
        )
    return [days[d] for d in sorted(days)]


# ---- secrets_registry (secrecy roles only: counts and ids, never a title) ----------


def in_declassification(state: RecordState) -> list[KpiRow]:
    departed = state.last("PersonDeparted")
    if departed is None:
        return []
    ends = departed.get("declassification_ends_on")
    return [
        KpiRow(
            key="-",
            day=date.fromisoformat(str(departed.get("left_on"))),
            at=departed.occurred_at,
            ends=date.fromisoformat(str(ends)),
            detail=f"until {ends}",
            ref=f"/people/{departed.get('person_id')}",
        )
    ]


def inventory_discrepancies(state: RecordState) -> list[KpiRow]:
    # The site's latest inventory: its discrepancies stay open until the next one.
    latest = state.last("InventoryReconciled")
    if latest is None:
        return []
    found = latest.get("discrepancies")
    return [
        KpiRow(
            key="-",
            day=date.fromisoformat(str(latest.get("on"))),
            at=latest.occurred_at,
            value=float(found or 0),
            detail=f"inventory {latest.get('inventory_id')}: {found} discrepancies",
        )
    ]
