"""A read-model column written once: the table's column, its value, its API field.

`column("plate", sa.String(20))` is a column filled from `state.plate`; `attr=` names
another attribute, a dotted path (`"out.trip_id"`, None when a step is None) or a small
function of the state (`lambda s: len(s.faults)`). A `ReadModel` whose columns all say
where their value comes from needs no `rows(state)`: the kernel derives one row per
stream from them. Its answer model (`ReadModel.row_model`) is derived from the columns
too, so a column added is a field of every answer built from it with no other edit.
"""

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, create_model

from opsledger.fields import StoredInstant
from opsledger.redaction import read_by as _read_by

__all__ = [
    "Attr",
    "Row",
    "column",
    "derived_rows",
    "getter",
    "python_type",
    "response_model",
    "row_model",
]

Attr = str | Callable[[Any], Any]
_ATTR = "opsledger.attr"  # keys of sa.Column.info
_SHOWN = "opsledger.shown"
_READERS = "opsledger.read_by"


def column(
    name: str,
    type_: sa.types.TypeEngine[Any] | type[sa.types.TypeEngine[Any]],
    attr: Attr | None = None,
    *,
    primary_key: bool = False,
    nullable: bool = False,
    shown: bool = True,
    read_by: Iterable[str] | None = None,
) -> sa.Column[Any]:
    """A read-model column and where its value comes from (`attr`, default: `name`).

    `shown=False` keeps the column out of the answer model (a key only queries use);
    `read_by=roles` makes its answer field one only those roles read (`redaction`).
    """
    info: dict[str, Any] = {_ATTR: name if attr is None else attr, _SHOWN: shown}
    if read_by is not None:
        info[_READERS] = frozenset(read_by)
    return sa.Column(name, type_, primary_key=primary_key, nullable=nullable, info=info)


def getter(attr: Attr) -> Callable[[Any], Any]:
    """A function reading `attr` (a name, a dotted path, or a function) from a state."""
    if callable(attr):
        return attr
    steps = attr.split(".")

    def get(state: Any) -> Any:
        value = state
        for step in steps:
            if value is None:
                return None
            value = getattr(value, step)
        return value

    return get


def derived_rows(
    name: str, columns: Iterable[sa.Column[Any]]
) -> Callable[[Any], Iterable[Mapping[str, Any]]]:
    """`rows(state)` from the columns' sources: one row per stream."""
    getters = []
    for c in columns:
        if _ATTR not in c.info:
            raise ValueError(
                f"read model {name}: column {c.name} does not say where its value comes"
                " from (declare it with opsledger.readmodels.column, or give rows=)"
            )
        getters.append((c.name, getter(c.info[_ATTR])))

    def rows(state: Any) -> Iterable[Mapping[str, Any]]:
        return ({name: get(state) for name, get in getters},)

    return rows


def attr_of(c: sa.Column[Any]) -> Attr | None:
    """Where a column's value comes from, if declared with `column`."""
    value = c.info.get(_ATTR)
    return cast(Attr, value) if value is not None else None


def python_type(c: sa.Column[Any]) -> Any:
    """The answer type of a column: from its SQL type; timestamps come back in UTC."""
    sql = c.type.impl_instance if isinstance(c.type, sa.TypeDecorator) else c.type
    base = sql.python_type
    kind: Any = StoredInstant if base is datetime else base
    if base not in (str, int, bool, float, Decimal, date, datetime):
        raise TypeError(f"column {c.name}: no answer type for {c.type!r}")
    return kind | None if c.nullable or _READERS in c.info else kind


class Row(BaseModel):
    """One row of a read model as answered: the base of every `ReadModel.row_model`.

    Its fields are made at run time from the columns, so the type checker sees them as
    `Any` (`row.status`); the answer's JSON shape is the columns'.
    """

    # The kernel's own column (the source stream) comes with `select(table)`: ignored.
    model_config = ConfigDict(frozen=True, extra="ignore")

    if TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any: ...


def row_model(name: str, columns: Iterable[sa.Column[Any]]) -> type[Row]:
    """A pydantic answer model with one field per shown column, typed from the column."""
    fields: dict[str, Any] = {}
    for c in columns:
        if not c.info.get(_SHOWN, True):
            continue
        readers = c.info.get(_READERS)
        fields[c.name] = (python_type(c), ... if readers is None else _read_by(readers))
    title = "".join(part.capitalize() for part in name.split("_")) + "Row"
    return create_model(title, __base__=Row, **fields)


def response_model(read_model: Any, *, many: bool = False) -> Any:
    """A route's `response_model=`: the read model's row model, or a list of them.

    `@router.get("/vehicles", response_model=response_model(VEHICLES, many=True))`.
    """
    model: type[Row] = read_model.row_model
    return list[model] if many else model  # type: ignore[valid-type]
