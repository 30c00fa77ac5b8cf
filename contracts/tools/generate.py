"""Generate the published contracts, or check them (the compatibility gate).

    python contracts/tools/generate.py           # write schemas/ and asyncapi.yaml
    python contracts/tools/generate.py --check   # CI: fail on any drift, classified

Writes `contracts/schemas/<service>/<EventType>.v<N>.json` for every registered model and
`contracts/asyncapi.yaml` for all five topics. Output is canonical (sorted keys, fixed
examples), so running it twice changes nothing.

`--check` regenerates in memory and compares with the committed files; one line per
finding, then exit status 1 if anything is INCOMPATIBLE or INVALID (regenerating does
not help: publish a new version with an upcaster, or fix the model), 3 if everything
only needs `make contracts` (COMPATIBLE changes, DRIFT), 0 when all is in sync. Writing
refuses blocking findings too, so the gate cannot be silenced by regenerating; in CI
add `--against origin/main` to compare with the published branch instead of the work
tree.
"""

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from opsledger_contracts.asyncapi import build_asyncapi, render_asyncapi_html
from opsledger_contracts.compatibility import (
    Problem,
    Schema,
    check_contracts,
    current_schemas,
    load_committed,
)
from opsledger_contracts.registry import REGISTRY, EventRegistry
from opsledger_contracts.schemas import EventKey, render_json
from opsledger_contracts.upcasting import UPCASTERS, UpcasterChain

CONTRACTS_DIR = Path(__file__).resolve().parent.parent
ASYNCAPI_FILE = "asyncapi.yaml"
EXIT_BLOCKING = 1
EXIT_DRIFT = 3


class _NoAliasDumper(yaml.SafeDumper):
    """Never emit YAML anchors/aliases: shared sub-dicts must read as plain copies."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    # Multi-line descriptions read far better as literal blocks than as quoted scalars.
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_NoAliasDumper.add_representer(str, _represent_str)


def render_yaml(document: Any) -> str:
    """Canonical YAML text: sorted keys, block style, no aliases, UTF-8."""
    return yaml.dump(
        document,
        Dumper=_NoAliasDumper,
        sort_keys=True,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )


def expected_files(registry: EventRegistry = REGISTRY) -> dict[str, str]:
    """Every generated file (path relative to the contracts directory -> text)."""
    files = {key.path: render_json(schema) for key, schema in current_schemas(registry).items()}
    files[ASYNCAPI_FILE] = render_yaml(build_asyncapi(registry=registry))
    return files


@dataclass
class Report:
    """The outcome of comparing the models with the committed files."""

    problems: list[Problem] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    drift: list[str] = field(default_factory=list)

    @property
    def blocking(self) -> bool:
        """Whether anything is incompatible or invalid (regenerating would not fix it)."""
        return bool(self.unreadable) or any(p.blocking for p in self.problems)

    @property
    def clean(self) -> bool:
        """Whether the committed files are exactly what the models generate."""
        return not self.problems and not self.unreadable and not self.drift

    def lines(self) -> list[str]:
        """One line per finding, blocking ones first."""
        ordered = sorted(self.problems, key=lambda p: not p.blocking)
        unreadable = [f"INVALID {error}" for error in self.unreadable]
        return unreadable + [p.line() for p in ordered] + self.drift


def check(
    contracts_dir: Path = CONTRACTS_DIR,
    registry: EventRegistry = REGISTRY,
    upcasters: UpcasterChain = UPCASTERS,
    against: str | None = None,
) -> Report:
    """Compare the registry with the files in `contracts_dir` (or at git ref `against`)."""
    committed, unreadable = (
        load_committed(contracts_dir) if against is None else _load_from_git(contracts_dir, against)
    )
    report = Report(problems=check_contracts(committed, registry, upcasters), unreadable=unreadable)
    if against is not None:
        # Against a base branch, compatible differences (new events, new optional fields)
        # are the point of the change; only breaking ones matter. Staleness of the work
        # tree is still caught by the file comparison below.
        report.problems = [p for p in report.problems if p.blocking]
    if report.blocking:
        return report  # an invalid model may not even generate; staleness is moot
    flagged = {p.key.path for p in report.problems}
    for relative, text in expected_files(registry).items():
        path = contracts_dir / relative
        on_disk = path.read_text(encoding="utf-8") if path.is_file() else None
        # Schema files already reported semantically need no second line.
        if on_disk != text and relative not in flagged:
            state = "missing" if on_disk is None else "differs from what the models generate"
            report.drift.append(f"DRIFT {relative}: {state} -> run make contracts")
    return report


def _load_from_git(contracts_dir: Path, ref: str) -> tuple[dict[EventKey, Schema], list[str]]:
    """The committed schemas as of git `ref` (e.g. origin/main)."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(contracts_dir), *args], check=True, capture_output=True, text=True
        ).stdout

    schemas: dict[EventKey, Schema] = {}
    errors: list[str] = []
    for relative in git("ls-tree", "-r", "--name-only", ref, "--", "schemas").splitlines():
        try:
            key = EventKey.parse(relative)
            schemas[key] = json.loads(git("show", f"{ref}:./{relative}"))
        except ValueError as exc:
            errors.append(f"{relative}@{ref}: {exc}")
    return schemas, errors


def write(contracts_dir: Path = CONTRACTS_DIR, registry: EventRegistry = REGISTRY) -> list[str]:
    """Write every generated file that differs; returns the paths written."""
    written = []
    for relative, text in expected_files(registry).items():
        path = contracts_dir / relative
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(relative)
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="compare only; never write")
    mode.add_argument("--write", action="store_true", help="write the files (the default)")
    parser.add_argument(
        "--against", metavar="GIT_REF", help="compare with the schemas at this git ref"
    )
    parser.add_argument("--contracts-dir", type=Path, default=CONTRACTS_DIR, help=argparse.SUPPRESS)
    parser.add_argument("--html", type=Path, metavar="FILE", help="also write the HTML view")
    args = parser.parse_args(argv)

    try:
        report = check(args.contracts_dir, against=args.against)
    except subprocess.CalledProcessError as exc:
        print(f"contracts: git failed: {exc.stderr.strip()}", file=sys.stderr)
        return 2
    for line in report.lines():
        # When writing, only what blocks the write is news; the rest is being fixed.
        if args.check or not line.startswith(("COMPATIBLE", "DRIFT")):
            print(line)
    if report.blocking:
        print(
            "contracts: incompatible or invalid changes; nothing written "
            "(see contracts/README.md, 'Schema evolution')",
            file=sys.stderr,
        )
        return EXIT_BLOCKING
    if args.check:
        if report.clean:
            return 0
        print("contracts: out of date -> run make contracts", file=sys.stderr)
        return EXIT_DRIFT
    for relative in write(args.contracts_dir):
        print(f"wrote {relative}")
    if args.html is not None:
        args.html.write_text(render_asyncapi_html(build_asyncapi()), encoding="utf-8")
        print(f"wrote {args.html}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
