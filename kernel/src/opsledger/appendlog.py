"""`AppendLog`: an immutable sequence whose append is O(1), for states that grow.

A frozen state that keeps a tuple of everything that happened (a vehicle's trips)
copies the tuple on every event, so folding n events costs O(n²): 4,000 trips took a
second. An `AppendLog` shares one buffer between the versions of a state: appending to
the newest version appends to the buffer and returns a longer view of it; each view sees
only its own prefix. Appending to an older version (a fork, rare: the same state decided
twice) copies its prefix first, so no version ever sees another's items.
"""

from collections.abc import Iterable, Iterator
from typing import Any, Generic, TypeVar, overload

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

T = TypeVar("T")

__all__ = ["AppendLog", "HistoryLog"]


class AppendLog(Generic[T]):
    """An immutable sequence; `log.append(x)` is a new log, in O(1) amortized."""

    __slots__ = ("_items", "_size")

    def __init__(self, items: Iterable[T] = ()) -> None:
        self._items: list[T] = list(items)
        self._size = len(self._items)

    def append(self, item: T) -> "AppendLog[T]":
        items = self._items
        if len(items) != self._size:  # a longer version shares the buffer: fork
            items = items[: self._size]
        items.append(item)
        grown: AppendLog[T] = AppendLog.__new__(AppendLog)
        grown._items, grown._size = items, self._size + 1
        return grown

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[T]:
        items = self._items
        return (items[i] for i in range(self._size))

    def __reversed__(self) -> Iterator[T]:
        items = self._items
        return (items[i] for i in range(self._size - 1, -1, -1))

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...
    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        if isinstance(index, slice):
            return tuple(self._items[: self._size][index])
        if index < 0:
            index += self._size
        if not 0 <= index < self._size:
            raise IndexError("AppendLog index out of range")
        return self._items[index]

    def __bool__(self) -> bool:
        return self._size > 0

    def __eq__(self, other: object) -> bool:
        if isinstance(other, AppendLog):
            return self._size == other._size and (
                self._items is other._items
                or self._items[: self._size] == other._items[: other._size]
            )
        if isinstance(other, tuple | list):
            return self._items[: self._size] == list(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"AppendLog({self._items[: self._size]!r})"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        """Snapshots (and any pydantic model) see it as a list of its items."""
        args = getattr(source, "__args__", None)
        item = handler.generate_schema(args[0] if args else Any)
        as_list = core_schema.list_schema(item)
        return core_schema.no_info_after_validator_function(
            cls,
            as_list,
            serialization=core_schema.plain_serializer_function_ser_schema(
                list, return_schema=as_list
            ),
        )


class HistoryLog(AppendLog[T]):
    """An `AppendLog` no decider reads: a history kept in the state for read models only
    (a vehicle's returned trips), which fold it from the events.

    Left out of snapshots, so loading a long stream does not decode its whole history
    for every command. A state loaded from a snapshot holds an unloaded log: appending
    to it is free, reading it raises (the pipeline's states are for deciding; read
    models never load snapshots).
    """

    __slots__ = ("_unloaded",)

    def __init__(self, items: Iterable[T] = ()) -> None:
        super().__init__(items)
        self._unloaded = False

    @classmethod
    def unloaded(cls) -> "HistoryLog[T]":
        log: HistoryLog[T] = cls()
        log._unloaded = True
        return log

    def append(self, item: T) -> "HistoryLog[T]":
        if self._unloaded:
            return self
        grown = super().append(item)
        history: HistoryLog[T] = HistoryLog.__new__(HistoryLog)
        history._items, history._size, history._unloaded = grown._items, grown._size, False
        return history

    def _check(self) -> None:
        if self._unloaded:
            raise LookupError("this history is not in snapshots: fold the stream's events")

    def __len__(self) -> int:
        self._check()
        return super().__len__()

    def __iter__(self) -> Iterator[T]:
        self._check()
        return super().__iter__()

    def __reversed__(self) -> Iterator[T]:
        self._check()
        return super().__reversed__()

    def __bool__(self) -> bool:
        self._check()
        return super().__bool__()

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...
    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        self._check()
        return super().__getitem__(index)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, HistoryLog) and (self._unloaded or other._unloaded):
            return self._unloaded and other._unloaded
        return super().__eq__(other)

    def __hash__(self) -> int:
        return 0 if self._unloaded else super().__hash__()

    def __repr__(self) -> str:
        return "HistoryLog(<not loaded>)" if self._unloaded else f"History{super().__repr__()}"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        """In a snapshot: null, read back as an unloaded log."""
        return core_schema.no_info_after_validator_function(
            lambda _: cls.unloaded(),
            core_schema.none_schema(),
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda _: None, return_schema=core_schema.none_schema()
            ),
        )
