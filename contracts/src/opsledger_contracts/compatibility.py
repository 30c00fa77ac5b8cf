"""The compatibility gate: compare published (committed) schemas with the current models.

Policy (see contracts/README.md, "Schema evolution"): once `<EventType>.vN` is published,
the set of values every existing field accepts never changes, because old messages stay
in the topics forever (a newer reader must read them) and consumers pin an older
contract (an older reader must read new messages). Compatible within a version:

- a new optional field (absent in older messages; older readers ignore it),
- documentation: descriptions, titles, examples.

Everything else is incompatible and needs a new model `vN+1` registered next to `vN`,
plus an upcaster `vN -> vN+1` in `UPCASTERS`. Removing a published event (or one of its
versions) is incompatible too, unless the event type is listed in `WITHDRAWN` with the
reason (a deliberate, reviewed decision: e.g. a service's internal bookkeeping that was
published by mistake and is now a private event of that service).
"""

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from opsledger_contracts.base import EventPayload
from opsledger_contracts.registry import REGISTRY, EventRegistry
from opsledger_contracts.schemas import (
    EventKey,
    event_schema,
    example_payload,
    lint_model,
)
from opsledger_contracts.upcasting import UPCASTERS, UpcasterChain

Severity = Literal["incompatible", "invalid", "compatible"]
Schema = dict[str, Any]

# Keywords that only document; changing them never affects which values are valid.
_ANNOTATIONS: Final = frozenset(
    {"title", "description", "examples", "$comment", "$schema", "$id", "deprecated"}
)
_UPPER_BOUNDS: Final = ("maxLength", "maximum", "exclusiveMaximum", "maxItems", "maxProperties")
_LOWER_BOUNDS: Final = ("minLength", "minimum", "exclusiveMinimum", "minItems", "minProperties")
_EXACT: Final = ("format", "pattern", "multipleOf", "uniqueItems", "const", "default")


# Event types deliberately withdrawn from the published contracts: event type -> why.
# Listing one here is the only way a published schema may disappear; the gate still
# fails on any other removal. Consumers of a withdrawn type must have stopped using it
# (say which in the reason). Never reuse a withdrawn event type for a new contract.
WITHDRAWN: Final[Mapping[str, str]] = {
    # dispatch, issue #6: stored by dispatch as private events, never consumed elsewhere.
    "WorkOrderSerialAssigned": "internal bookkeeping, now private (kernel NumberAssigned)",
    "FaultOrderRecorded": "internal bookkeeping, now private (WO-10 fault history)",
    "WorkOrderRequestReceived": "internal bookkeeping, now private (dispatch's request inbox)",
    "WorkOrderRequestClosed": "internal bookkeeping, now private (dispatch's request inbox)",
    "EndOfDayReviewDue": "internal bookkeeping, now private (WO-7 reminder timer)",
}


@dataclass(frozen=True)
class Problem:
    """One finding of the gate, printable as one line."""

    severity: Severity
    key: EventKey
    message: str
    field: str | None = None
    hint: str = ""

    @property
    def blocking(self) -> bool:
        """Incompatible or invalid: regenerating does not fix it."""
        return self.severity != "compatible"

    def line(self) -> str:
        """`INCOMPATIBLE dispatch WorkOrderIssued v1 field due_at: type changed ... -> hint`."""
        where = f" field {self.field}" if self.field else ""
        hint = f" -> {self.hint}" if self.hint else ""
        return f"{self.severity.upper()} {self.key}{where}: {self.message}{hint}"


@dataclass(frozen=True)
class Change:
    """One difference between two schemas of the same event version."""

    field: str | None
    message: str
    incompatible: bool


def current_schemas(registry: EventRegistry = REGISTRY) -> dict[EventKey, Schema]:
    """The schema of every registered model, by key (stable order)."""
    return {EventKey.of(model): event_schema(model) for model in registry}


def load_committed(contracts_dir: Path) -> tuple[dict[EventKey, Schema], list[str]]:
    """Read `<contracts_dir>/schemas/**.json`; returns schemas and unreadable-file errors."""
    schemas: dict[EventKey, Schema] = {}
    errors: list[str] = []
    for path in sorted((contracts_dir / "schemas").rglob("*")):
        if path.is_dir():
            continue
        relative = path.relative_to(contracts_dir).as_posix()
        try:
            key = EventKey.parse(relative)
        except ValueError as exc:  # the message names the file
            errors.append(str(exc))
            continue
        try:
            schemas[key] = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:  # json.JSONDecodeError, UnicodeDecodeError
            errors.append(f"{relative}: not a JSON file ({exc})")
    return schemas, errors


def check_contracts(
    committed: Mapping[EventKey, Schema],
    registry: EventRegistry = REGISTRY,
    upcasters: UpcasterChain = UPCASTERS,
    withdrawn: Mapping[str, str] = WITHDRAWN,
) -> list[Problem]:
    """Every problem between the committed schemas and the registry, in stable order.

    A committed schema whose event type is in `withdrawn` may be missing from the registry.
    """
    current = current_schemas(registry)
    models = {EventKey.of(m): m for m in registry}
    problems: list[Problem] = []
    for key in sorted(set(committed) | set(current)):
        if key not in current:
            if key.event_type in withdrawn:
                continue
            problems.append(
                Problem(
                    "incompatible",
                    key,
                    "published schema no longer in the registry (removing a published event "
                    "or version is breaking)",
                    hint="keep its model registered",
                )
            )
            continue
        if key.event_type in withdrawn:
            problems.append(
                Problem(
                    "invalid",
                    key,
                    f"event type {key.event_type} was withdrawn ({withdrawn[key.event_type]})",
                    hint="never reuse a withdrawn event type: name the new contract differently",
                )
            )
        for message in lint_model(models[key]):
            problems.append(Problem("invalid", key, message))
        if key not in committed:
            problems.append(
                Problem("compatible", key, "new schema, not generated yet", hint=_REGENERATE)
            )
        else:
            for change in diff_schemas(committed[key], current[key]):
                if change.incompatible:
                    hint = (
                        f"keep v{key.version} as it was and publish the change as "
                        f"v{key.version + 1} with an upcaster"
                    )
                    problems.append(
                        Problem("incompatible", key, change.message, change.field, hint)
                    )
                else:
                    problems.append(
                        Problem("compatible", key, change.message, change.field, _REGENERATE)
                    )
        if key.version > 1:
            problems.extend(_check_upcasting(key, models, upcasters))
    return problems


_REGENERATE: Final = "run make contracts"


def _check_upcasting(
    key: EventKey, models: Mapping[EventKey, type[EventPayload]], upcasters: UpcasterChain
) -> Iterator[Problem]:
    """vN (N > 1) needs vN-1 registered and an upcaster vN-1 -> vN that yields a valid vN."""
    previous = EventKey(key.service, key.event_type, key.version - 1)
    if previous not in models:
        yield Problem(
            "incompatible",
            key,
            f"v{key.version} is registered but v{previous.version} is not",
            hint="versions must be consecutive",
        )
        return
    if not upcasters.has_step(key.event_type, previous.version):
        yield Problem(
            "incompatible",
            key,
            f"new version without an upcaster from v{previous.version}",
            hint=f"register one with @UPCASTERS.register({key.event_type!r}, {previous.version})",
        )
        return
    # Run the step on the previous version's example: a broken upcaster fails here, not
    # in a consumer replaying old events.
    try:
        step = upcasters.step(key.event_type, previous.version)
        upcast = step(example_payload(models[previous]))
        models[key].model_validate_json(json.dumps(upcast))
    except Exception as exc:  # any failure of user code is a finding, not a crash
        yield Problem(
            "incompatible",
            key,
            f"upcaster v{previous.version} -> v{key.version} does not turn the "
            f"v{previous.version} example into a valid v{key.version} payload: "
            f"{_one_line(exc)}",
        )


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__


def diff_schemas(old: Schema, new: Schema) -> list[Change]:
    """Differences between two schemas of one event version, old = published."""
    differ = _Differ(old, new)
    differ.compare(old, new, None)
    changes = differ.changes
    # Anything the walk does not understand is breaking until proven otherwise. Compare
    # with `$ref`s inlined, so renaming a nested model's class alone is not a change.
    if not changes and _strip_annotations(_inline(old, old)) != _strip_annotations(
        _inline(new, new)
    ):
        changes.append(Change(None, "schema changed in a way the gate does not classify", True))
    if not changes and old != new:
        changes.append(Change(None, "documentation changed (descriptions or examples)", False))
    return changes


def _inline(node: Any, root: Schema, active: frozenset[str] = frozenset()) -> Any:
    """`node` with local `$ref`s replaced by their targets and `$defs` dropped."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            if ref in active:  # recursive model: stop here
                return {"$recursive": True}
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            return _inline({**_pointer(root, ref), **siblings}, root, active | {ref})
        return {k: _inline(v, root, active) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(v, root, active) for v in node]
    return node


def _strip_annotations(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: _strip_annotations(v)
            for k, v in node.items()
            if k not in _ANNOTATIONS and not k.startswith("x-")
        }
    if isinstance(node, list):
        return [_strip_annotations(v) for v in node]
    return node


class _Differ:
    """Walks two schemas side by side, following `$ref`s into each one's `$defs`."""

    def __init__(self, old_root: Schema, new_root: Schema) -> None:
        self.old_root = old_root
        self.new_root = new_root
        self.changes: list[Change] = []
        self._seen: set[tuple[str, str, str]] = set()

    def _add(self, field: str | None, message: str, incompatible: bool = True) -> None:
        self.changes.append(Change(field, message, incompatible))

    def _resolve(self, node: Any, root: Schema) -> tuple[Schema, str]:
        """Inline a `$ref` (siblings win); returns the node and the ref it came from."""
        if not isinstance(node, dict):
            return {}, ""
        ref = ""
        while "$ref" in node:
            ref = str(node["$ref"])
            target = _pointer(root, ref)
            node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        if len(node.get("allOf", [])) == 1 and isinstance(node["allOf"][0], dict):
            inner, ref = self._resolve(node["allOf"][0], root)
            node = {**inner, **{k: v for k, v in node.items() if k != "allOf"}}
        return node, ref

    def compare(self, old: Any, new: Any, path: str | None) -> None:
        old, old_ref = self._resolve(old, self.old_root)
        new, new_ref = self._resolve(new, self.new_root)
        if old_ref and new_ref:
            # Recursive models: compare each pair of definitions once per path prefix.
            marker = (old_ref, new_ref, (path or "").split(".")[0])
            if marker in self._seen:
                return
            self._seen.add(marker)
        old, old_nullable = _split_null(old)
        new, new_nullable = _split_null(new)
        if old_nullable and not new_nullable:
            self._add(path, "no longer nullable (older messages may hold null)")
        elif new_nullable and not old_nullable:
            self._add(path, "now nullable (consumers on the old contract reject null)")

        old_types, new_types = _types(old), _types(new)
        if old_types != new_types:
            self._add(path, f"type changed {_fmt_types(old_types)} -> {_fmt_types(new_types)}")
            return
        self._compare_enum(old, new, path)
        self._compare_bounds(old, new, path)
        for keyword in _EXACT:
            if old.get(keyword) != new.get(keyword):
                self._add(path, f"{keyword} changed {old.get(keyword)!r} -> {new.get(keyword)!r}")
        self._compare_object(old, new, path)
        self._compare_array(old, new, path)
        for union in ("anyOf", "oneOf", "allOf"):
            old_branches, new_branches = old.get(union, []), new.get(union, [])
            if len(old_branches) != len(new_branches):
                self._add(
                    path,
                    f"{union} alternatives changed ({len(old_branches)} -> {len(new_branches)})",
                )
                continue
            for old_branch, new_branch in zip(old_branches, new_branches, strict=True):
                self.compare(old_branch, new_branch, path)

    def _compare_enum(self, old: Schema, new: Schema, path: str | None) -> None:
        if "enum" not in old and "enum" not in new:
            return
        if "enum" not in old or "enum" not in new:
            self._add(path, "enum added" if "enum" in new else "enum removed")
            return
        removed = [v for v in old["enum"] if v not in new["enum"]]
        added = [v for v in new["enum"] if v not in old["enum"]]
        if removed:
            self._add(path, f"enum narrowed: {_fmt_values(removed)} no longer allowed")
        if added:
            self._add(
                path,
                f"enum widened: {_fmt_values(added)} added (consumers on the old contract "
                "reject them)",
            )

    def _compare_bounds(self, old: Schema, new: Schema, path: str | None) -> None:
        for keyword in (*_UPPER_BOUNDS, *_LOWER_BOUNDS):
            before, after = old.get(keyword), new.get(keyword)
            if before == after:
                continue
            upper = keyword in _UPPER_BOUNDS
            if before is None:
                tightened = True
            elif after is None:
                tightened = False
            else:
                tightened = after < before if upper else after > before
            if tightened:
                self._add(
                    path,
                    f"{keyword} tightened {before} -> {after} (older messages may violate it)",
                )
            else:
                self._add(
                    path,
                    f"{keyword} loosened {before} -> {after} (consumers on the old contract "
                    "reject the new values)",
                )

    def _compare_object(self, old: Schema, new: Schema, path: str | None) -> None:
        old_props: dict[str, Any] = old.get("properties", {})
        new_props: dict[str, Any] = new.get("properties", {})
        old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
        removed = sorted(set(old_props) - set(new_props))
        added = sorted(set(new_props) - set(old_props))
        for name in removed:
            renamed = [
                other for other in added if self._same_values(old_props[name], new_props[other])
            ]
            hint = f" (renamed to {', '.join(renamed)}?)" if renamed else ""
            self._add(_join(path, name), f"removed{hint}")
        for name in added:
            if name in new_required:
                self._add(_join(path, name), "new required field (older messages lack it)")
            else:
                self._add(_join(path, name), "optional field added", incompatible=False)
        for name in sorted(set(old_props) & set(new_props)):
            child = _join(path, name)
            if name in old_required and name not in new_required:
                self._add(child, "no longer required (consumers rely on it being present)")
            elif name in new_required and name not in old_required:
                self._add(child, "became required (older messages may lack it)")
            self.compare(old_props[name], new_props[name], child)
        old_extra, new_extra = old.get("additionalProperties"), new.get("additionalProperties")
        if isinstance(old_extra, dict) and isinstance(new_extra, dict):
            self.compare(old_extra, new_extra, _join(path, "*"))
        elif old_extra != new_extra:
            self._add(path, f"additionalProperties changed {old_extra!r} -> {new_extra!r}")

    def _compare_array(self, old: Schema, new: Schema, path: str | None) -> None:
        if "items" in old or "items" in new:
            self.compare(old.get("items", {}), new.get("items", {}), _join(path, "[]"))
        old_prefix, new_prefix = old.get("prefixItems", []), new.get("prefixItems", [])
        if len(old_prefix) != len(new_prefix):
            self._add(path, f"tuple length changed {len(old_prefix)} -> {len(new_prefix)}")
            return
        for index, (before, after) in enumerate(zip(old_prefix, new_prefix, strict=True)):
            self.compare(before, after, _join(path, f"[{index}]"))

    def _same_values(self, old: Any, new: Any) -> bool:
        """Whether two field schemas accept the same values (used to spot renames)."""
        probe = _Differ(self.old_root, self.new_root)
        probe.compare(old, new, None)
        return not any(c.incompatible for c in probe.changes)


def _pointer(root: Schema, ref: str) -> Schema:
    if not ref.startswith("#/"):
        raise ValueError(f"only local $refs are supported, got {ref!r}")
    node: Any = root
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    if not isinstance(node, dict):
        raise ValueError(f"$ref {ref!r} does not point to a schema")
    return node


def _split_null(node: Schema) -> tuple[Schema, bool]:
    """`anyOf: [X, null]` -> (X with the node's other keywords, nullable=True)."""
    for union in ("anyOf", "oneOf"):
        branches = node.get(union)
        if isinstance(branches, list) and {"type": "null"} in branches:
            rest = [b for b in branches if b != {"type": "null"}]
            outer = {k: v for k, v in node.items() if k != union}
            if len(rest) == 1 and isinstance(rest[0], dict):
                return {**rest[0], **outer}, True
            return {**outer, union: rest}, True
    kinds = node.get("type")
    if isinstance(kinds, list) and "null" in kinds:
        remaining = [k for k in kinds if k != "null"]
        return {**node, "type": remaining[0] if len(remaining) == 1 else remaining}, True
    return node, False


def _types(node: Schema) -> tuple[str, ...]:
    kinds = node.get("type")
    if kinds is None:
        return ()
    return tuple(sorted(kinds)) if isinstance(kinds, list) else (str(kinds),)


def _fmt_types(kinds: tuple[str, ...]) -> str:
    return "|".join(kinds) if kinds else "(any)"


def _fmt_values(values: list[Any]) -> str:
    return ", ".join(json.dumps(v) for v in values)


def _join(path: str | None, name: str) -> str:
    if path is None:
        return name
    return f"{path}{name}" if name.startswith("[") else f"{path}.{name}"
