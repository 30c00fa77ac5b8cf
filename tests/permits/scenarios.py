"""Permit decider scenarios built by recording commands (no events written by hand)."""

from datetime import UTC, datetime
from typing import Any

from opsledger.testing import Scenario, given
from permits.domain.permit import PERMIT, PermitState
from permits.domain.permit import commands as c
from permits.domain.rules import DRAWING_KINDS

from tests.permits.conftest import FEES

# Wednesday 2026-09-30 09:00 Asia/Shanghai: the eve of the National Day holidays
# (10-01 … 10-07 off, Saturday 10-10 a make-up working day).
EVE = datetime(2026, 9, 30, 1, 0, tzinfo=UTC)
P = "pmt-1"
Permit = Scenario[PermitState, c.PermitCommand]


def open_permit(
    unit_owners: tuple[str, ...] = ("own-1", "own-2"),
    handbook_signed_at_handover: bool = False,
    **overrides: Any,
) -> c.OpenPermit:
    """The application as the workflow records it, with the register's facts."""
    fields: dict[str, Any] = {
        "site_id": "site-a",
        "permit_id": P,
        "unit_id": "B2-1203",
        "applicant_id": "own-1",
        "identity_verified": True,
        "form": True,
        "drawings": tuple(c.Drawing(k, 2, True) for k in DRAWING_KINDS),
        "pledge": True,
        "handbook_issued": True,
        "contractor": "Minjiang Decor Co.",
        "works": "Kitchen refit",
        "structural_change": False,
    }
    fields.update(overrides)
    return c.OpenPermit(c.ApplyForPermit(**fields), unit_owners, handbook_signed_at_handover)


def fees() -> tuple[c.Fee, ...]:
    return tuple(c.Fee(k, v) for k, v in FEES.items())


def applied(at: datetime = EVE, **overrides: Any) -> Permit:
    return given(PERMIT, at=at, stream_id=f"permit-{P}").record(open_permit(**overrides), at=at)


def in_review(at: datetime = EVE) -> Permit:
    return applied(at).record(c.HandToEngineering(P), at=at)


def approved(at: datetime = EVE) -> Permit:
    return in_review(at).record(c.ApprovePermit(P, fees()), at=at)


def paid(at: datetime = EVE) -> Permit:
    scenario = approved(at).record(c.NotifyApplicant(P, "Phoned"), at=at)
    for n, fee in enumerate(fees()):
        scenario.record(c.PayFee(P, fee.kind, fee.amount_fen, f"R-{n}", "owner"), at=at)
    return scenario


def started(at: datetime = EVE) -> Permit:
    scenario = paid(at).record(c.RecordEquipmentCheck(P, True, "In order"), at=at)
    workers = (c.Worker("P-1", "Wang Lei"), c.Worker("P-2", "Li Qiang"))
    return scenario.record(c.StartWorks(P, workers, True), at=at)
