"""The kernel's shared field types refuse what the fuzz tier found slipping through."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
from opsledger.fields import (
    ID_MAX_LENGTH,
    SITE_ID_MAX_LENGTH,
    Instant,
    Month,
    SiteId,
    StoredInstant,
    StrictDate,
)
from pydantic import TypeAdapter, ValidationError


def test_an_id_derived_from_the_longest_site_fits_the_event_contracts() -> None:
    site = TypeAdapter(SiteId).validate_python("s" * SITE_ID_MAX_LENGTH)
    # The longest derivations in the services: tickets/customers, work orders.
    assert len(f"T-{site}-{'0' * 12}") <= ID_MAX_LENGTH
    assert len(f"WO-{site}-{10**12}") <= ID_MAX_LENGTH
    with pytest.raises(ValidationError):
        TypeAdapter(SiteId).validate_python("s" * (SITE_ID_MAX_LENGTH + 1))
    with pytest.raises(ValidationError):
        TypeAdapter(SiteId).validate_python("site/a")


@pytest.mark.parametrize(
    "value", [0, 1700000000, 1.5, True, "2026-12-01T09:00:00", "0001-01-01T00:00:00Z"]
)
def test_an_instant_is_text_with_a_zone_in_range(value: Any) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(Instant).validate_python(value)


def test_an_instant_keeps_its_zone() -> None:
    parsed = TypeAdapter(Instant).validate_python("2026-12-01T09:00:00+08:00")
    assert parsed == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize("value", [0, 20261201, "0000-01-01", "3000-01-01"])
def test_a_date_is_text_in_range(value: Any) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(StrictDate).validate_python(value)
    assert TypeAdapter(StrictDate).validate_python("2026-12-01") == date(2026, 12, 1)


@pytest.mark.parametrize("value", ["0000-01", "1899-12", "3000-01", "2026-13", "2026-1"])
def test_a_month_has_a_real_year(value: str) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(Month).validate_python(value)
    assert TypeAdapter(Month).validate_python("2026-12") == "2026-12"


def test_a_stored_instant_without_a_zone_is_utc() -> None:
    naive = datetime(2026, 12, 1, 9, 0)
    stored = TypeAdapter(StoredInstant)
    assert stored.validate_python(naive).tzinfo is UTC
    assert stored.dump_json(stored.validate_python(naive)) == b'"2026-12-01T09:00:00Z"'
