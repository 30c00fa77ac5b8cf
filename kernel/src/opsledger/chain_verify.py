"""`opsledger verify`'s chain check: recompute the chain and name the first tampered event.

Walking the log in position order with the last verified hash, the first row that does
not fit is named, with what explains it:

- `edited`: its content (or its hash) no longer gives its hash, and it is not a moved row;
- `reordered`: it carries the hash of another position and follows an event that is stored
  after it;
- `moved`: it carries the hash computed for another position (a renumbered row);
- `inserted`: a row without hashes (every append writes them at its commit), a sealed
  row with linked rows after it, or rows that the next event's link skips (it links to
  an earlier verified one);
- `removed`: it links to a hash that is nowhere (the event before it is gone); a gap in
  its stream's versions names the missing version;
- `anchor`: the recomputed chain differs from a published head (`--against`): the
  whole chain was rewritten from that position on or before it.

Events sealed at their commit and not linked yet (PostgreSQL's sealer links them a
moment later) are `pending`, not a finding, once their content still gives the hash
sealed at their commit (else `edited`).
"""

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from opsledger.chain import GENESIS, ChainRow, chain_head, iter_chain, link, sealed

_NOT_WRITTEN = "no hash: not written by the store (every append hashes its events at commit)"
_EDITED_SEALED = (
    "its content no longer gives the hash sealed at its commit (changed before it was linked)"
)
_RECENT = 4096  # verified hashes remembered to recognise skipped (inserted) rows
_NEAR = 64  # positions around a row tried when its hash is another position's


@dataclass(frozen=True)
class Anchor:
    """A published chain head: the hash the chain had at `position`."""

    position: int
    hash: bytes
    anchored_at: str = ""


@dataclass(frozen=True)
class Finding:
    """The first event where the stored log and its chain disagree."""

    kind: str
    position: int
    stream_id: str
    version: int
    detail: str

    def __str__(self) -> str:
        return (
            f"{self.kind}: position {self.position} (stream {self.stream_id} "
            f"version {self.version}): {self.detail}"
        )


@dataclass
class ChainReport:
    """What `verify_chain` found: `finding` None means the chain holds."""

    checked: int = 0
    head_position: int = 0
    head_hash: bytes = GENESIS
    pending: int = 0
    anchors_checked: int = 0
    finding: Finding | None = None
    notes: list[str] = field(default_factory=list)


def _named(row: ChainRow, kind: str, detail: str) -> Finding:
    return Finding(kind, row.position, row.stream_id, row.version, detail)


class _Walk:
    def __init__(self, anchors: Sequence[Anchor]) -> None:
        self.last_hash = GENESIS
        self.last_pos = 0
        self.recent: OrderedDict[bytes, ChainRow] = OrderedDict()
        self.stream_versions: dict[str, int] = {}
        self.first_unchained: ChainRow | None = None
        self.unchained = 0
        self.report = ChainReport()
        self.anchors = {a.position: a for a in anchors}
        self.matched: set[int] = set()

    def step(self, row: ChainRow, ahead: Sequence[ChainRow]) -> Finding | None:
        if row.hash is None:
            return _named(row, "inserted", _NOT_WRITTEN)
        if row.prev_hash is None:
            if sealed(row.bytes_at(row.position)) != row.hash:
                return _named(row, "edited", _EDITED_SEALED)
            if self.first_unchained is None:
                self.first_unchained = row
            self.unchained += 1
            return None
        if self.first_unchained is not None:
            first = self.first_unchained
            return _named(
                first,
                "inserted",
                f"not linked, yet position {row.position} after it is "
                "(a row added behind the store's back, or its link cleared)",
            )
        finding = self._check(row, ahead)
        if finding is not None:
            return finding
        self.last_hash, self.last_pos = row.hash, row.position
        self.recent[row.hash] = row
        if len(self.recent) > _RECENT:
            self.recent.popitem(last=False)
        self.stream_versions[row.stream_id] = row.version
        self.report.checked += 1
        anchor = self.anchors.get(row.position)
        if anchor is not None:
            self.report.anchors_checked += 1
            self.matched.add(row.position)
            if anchor.hash != row.hash:
                return _named(
                    row,
                    "anchor",
                    f"the chain here differs from the head published {anchor.anchored_at} "
                    f"({anchor.hash.hex()[:16]}…, recomputed {row.hash.hex()[:16]}…): "
                    "the log was rewritten at or before this position",
                )
        return None

    def _check(self, row: ChainRow, ahead: Sequence[ChainRow]) -> Finding | None:
        assert row.hash is not None and row.prev_hash is not None
        content_ok = link(row.prev_hash, row.bytes_at(row.position)) == row.hash
        moved_from = None if content_ok else self._moved_from(row, ahead)
        if not content_ok and moved_from is None:
            return _named(
                row,
                "edited",
                "its content no longer gives its stored hash (changed after it was chained)",
            )
        if row.prev_hash == self.last_hash:
            if moved_from is None:
                return None
            return _named(row, "moved", f"its hash was computed at position {moved_from}")
        earlier = self.recent.get(row.prev_hash)
        if earlier is not None:
            skipped = next((r for r in self.recent.values() if r.position > earlier.position), None)
            victim = skipped or row
            return _named(
                victim,
                "inserted",
                f"not in the chain: the event at position {row.position} links straight to "
                f"position {earlier.position}",
            )
        later = next((r for r in ahead if r.hash == row.prev_hash), None)
        if later is not None:
            return _named(
                row,
                "reordered",
                f"it was chained after the event now at position {later.position} "
                f"(stream {later.stream_id} version {later.version}), which is stored after it",
            )
        gap = self._version_gap(row, ahead)
        return _named(
            row,
            "removed",
            f"the event chained before it is missing (between position {self.last_pos} "
            f"and {row.position}){gap}",
        )

    def _moved_from(self, row: ChainRow, ahead: Sequence[ChainRow]) -> int | None:
        assert row.hash is not None and row.prev_hash is not None
        near = {r.position for r in ahead[:_NEAR]} | {
            row.position + d for d in range(-_NEAR, _NEAR + 1) if d
        }
        for candidate in sorted(near, key=lambda p: abs(p - row.position)):
            if candidate > 0 and link(row.prev_hash, row.bytes_at(candidate)) == row.hash:
                return candidate
        return None

    def _version_gap(self, row: ChainRow, ahead: Sequence[ChainRow]) -> str:
        """Which stream version went missing: the first gap from here on."""
        versions = dict(self.stream_versions)
        for r in (row, *ahead[: _NEAR * 4]):
            last = versions.get(r.stream_id, 0)
            if r.version > last + 1:
                missing = (
                    f"version {last + 1}"
                    if r.version == last + 2
                    else f"versions {last + 1}..{r.version - 1}"
                )
                return f"; stream {r.stream_id} misses {missing}"
            versions[r.stream_id] = r.version
        return ""


async def _check_tail(engine: AsyncEngine, upto: int, report: ChainReport) -> Finding | None:
    """PostgreSQL: the events after the links walked, all pending: each sealed at its
    commit must still give its hash (one linked since the walk began was checked by the
    sealer before it linked it)."""
    async for batch in iter_chain(engine, after_position=upto):
        for row in batch:
            if row.hash is None:
                return _named(row, "inserted", _NOT_WRITTEN)
            if row.prev_hash is None and sealed(row.bytes_at(row.position)) != row.hash:
                return _named(row, "edited", _EDITED_SEALED)
            report.pending += 1
    return None


async def verify_chain(engine: AsyncEngine, anchors: Iterable[Anchor] = ()) -> ChainReport:
    """Recompute the whole chain (and check it against published heads)."""
    anchor_list = sorted(anchors, key=lambda a: a.position)
    walk = _Walk(anchor_list)
    upto = None
    if engine.dialect.name == "postgresql":
        # Walk the links up to the chain's head at the start: the sealer may link newer
        # events while this runs (a live service), and they must not look inserted.
        async with engine.connect() as conn:
            upto = (await chain_head(conn))[0]
    batches = iter_chain(engine, upto)
    current = await anext(batches, None)
    while current is not None:
        following = await anext(batches, None)
        for i, row in enumerate(current):
            ahead = [*current[i + 1 :], *(following or [])]
            finding = walk.step(row, ahead)
            if finding is not None:
                walk.report.finding = finding
                return walk.report
        current = following
    report = walk.report
    report.head_position, report.head_hash = walk.last_pos, walk.last_hash
    report.pending = walk.unchained
    if upto is not None:
        report.finding = await _check_tail(engine, upto, report)
        if report.finding is not None:
            return report
    if walk.first_unchained is not None and engine.dialect.name == "sqlite":
        # SQLite links every append in its transaction: an unlinked row was not appended.
        report.finding = _named(
            walk.first_unchained,
            "inserted",
            "not linked by the store (SQLite links every append)",
        )
        return report
    missing = [a for a in anchor_list if a.position not in walk.matched]
    if missing:
        a = missing[0]
        report.finding = Finding(
            "anchor",
            a.position,
            "",
            0,
            f"a head was published at position {a.position} ({a.anchored_at}) but no chained "
            f"event is stored there (the chain ends at {walk.last_pos}): events were removed",
        )
    return report
