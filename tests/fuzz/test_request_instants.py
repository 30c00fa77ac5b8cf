"""Every date or time a client sends, in every installed service, is strictly typed.

Walks each service's routes (bodies, nested models, query and path parameters) and feeds
every date and date-time field a number and, for date-times, a value without a zone:
each must be refused. A new service or field that uses a plain `datetime` fails here;
the kernel's `Instant` and `StrictDate` pass.
"""

import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, get_args

import pytest
from fastapi.routing import APIRoute
from opsledger.service import service_names
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from tests.fuzz.harness import service_app


def _types(annotation: Any) -> Iterator[Any]:
    """The annotation and every type nested in it (unions, lists, Annotated)."""
    yield annotation
    for arg in get_args(annotation):
        yield from _types(arg)


def _fields(model: type[BaseModel], path: str) -> Iterator[tuple[str, FieldInfo]]:
    for name, info in model.model_fields.items():
        yield f"{path}.{name}", info
        for nested in _types(info.annotation):
            if isinstance(nested, type) and issubclass(nested, BaseModel):
                yield from _fields(nested, f"{path}.{name}")


def _request_fields(route: APIRoute) -> Iterator[tuple[str, FieldInfo]]:
    where = f"{','.join(sorted(route.methods or ()))} {route.path}"
    body = route.body_field
    if body is not None:
        for model in _types(body.field_info.annotation):
            if isinstance(model, type) and issubclass(model, BaseModel):
                yield from _fields(model, f"{where} body")
    for param in (*route.dependant.query_params, *route.dependant.path_params):
        yield f"{where} {param.name}", param.field_info


def _temporal(info: FieldInfo) -> type | None:
    """datetime or date if the field takes one (by its JSON schema: any spelling counts)."""
    schema = json.dumps(_adapter(info).json_schema())
    if '"format": "date-time"' in schema:
        return datetime
    return date if '"format": "date"' in schema else None


def _api_routes(routes: Iterable[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif (included := getattr(route, "original_router", None)) is not None:
            yield from _api_routes(included.routes)


def _adapter(info: FieldInfo) -> TypeAdapter[Any]:
    if info.metadata:
        return TypeAdapter(Annotated[(info.annotation, *info.metadata)])  # type: ignore[arg-type]
    return TypeAdapter(info.annotation)  # type: ignore[arg-type]


def _accepts(adapter: TypeAdapter[Any], value: Any) -> bool:
    try:
        adapter.validate_python(value)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("service", service_names())
def test_every_date_and_time_a_client_sends_is_text_with_a_zone(
    service: str, tmp_path: Path
) -> None:
    app = service_app(service, tmp_path)
    loose: list[str] = []
    checked = 0
    for route in _api_routes(app.routes):
        for where, info in _request_fields(route):
            kind = _temporal(info)
            if kind is None:
                continue
            checked += 1
            adapter = _adapter(info)
            if _accepts(adapter, 0):
                loose.append(f"{where}: accepts the number 0")
            if kind is datetime and _accepts(adapter, "2026-12-01T09:00:00"):
                loose.append(f"{where}: accepts a date-time without a zone")
    assert not loose, "\n".join(loose)
    if service in ("callcenter", "dispatch", "fleet"):
        assert checked, "the walk found no date or time field: it is not looking"


def test_the_walk_finds_a_plain_datetime() -> None:
    """The check itself can fail: a plain `datetime` field is loose."""

    class Loose(BaseModel):
        at: datetime | None = None

    info = Loose.model_fields["at"]
    assert _temporal(info) is datetime
    assert _accepts(_adapter(info), 0)
    assert _accepts(_adapter(info), "2026-12-01T09:00:00")
