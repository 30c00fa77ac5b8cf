"""`make mutation`: mutmut over each service's pure domain, with its fast unit tests.

Fast means the pure decider tests: HTTP, flow and wiring test modules are left out (they
cover every mutant and would run for each one), as are PostgreSQL and Kafka tests.

mutmut 3 expects `src/<package>` and tests under one root, so each service is staged in
`.cache/mutation/<service>/` (its `src/`, the shared test fixtures and its own tests),
mutated there and never in the working tree. Results are kept between runs: only
changed functions are mutated and tested again. Prints the score per service.

Mutants judged equivalent (no test can tell them from the original) are listed with a
one-line reason in `tests/mutation/equivalent/<service>.txt` ("<mutant name>  # why"); the
score counts them neither as killed nor as mutants. `--only` restricts a run (and the score)
to mutant names matching a glob, e.g. one module:

    python -m tests.mutation.run [service ...] [--only 'fleet.domain.fuel.decide.*']
"""

import argparse
import fnmatch
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
STAGE = REPO / ".cache" / "mutation"
EQUIVALENT = Path(__file__).resolve().parent / "equivalent"
FAST = "not postgres and not kafka and not slow"
# The shared fixtures and every top-level helper they or a service's tests import.
SHARED_TEST_FILES = ("__init__.py", "conftest.py", "processes.py", "kafka_clients.py", "tokens.py")

PYPROJECT = """\
[tool.mutmut]
source_paths = ["src"]
only_mutate = ["src/{package}/domain/*"]
also_copy = ["tests"]
pytest_add_cli_args_test_selection = ["tests/{tests}"]
pytest_add_cli_args = [
    "-m", "{fast}", "-p", "no:cacheprovider", "-q", "--timeout=120",
    "--ignore-glob=*http*", "--ignore-glob=*flow*", "--ignore-glob=*wiring*",
]

[tool.pytest.ini_options]
asyncio_mode = "auto"
asyncio_default_fixture_loop_scope = "session"
asyncio_default_test_loop_scope = "session"
markers = ["postgres: real PostgreSQL", "kafka: real Kafka", "slow: slow"]
"""


def services_with_a_domain() -> dict[str, Path]:
    """service name -> its package directory, for every service with a domain/."""
    found = {}
    for domain in sorted(REPO.glob("services/*/src/*/domain")):
        package = domain.parent
        found[package.parents[1].name] = package
    return found


def stage(service: str, package: Path) -> Path:
    root = STAGE / service
    (root / "src").mkdir(parents=True, exist_ok=True)
    # copytree keeps mtimes, so mutmut re-mutates only what changed since the last run.
    shutil.copytree(package, root / "src" / package.name, dirs_exist_ok=True)
    tests = root / "tests"
    tests.mkdir(exist_ok=True)
    for name in SHARED_TEST_FILES:
        shutil.copy2(REPO / "tests" / name, tests / name)
    own_tests = REPO / "tests" / service
    if own_tests.is_dir():
        shutil.copytree(own_tests, tests / service, dirs_exist_ok=True)
    (root / "pyproject.toml").write_text(
        PYPROJECT.format(package=package.name, tests=service, fast=FAST)
    )
    return root


def equivalent(service: str) -> dict[str, str]:
    """mutant name -> why it is equivalent, from equivalent/<service>.txt."""
    listed = EQUIVALENT / f"{service}.txt"
    if not listed.exists():
        return {}
    judged = {}
    for line in listed.read_text().splitlines():
        name, _, why = line.partition("#")
        if name.strip():
            judged[name.strip()] = why.strip()
    return judged


def outcomes(root: Path) -> dict[str, str]:
    """mutant name -> mutmut's outcome, read from the .meta files of the run."""
    from mutmut.stats import status_by_exit_code

    found = {}
    for meta in (root / "mutants").rglob("*.py.meta"):
        for name, code in json.loads(meta.read_text()).get("exit_code_by_key", {}).items():
            found[name] = status_by_exit_code[code]
    return found


def score(
    root: Path, judged: dict[str, str], only: list[str]
) -> tuple[int, int, dict[str, int], list[str]]:
    """(killed, mutants checked, counts by outcome, survivors not judged), equivalents left
    out."""
    counts: dict[str, int] = {}
    survivors = []
    for name, outcome in sorted(outcomes(root).items()):
        if only and not any(fnmatch.fnmatch(name, pattern) for pattern in only):
            continue
        if name in judged:
            outcome = "equivalent"
        elif outcome not in ("killed", "caught by type check", "not checked"):
            survivors.append(f"{name}: {outcome}")
        counts[outcome] = counts.get(outcome, 0) + 1
    killed = counts.get("killed", 0) + counts.get("caught by type check", 0)
    # A run stopped part-way scores what it checked; "not checked" is shown, not counted.
    total = sum(counts.values()) - counts.get("equivalent", 0) - counts.get("not checked", 0)
    return killed, total, counts, survivors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("services", nargs="*", help="default: every service with a domain/")
    parser.add_argument("--only", action="append", default=[], help="mutant name glob")
    parser.add_argument("--survivors", action="store_true", help="list survivors not judged")
    args = parser.parse_args()
    available = services_with_a_domain()
    unknown = [s for s in args.services if s not in available]
    if unknown:
        print(f"no domain/ to mutate in: {', '.join(unknown)}", file=sys.stderr)
        return 2
    chosen = args.services or list(available)
    results: list[tuple[str, int, int, dict[str, int], float]] = []
    for i, service in enumerate(chosen, 1):
        print(f"[{i}/{len(chosen)}] {service}: staging and running mutmut", flush=True)
        started = time.monotonic()
        root = stage(service, available[service])
        run = subprocess.run([sys.executable, "-m", "mutmut", "run", *args.only], cwd=root)
        if run.returncode != 0:
            print(f"{service}: mutmut failed (exit {run.returncode})", file=sys.stderr)
            return run.returncode
        killed, total, counts, survivors = score(root, equivalent(service), args.only)
        results.append((service, killed, total, counts, time.monotonic() - started))
        if args.survivors:
            print("\n".join(survivors))
    print("\nmutation score (killed / mutants) of services/*/src/*/domain")
    for service, killed, total, counts, seconds in results:
        pct = 100.0 * killed / total if total else 100.0
        detail = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k != "total")
        print(f"  {service:<18} {pct:5.1f}%  {killed}/{total}  ({detail})  {seconds:.0f} s")
    print(f"survivors: cd {STAGE.relative_to(REPO)}/<service> && {sys.executable} -m mutmut browse")
    return 0


if __name__ == "__main__":
    sys.exit(main())
