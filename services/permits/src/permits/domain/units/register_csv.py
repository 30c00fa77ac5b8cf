"""The register's CSV import, parsed and checked row by row (pure; RP-1).

Columns (a header row first): `unit_id,label,owners,handbook_signed_at_handover`, where
`owners` is `id=name` pairs separated by `;` and the last column `yes`/`no` (or empty:
no). Every bad row is reported, with its line number and column; nothing is imported
while any row is bad.
"""

import csv
import io
import re
from dataclasses import dataclass

from permits.domain.units.commands import Owner, RegisterUnit

HEADER = ("unit_id", "label", "owners", "handbook_signed_at_handover")
MAX_ROWS = 5000
_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_YES = {
    "yes": True,
    "y": True,
    "true": True,
    "1": True,
    "no": False,
    "n": False,
    "false": False,
    "0": False,
    "": False,
}


@dataclass(frozen=True)
class BadRow:
    """One problem: the CSV line (1 = the header), the column, what is wrong."""

    line: int
    column: str
    problem: str

    @property
    def field(self) -> str:
        return f"rows.{self.line}.{self.column}"


def _owners(text: str) -> tuple[tuple[Owner, ...], str | None]:
    owners = []
    for part in (p.strip() for p in text.split(";") if p.strip()):
        owner_id, sep, name = part.partition("=")
        if not sep or not _ID.match(owner_id.strip()) or not 1 <= len(name.strip()) <= 200:
            return (), f"{part!r} is not id=name"
        owners.append(Owner(owner_id.strip(), name.strip()))
    if not owners:
        return (), "a unit has at least one owner"
    ids = [o.owner_id for o in owners]
    if len(set(ids)) != len(ids):
        return (), "an owner id is given twice"
    return tuple(owners), None


def parse(site_id: str, text: str) -> tuple[list[tuple[int, RegisterUnit]], list[BadRow]]:
    """The rows as commands (with their line), and every bad row."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = tuple(h.strip() for h in next(reader))
    except (StopIteration, csv.Error):
        return [], [BadRow(1, "header", f"the first line is the header {','.join(HEADER)}")]
    if header != HEADER:
        return [], [BadRow(1, "header", f"the header is {','.join(HEADER)}")]
    rows: list[tuple[int, RegisterUnit]] = []
    bad: list[BadRow] = []
    seen: dict[str, int] = {}
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(rows) + len(bad) >= MAX_ROWS:
                bad.append(BadRow(number, "row", f"at most {MAX_ROWS} rows per import"))
                break
            if len(cells) != len(HEADER):
                bad.append(BadRow(number, "row", f"{len(cells)} columns, not {len(HEADER)}"))
                continue
            unit_id, label, owners_text, handbook = (c.strip() for c in cells)
            problems = []
            if not _ID.match(unit_id):
                problems.append(BadRow(number, "unit_id", "1-64 of A-Z a-z 0-9 _ . -"))
            elif unit_id in seen:
                problems.append(BadRow(number, "unit_id", f"also on line {seen[unit_id]}"))
            if not 1 <= len(label) <= 200:
                problems.append(BadRow(number, "label", "1 to 200 characters"))
            owners, problem = _owners(owners_text)
            if problem:
                problems.append(BadRow(number, "owners", problem))
            if handbook.lower() not in _YES:
                problems.append(BadRow(number, "handbook_signed_at_handover", "yes or no"))
            seen.setdefault(unit_id, number)
            if problems:
                bad.extend(problems)
                continue
            command = RegisterUnit(site_id, unit_id, label, owners, _YES[handbook.lower()])
            rows.append((number, command))
    except csv.Error as exc:
        bad.append(BadRow(reader.line_num, "row", f"not CSV: {exc}"))
    if not rows and not bad:
        bad.append(BadRow(2, "row", "no units in the file"))
    return rows, bad
