"""SR-15 rev.2: compilations, excerpts and quotations never lower what they take."""

from dataclasses import replace

import pytest
from opsledger.errors import DomainError
from secrets_registry.domain.carriers import CarrierState
from secrets_registry.domain.carriers.derivation import derived_terms
from secrets_registry.domain.clearance import CarrierLevel

TS, SECRET, CONF = CarrierLevel.TOP_SECRET, CarrierLevel.SECRET, CarrierLevel.CONFIDENTIAL
A = CarrierState(
    carrier_id="a",
    level=SECRET,
    retention_years=10,
    scope=frozenset({"x", "y"}),
    originator="Bureau A",
)
B = replace(
    A, carrier_id="b", level=CONF, retention_years=20, scope=frozenset({"y"}), originator="Bureau B"
)


def refused(*args: object) -> DomainError:
    with pytest.raises(DomainError) as caught:
        derived_terms(*args)  # type: ignore[arg-type]
    assert caught.value.code == "SR-15"
    return caught.value


def test_sr15_a_compilation_takes_the_highest_level_and_longest_retention() -> None:
    terms = derived_terms(
        "compilation", [A, B], None, None, None, frozenset({"Bureau A", "Bureau B"})
    )
    assert terms == (SECRET, 20, frozenset({"y"}))


def test_sr15_a_compilation_from_two_originators_needs_both() -> None:
    error = refused("compilation", [A, B], None, None, None, frozenset({"Bureau A"}))
    assert "Bureau B" in error.message


def test_sr15_an_excerpt_keeps_its_sources_terms_without_consent() -> None:
    assert derived_terms("excerpt", [A], None, None, None, frozenset()) == (SECRET, 10, A.scope)


@pytest.mark.parametrize(
    ("level", "retention", "scope"),
    [(CONF, None, None), (None, 5, None), (None, None, frozenset({"x", "y", "z"}))],
)
def test_sr15_an_excerpt_or_quotation_never_lowers_level_retention_or_scope(
    level: CarrierLevel | None, retention: int | None, scope: frozenset[str] | None
) -> None:
    refused("excerpt", [A], level, retention, scope, frozenset())
    refused("quotation", [A, B], level, retention, scope, frozenset({"Bureau B"}))
    assert derived_terms("excerpt", [A], level, retention, scope, frozenset({"Bureau A"}))


def test_sr15_a_quotation_raising_the_level_needs_no_consent() -> None:
    assert derived_terms("quotation", [B], TS, None, None, frozenset())[0] == TS
