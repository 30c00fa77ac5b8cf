"""`ReadModel`, the definition a service declares, and the fingerprint naming its table."""

import dataclasses
import functools
import hashlib
import inspect
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import CodeType
from typing import Any, Generic, TypeVar

import sqlalchemy as sa

from opsledger.clock import as_utc
from opsledger.decider import Aggregate
from opsledger.readmodels import columns as _columns

S = TypeVar("S")
SOURCE_COLUMN = "source_stream"  # the stream a row was derived from (kernel-owned)
CHECKPOINT_PREFIX = "readmodel:"


def FROM_COLUMNS(state: Any) -> Iterable[Mapping[str, Any]]:  # noqa: N802 - a marker
    """The default `rows`: derived from the columns' `attr`s (`readmodels.column`)."""
    raise AssertionError("replaced by the rows derived from the columns")


@dataclass(frozen=True, kw_only=True)
class ReadModel(Generic[S]):
    """A table of rows derived from each stream of one aggregate.

    `columns` must include a primary key. Declared with `readmodels.column` (each naming
    the state attribute it shows), they give one row per stream and `rows` is left out;
    otherwise `rows(state)` gives 0..n rows per stream (ledgers, trips). Either way it
    must depend on the state alone (no clock, no I/O), so a rebuild equals the live table.
    Bump `revision` when `rows` or `evolve` changes in a way their source does not show
    (the source of both, and of the functions and classes of their own module they name,
    is part of the fingerprint).
    """

    name: str
    aggregate: Aggregate[S, Any]
    columns: Sequence[sa.Column[Any]]
    rows: Callable[[S], Iterable[Mapping[str, Any]]] = FROM_COLUMNS
    indexes: Sequence[Sequence[str]] = ()
    revision: int = 1
    table: sa.Table = field(init=False, repr=False, compare=False)
    _fingerprint: str = field(init=False, repr=False, compare=False)
    derives_rows: bool = field(init=False, repr=False, compare=False)  # no rows= given

    def __post_init__(self) -> None:
        for column in self.columns:
            # (a UtcDateTime is a TypeDecorator, not a DateTime: it is left as it is)
            if isinstance(column.type, sa.DateTime):
                column.type = UtcDateTime()  # answers always carry their zone, on SQLite too
        if not any(c.primary_key for c in self.columns):
            raise ValueError(f"read model {self.name}: declare a primary key column")
        object.__setattr__(self, "derives_rows", self.rows is FROM_COLUMNS)
        if self.derives_rows:
            object.__setattr__(self, "rows", _columns.derived_rows(self.name, self.columns))
        object.__setattr__(self, "_fingerprint", self._compute_fingerprint())
        physical = f"{self.name}_{self._fingerprint[:8]}"
        table = sa.Table(
            physical,
            sa.MetaData(),
            *self.columns,
            sa.Column(SOURCE_COLUMN, sa.String(200), nullable=False, index=True),
        )
        for i, cols in enumerate(self.indexes):
            sa.Index(f"ix_{physical}_{i}", *(table.c[c] for c in cols))
        object.__setattr__(self, "table", table)

    def fingerprint(self) -> str:
        """Changes whenever the table's shape or the source of `rows` or `evolve` changes."""
        return self._fingerprint

    def _compute_fingerprint(self) -> str:
        parts = [self.name, str(self.revision), self.aggregate.stream_type]
        parts += [f"{c.name}:{c.type!r}:{c.nullable}:{c.primary_key}" for c in self.columns]
        parts += [",".join(ix) for ix in self.indexes]
        if self.derives_rows:  # each column's source stands for `rows`
            parts += ["rows:", *(_source(_columns.attr_of(c)) for c in self.columns)]
        else:
            parts += ["rows:", *sources(self.rows)]
        parts += ["evolve:", *sources(self.aggregate.evolve)]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()

    @functools.cached_property
    def row_model(self) -> type[_columns.Row]:
        """The answer model of one row: a field per shown column, typed from it.

        A view answering `row_model` shows every column added later with no edit.
        """
        return _columns.row_model(self.name, self.columns)

    @property
    def checkpoint(self) -> str:
        return CHECKPOINT_PREFIX + self.table.name

    def rows_of(self, stream_id: str, state: S) -> list[dict[str, Any]]:
        return [{**row, SOURCE_COLUMN: stream_id} for row in self.rows(state)]


def _source(attr: _columns.Attr | None) -> str:
    if attr is None or isinstance(attr, str):
        return repr(attr)
    return "\n".join(sources(attr))


def _names(code: CodeType) -> Iterator[str]:
    """Global names a function's code looks up, nested code (comprehensions, lambdas) too."""
    yield from code.co_names
    for const in code.co_consts:
        if isinstance(const, CodeType):
            yield from _names(const)


def sources(function: Callable[..., Any]) -> list[str]:
    """The source of `function` and of what it names from its own module, transitively.

    Followed: functions and classes found by name in the function's module globals and
    defined in that module (a class by its shape, not followed further). Not followed:
    other modules, attributes (`module.helper`), values passed in at run time. What is
    not followed is what `ReadModel.revision` is for.
    """
    root = inspect.unwrap(function)
    module = getattr(root, "__module__", None)
    found: dict[str, str] = {}
    todo: list[Any] = [root]
    while todo:
        item = todo.pop()
        key = f"{getattr(item, '__module__', '')}.{getattr(item, '__qualname__', repr(item))}"
        if key in found:
            continue
        if inspect.isclass(item):
            found[key] = _shape(item)
            continue
        try:
            found[key] = inspect.getsource(item)
        except (OSError, TypeError):
            found[key] = key  # no source (built in, made at run time): its name at least
            continue
        code, names = getattr(item, "__code__", None), getattr(item, "__globals__", {})
        if code is None:
            continue
        for name in _names(code):
            ref = names.get(name)
            own = getattr(ref, "__module__", None) == module
            if own and (inspect.isfunction(ref) or inspect.isclass(ref)):
                todo.append(ref)
    return [found[key] for key in sorted(found)]


def _shape(cls: type) -> str:
    """A dataclass's fields with their types and defaults (a state's shape); a class's
    source would cost a parse of its module (~50 ms each, measured)."""
    if not dataclasses.is_dataclass(cls):
        return cls.__qualname__
    return f"{cls.__qualname__}({', '.join(map(_field, dataclasses.fields(cls)))})"


def _field(field: dataclasses.Field[Any]) -> str:
    if isinstance(field.default, set | frozenset):  # iteration order varies per process
        default = f"{type(field.default).__name__}({sorted(map(repr, field.default))})"
    elif field.default is not dataclasses.MISSING:
        default = repr(field.default)
    elif field.default_factory is not dataclasses.MISSING:
        default = f"{getattr(field.default_factory, '__qualname__', '?')}()"
    else:
        return f"{field.name}: {field.type}"
    # A repr naming a memory address would change the fingerprint on every start.
    return f"{field.name}: {field.type} = {re.sub(r' at 0x[0-9a-f]+', '', default)}"


class UtcDateTime(sa.TypeDecorator[datetime]):
    """A timestamp stored as UTC and read back zone-aware (SQLite drops the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        return None if value is None else as_utc(value)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        return None if value is None else as_utc(value)
