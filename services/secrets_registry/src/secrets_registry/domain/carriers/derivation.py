"""Compilations, excerpts and quotations (SR-15 rev.2): pure.

What is made from carriers keeps, of each source, at least its level, its retention and
no wider a scope, unless that source's originator consents; a compilation also needs
every originator's approval. Defaults: the highest level, the longest retention and the
scope every source allows (their intersection).
"""

from collections.abc import Sequence
from typing import Literal

from secrets_registry.domain.carriers.decide import refuse
from secrets_registry.domain.carriers.state import CarrierState
from secrets_registry.domain.clearance import CarrierLevel

Derivation = Literal["compilation", "excerpt", "quotation"]
RANK = {CarrierLevel.CONFIDENTIAL: 1, CarrierLevel.SECRET: 2, CarrierLevel.TOP_SECRET: 3}


def derived_terms(
    kind: Derivation,
    sources: Sequence[CarrierState],
    level: CarrierLevel | None,
    retention_years: int | None,
    scope: frozenset[str] | None,
    consents: frozenset[str],
) -> tuple[CarrierLevel, int, frozenset[str]]:
    """The level, retention and scope of what is made, or the SR-15 refusal."""
    if not sources:
        refuse("SR-15", "name the carriers it is made from", "sources")
    if kind == "excerpt" and len(sources) != 1:
        refuse("SR-15", "an excerpt is taken from one carrier", "sources")
    top = max(sources, key=lambda s: RANK[s.level]).level
    longest = max(s.retention_years for s in sources)
    common = frozenset.intersection(*(s.scope for s in sources))
    chosen = (level or top, retention_years or longest, scope if scope is not None else common)
    if not chosen[2]:
        refuse(
            "SR-15", "the sources share no scope: name one, with the originators' consent", "scope"
        )
    needed: set[str] = set()
    for source in sources:
        lowers = (
            RANK[chosen[0]] < RANK[source.level]
            or chosen[1] < source.retention_years
            or not chosen[2] <= source.scope
        )
        if lowers or kind == "compilation":
            needed.add(source.originator)
    missing = sorted(needed - consents)
    if missing:
        what = "a compilation" if kind == "compilation" else "lowering level, retention or scope"
        refuse("SR-15", f"{what} needs the consent of {', '.join(missing)}", "consents")
    return chosen
