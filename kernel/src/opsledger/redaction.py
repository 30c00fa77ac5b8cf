"""Fields that only some roles may read, declared once on the answer model.

`net_fen: int | None = read_by(LEDGER_READERS)` marks a field; `redact(answer, roles)`
(called by a service's views for every answer that carries such a field: command
replies, single records, boards, reports) returns the answer without the fields the
caller's roles may not read: absent from the JSON, not null. The OpenAPI document names
the readers of each such field (`x-read-by`).
"""

from collections.abc import Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, Field, JsonValue
from pydantic.fields import FieldInfo

__all__ = ["may_read", "read_by", "redact"]

READ_BY_KEY = "x-read-by"
M = TypeVar("M", bound=BaseModel)


def _absent(value: Any) -> bool:
    return value is None


def read_by(roles: Iterable[str]) -> Any:
    """A field only `roles` (and admin) may read; None, hence absent, for everyone else."""
    readers: list[JsonValue] = [*sorted(set(roles))]
    if not readers:
        raise ValueError("read_by names the roles that may read the field")
    return Field(default=None, exclude_if=_absent, json_schema_extra={READ_BY_KEY: readers})


def may_read(roles: frozenset[str], readers: Iterable[str]) -> bool:
    """Whether a caller with `roles` may read what `readers` may."""
    return "admin" in roles or not roles.isdisjoint(readers)


def _readers(info: FieldInfo) -> list[str] | None:
    extra = info.json_schema_extra
    value = extra.get(READ_BY_KEY) if isinstance(extra, dict) else None
    return [str(r) for r in value] if isinstance(value, list) else None


def redact(answer: M, roles: frozenset[str]) -> M:
    """`answer` without the fields `roles` may not read, in nested answers too."""
    updates: dict[str, Any] = {}
    for name, info in type(answer).model_fields.items():
        value = getattr(answer, name)
        readers = _readers(info)
        if readers is not None and not may_read(roles, readers):
            if value is not None:
                updates[name] = None
            continue
        inner = _redact_value(value, roles)
        if inner is not value:
            updates[name] = inner
    return answer.model_copy(update=updates) if updates else answer


def _redact_value(value: Any, roles: frozenset[str]) -> Any:
    if isinstance(value, BaseModel):
        return redact(value, roles)
    if isinstance(value, list):
        items = [_redact_value(v, roles) for v in value]
        return items if any(a is not b for a, b in zip(items, value, strict=True)) else value
    return value
