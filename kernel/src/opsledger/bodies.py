"""A command's HTTP body, derived from the command: its fields are written once.

`body: CommandBody[ReportFault, Literal["vehicle_id"]]` in a route is a pydantic model
with the dataclass's fields minus the path parameters named in the `Literal` (`None`
for none), and `body.command(vehicle_id=vehicle_id)` is the command. Field types and
constraints come from the dataclass (`Annotated[str, Field(max_length=20)]`); a field
whose type is plain is refined by the service's vocabulary, one validated type per
field name (`class FleetBody(CommandBody[C, P]): types = FIELD_TYPES`). Times stay
strict: a plain `datetime` is an `Instant` (zoned text), a plain `date` a
`StrictDate`, plain `int` and `bool` are strict. Bodies refuse unknown fields and strip
whitespace, and a validation error names the field (and the rule its `Field` declares).
"""

import dataclasses
from collections.abc import Mapping
from datetime import date, datetime
from types import NoneType, UnionType
from typing import (
    Annotated,
    Any,
    ClassVar,
    Generic,
    Literal,
    TypeVar,
    Union,
    get_args,
    get_origin,
    get_type_hints,
)

from pydantic import BaseModel, ConfigDict, StrictBool, StrictInt, create_model

from opsledger.fields import Instant, StrictDate

__all__ = ["CommandBody", "body_model"]

C = TypeVar("C")
P = TypeVar("P")

_STRICT: dict[Any, Any] = {datetime: Instant, date: StrictDate, bool: StrictBool, int: StrictInt}


class _Body(BaseModel):
    """Request bodies reject unknown fields."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    __command__: ClassVar[type[Any]]

    def command(self, **path: Any) -> Any:
        """The command: this body's fields and the route's path parameters."""
        return self.__command__(**dict(self), **path)


def _strict(annotation: Any) -> Any:
    """Plain times, dates, ints and bools made strict (inside `X | None` too)."""
    origin = get_origin(annotation)
    if origin in (Union, UnionType):
        args = get_args(annotation)
        strict = [_strict(a) for a in args]
        return Union[tuple(strict)] if strict != list(args) else annotation  # noqa: UP007
    return _STRICT.get(annotation, annotation)


def _refined(name: str, annotation: Any, types: Mapping[str, Any]) -> Any:
    if get_origin(annotation) is Annotated:  # the command says its constraints itself
        return annotation
    if name in types:
        vocabulary = types[name]
        optional = NoneType in get_args(annotation)
        return vocabulary | None if optional else vocabulary
    return _strict(annotation)


_MODELS: dict[tuple[type[Any], tuple[str, ...], int], type[_Body]] = {}


def body_model(
    command: type[Any], path: tuple[str, ...] = (), types: Mapping[str, Any] | None = None
) -> type[_Body]:
    """The body model of `command` (a dataclass) without the fields in `path`."""
    types = types or {}
    key = (command, path, id(types))
    if key in _MODELS:  # one model per command and path, one schema in OpenAPI
        return _MODELS[key]
    if not dataclasses.is_dataclass(command):
        raise TypeError(f"{command!r}: a command is a dataclass")
    hints = get_type_hints(command, include_extras=True)
    unknown = set(path) - {f.name for f in dataclasses.fields(command)}
    if unknown:
        raise ValueError(f"{command.__name__} has no field {sorted(unknown)}")
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(command):
        if f.name in path or not f.init:
            continue
        if f.default is not dataclasses.MISSING:
            default: Any = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            default = ...
        fields[f.name] = (_refined(f.name, hints[f.name], types), default)
    model = create_model(f"{command.__name__}Body", __base__=_Body, **fields)
    model.__command__ = command
    _MODELS[key] = model
    return model


class CommandBody(Generic[C, P]):
    """`CommandBody[Cmd, Literal["id"]]`: the body of `Cmd` without its path field `id`.

    A type for the type checker (`body.command(...)` is a `Cmd`), the derived pydantic
    model for FastAPI. A service names its field vocabulary in a subclass (`types`).
    """

    types: ClassVar[Mapping[str, Any]] = {}

    def command(self, **path: Any) -> C:
        raise NotImplementedError  # the derived model's `command` is what runs

    def __class_getitem__(cls, params: Any) -> Any:
        args = params if isinstance(params, tuple) else (params,)
        if any(isinstance(a, TypeVar) for a in args):  # a subclass declaring C, P
            return super().__class_getitem__(params)  # type: ignore[misc]
        command, path = args
        names: tuple[str, ...] = ()
        if path not in (None, NoneType):
            origin: Any = get_origin(path)
            if origin is not Literal:
                raise TypeError('name the path fields as Literal["field", ...] (or None)')
            names = tuple(str(a) for a in get_args(path))
        return body_model(command, names, cls.types)
