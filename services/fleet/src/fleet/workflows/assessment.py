"""FL-10 rev.2 workflows: deductions into an open month, and the office's closing.

- `RecordDriverDeduction` / `RecordVehicleDeduction`: the itemized deduction on the
  person's conduct stream or the vehicle's stream, noted on the site's assessment month
  (refused there once the month is closed).
- `CloseAssessmentMonth`: the site's drivers and vehicles (named by the boards), each
  one's deductions read from its own stream, closed with the scores for payroll. A
  deduction noted meanwhile conflicts with the closing, which re-runs.
"""

from dataclasses import dataclass, fields
from typing import Any, TypeVar

from opsledger.pipeline import CommandResult, UnitOfWork, Workflow, roles
from opsledger_contracts.events.fleet import AssessmentScore

from fleet.domain.assessment import (
    ASSESSMENT_MONTH,
    CloseAssessment,
    NoteDeduction,
    assessment_stream,
    month_open,
)
from fleet.domain.conduct import CONDUCT, conduct_stream
from fleet.domain.conduct.commands import DeductDriverPoints
from fleet.domain.vehicles import VEHICLE, vehicle_stream
from fleet.domain.vehicles.commands import DeductVehiclePoints
from fleet.views import assessment as views
from fleet.workflows.vehicles import vehicle_at_site

C = TypeVar("C")

ASSESSORS = roles("fleet_office", "fleet_captain")
FULL_MARKS = 100


# An assessor's deduction is the domain's own command, run through the site's month:
# the same fields (the vehicle's plus the site the month belongs to), never restated.
@dataclass(frozen=True)
class RecordDriverDeduction(DeductDriverPoints):
    """An itemized deduction from a driver's month, noted on the site's month (FL-10)."""


@dataclass(frozen=True)
class RecordVehicleDeduction(DeductVehiclePoints):
    """An itemized deduction from a vehicle's month, noted on the site's month (FL-10)."""

    site_id: str


@dataclass(frozen=True)
class CloseAssessmentMonth:
    """The office closes the site's assessment month (FL-10 rev.2)."""

    site_id: str
    month: str


async def _open_month(uow: UnitOfWork, month: str) -> None:
    month_open(
        (await uow.load(ASSESSMENT_MONTH, assessment_stream(uow.site_id, month))).state, month
    )


def _as(kind: type[C], command: object) -> C:
    """The domain command a workflow command stands for (its fields, by name)."""
    return kind(**{f.name: getattr(command, f.name) for f in fields(kind)})  # type: ignore[arg-type]


async def _deduct(
    uow: UnitOfWork, command: RecordDriverDeduction | RecordVehicleDeduction, deduct: object
) -> CommandResult[Any]:
    await _open_month(uow, command.month)
    result = await uow.execute(deduct)
    await uow.execute(NoteDeduction(uow.site_id, command.month, command.deduction_id))
    return result


async def deduct_driver(uow: UnitOfWork, command: RecordDriverDeduction) -> CommandResult[Any]:
    return await _deduct(uow, command, _as(DeductDriverPoints, command))


async def deduct_vehicle(uow: UnitOfWork, command: RecordVehicleDeduction) -> CommandResult[Any]:
    await vehicle_at_site(uow, command.vehicle_id)
    return await _deduct(uow, command, _as(DeductVehiclePoints, command))


def _score(kind: str, subject: str, deducted: int) -> AssessmentScore:
    score = max(FULL_MARKS - deducted, 0)
    return AssessmentScore(kind=kind, subject=subject, deducted=deducted, score=score)


async def close_month(uow: UnitOfWork, command: CloseAssessmentMonth) -> CommandResult[Any]:
    month = command.month
    drivers, vehicles = await views.subjects(uow.conn, uow.site_id)
    scores = []
    for person in drivers:
        state = (await uow.load(CONDUCT, conduct_stream(uow.site_id, person))).state
        scores.append(_score("driver", person, state.points(month)))
    for vehicle_id in vehicles:
        vehicle = (await uow.load(VEHICLE, vehicle_stream(vehicle_id))).state
        if vehicle.site_id == uow.site_id:
            deducted = sum(d[2] for d in vehicle.deductions if d[1] == month)
            scores.append(_score("vehicle", vehicle_id, deducted))
    return await uow.execute(CloseAssessment(uow.site_id, month, tuple(scores)))


ASSESSMENT_WORKFLOWS: list[Workflow[Any]] = [
    Workflow(
        command=RecordDriverDeduction,
        roles=ASSESSORS,
        site_of=lambda c: c.site_id,
        run=deduct_driver,
    ),
    Workflow(
        command=RecordVehicleDeduction,
        roles=ASSESSORS,
        site_of=lambda c: c.site_id,
        run=deduct_vehicle,
    ),
    Workflow(
        command=CloseAssessmentMonth,
        roles=roles("fleet_office"),  # FL-10 rev.2: the office closes
        site_of=lambda c: c.site_id,
        run=close_month,
        attempts=3,  # a deduction noted meanwhile conflicts: re-read and re-close
    ),
]
