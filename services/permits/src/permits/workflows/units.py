"""The register's CSV import: every row checked (format and the register), all or nothing."""

from dataclasses import dataclass
from typing import Any

from opsledger.errors import DomainError
from opsledger.pipeline import CommandResult, UnitOfWork, Workflow

from permits.domain.roles import REGISTER_KEEPERS
from permits.domain.units import UNIT, unit_stream
from permits.domain.units.register_csv import BadRow, parse


@dataclass(frozen=True)
class ImportUnits:
    site_id: str
    csv: str


@dataclass(frozen=True)
class Imported:
    """What `ImportUnits` answers: the units registered."""

    site_id: str
    unit_ids: tuple[str, ...]


async def import_units(uow: UnitOfWork, command: ImportUnits) -> CommandResult[Any]:
    rows, bad = parse(uow.site_id, command.csv)
    for line, row in rows:
        if (await uow.load(UNIT, unit_stream(row.site_id, row.unit_id))).version:
            bad.append(BadRow(line, "unit_id", f"{row.unit_id} is already in the register"))
    if bad:
        bad.sort(key=lambda b: b.line)  # stable: columns in file order
        problems = "; ".join(f"line {b.line} {b.column}: {b.problem}" for b in bad)
        raise DomainError(
            "RP-1",
            f"{len({b.line for b in bad})} bad row(s), nothing imported: {problems}",
            fields=[b.field for b in bad],
            problems={b.field: b.problem for b in bad},
        )
    events = []
    for _, row in rows:
        events.extend((await uow.execute(row)).events)
    imported = Imported(uow.site_id, tuple(row.unit_id for _, row in rows))
    return CommandResult(f"units-{uow.site_id}", imported, len(rows), events)


UNIT_WORKFLOWS: list[Workflow[Any]] = [
    Workflow(
        command=ImportUnits,
        roles=REGISTER_KEEPERS,
        site_of=lambda c: c.site_id,
        run=import_units,
    )
]
