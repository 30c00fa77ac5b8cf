"""Every service has the same skeleton (kernel/README.md, "Layout of a service").

Read from the files, never imported, so it runs in a second and can judge another tree:
`OPSLEDGER_LAYOUT_ROOT=/path/to/checkout pytest tests/test_layout.py` (for an old commit:
`git archive <commit> services | tar -x -C /tmp/old`, then point it at /tmp/old).

    services/<svc>/src/<svc>/
        bootstrap.py   the composition root: the ServiceDefinition and its lazy loaders
        domain/        pure: one package per aggregate, shared pure modules beside them
        workflows/     cross-stream `Workflow`s, one module per area; WORKFLOWS
        inbound/       `Inbound` policies, one module per source service; INBOUND
        readmodels/    `ReadModel`s, one module per area; READ_MODELS
        views/         queries and response models, one module per area
        entrypoints/   HTTP routers `http_<area>.py`; ROUTERS
        migrations/    only where a service has its own (legacy) migrations
"""

import ast
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(os.environ.get("OPSLEDGER_LAYOUT_ROOT") or Path(__file__).resolve().parents[1])
ROOMS = {"domain", "workflows", "inbound", "readmodels", "views", "entrypoints", "migrations"}
TOP_FILES = {"__init__.py", "py.typed", "bootstrap.py"}
# A service with aggregates has these rooms; workflows/ and inbound/ only when it has any.
REQUIRED_WITH_AGGREGATES = {"domain", "readmodels", "views", "entrypoints"}
# The room that exposes each list, and the one place each kind of definition lives.
EXPOSES = {
    "workflows": "WORKFLOWS",
    "inbound": "INBOUND",
    "readmodels": "READ_MODELS",
    "entrypoints": "ROUTERS",
}
HOME = {
    "Workflow": "workflows",
    "Inbound": "inbound",
    "ReadModel": "readmodels",
    "APIRouter": "entrypoints",
}
IO_PACKAGES = {"sqlalchemy", "httpx", "aiokafka", "faststream", "asyncpg", "aiosqlite"}
MAX_LINES = 400


def packages() -> list[Path]:
    """services/<svc>/src/<svc> of every service in ROOT."""
    return sorted(p for p in ROOT.glob("services/*/src/*") if (p / "__init__.py").is_file())


SERVICES = pytest.mark.parametrize("package", packages(), ids=lambda p: p.name)


def sources(directory: Path) -> Iterator[Path]:
    yield from sorted(p for p in directory.rglob("*.py") if "__pycache__" not in p.parts)


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def constructed(module: ast.Module) -> set[str]:
    """Names called at module level or anywhere below it: `Workflow(...)`, `x.ReadModel(...)`."""
    names = set()
    for node in ast.walk(module):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name is not None:
                names.add(name)
    return names


def assigned(module: ast.Module) -> set[str]:
    names = set()
    for node in module.body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def imported(module: ast.Module) -> set[str]:
    """Top-level packages imported anywhere in the module."""
    found = set()
    for node in ast.walk(module):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def has_aggregates(package: Path) -> bool:
    domain = package / "domain"
    return domain.is_dir() and any("Aggregate" in constructed(tree(p)) for p in sources(domain))


def test_the_tree_has_services() -> None:
    assert len(packages()) >= 5, f"no services found under {ROOT}"


@SERVICES
def test_only_the_known_rooms_sit_in_the_service_package(package: Path) -> None:
    unknown = []
    for entry in sorted(package.iterdir()):
        if entry.name == "__pycache__":
            continue
        known = entry.name in ROOMS if entry.is_dir() else entry.name in TOP_FILES
        if not known:
            unknown.append(entry.name + ("/" if entry.is_dir() else ""))
    assert not unknown, f"{package.name}: not part of the layout: {unknown}"
    assert (package / "bootstrap.py").is_file(), f"{package.name}: no bootstrap.py"


@SERVICES
def test_no_room_is_empty(package: Path) -> None:
    empty = [
        room.name
        for room in package.iterdir()
        if room.is_dir()
        and room.name != "__pycache__"
        and not any(p.stat().st_size for p in room.rglob("*.py"))
    ]
    assert not empty, f"{package.name}: empty packages: {empty}"


@SERVICES
def test_bootstrap_is_the_definition_and_its_lazy_loaders(package: Path) -> None:
    """Top level: imports, loader functions and `definition`; the rooms load lazily."""
    lazy = {"workflows", "inbound", "readmodels", "views", "entrypoints"}
    wrong = []
    for node in tree(package / "bootstrap.py").body:
        if isinstance(node, ast.ImportFrom) and node.module:
            parts = node.module.split(".")
            if parts[0] == package.name and len(parts) > 1 and parts[1] in lazy:
                wrong.append(f"imports {node.module} eagerly (load it in a function)")
        elif isinstance(node, ast.Assign):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            if names != ["definition"]:
                wrong.append(f"assigns {names} (only `definition`)")
        elif not isinstance(node, ast.Import | ast.ImportFrom | ast.FunctionDef | ast.Expr):
            wrong.append(f"has a {type(node).__name__} at the top level")
    assert not wrong, f"{package.name}/bootstrap.py: {wrong}"


@SERVICES
def test_a_service_with_aggregates_has_every_required_room(package: Path) -> None:
    if not has_aggregates(package):
        pytest.skip(f"{package.name} has no aggregates yet")
    missing = sorted(r for r in REQUIRED_WITH_AGGREGATES if not (package / r).is_dir())
    assert not missing, f"{package.name}: rooms missing: {missing}"


@SERVICES
def test_each_room_exposes_its_list(package: Path) -> None:
    wrong = []
    for room, name in EXPOSES.items():
        init = package / room / "__init__.py"
        if (package / room).is_dir() and (not init.is_file() or name not in assigned(tree(init))):
            wrong.append(f"{room}/__init__.py does not define {name}")
    assert not wrong, f"{package.name}: {wrong}"


@SERVICES
def test_routers_live_in_http_modules(package: Path) -> None:
    entrypoints = package / "entrypoints"
    if not entrypoints.is_dir():
        return
    routed = [
        p.name
        for p in sources(entrypoints)
        if "APIRouter" in constructed(tree(p)) and not p.name.startswith("http_")
    ]
    assert not routed, f"{package.name}: routers outside http_<area>.py: {routed}"


@SERVICES
def test_each_definition_lives_in_its_room(package: Path) -> None:
    misplaced = []
    for path in sources(package):
        relative = path.relative_to(package)
        built = constructed(tree(path))
        for kind, room in HOME.items():
            if kind in built and relative.parts[0] != room:
                misplaced.append(f"{kind} in {relative} (belongs in {room}/)")
    assert not misplaced, f"{package.name}: {misplaced}"


@SERVICES
def test_aggregates_have_a_package_of_their_own(package: Path) -> None:
    domain = package / "domain"
    if not domain.is_dir():
        return
    loose = [
        p.name
        for p in sorted(domain.glob("*.py"))
        if p.name != "__init__.py" and "Aggregate" in constructed(tree(p))
    ]
    assert not loose, f"{package.name}: aggregates in domain/ modules, not packages: {loose}"


@SERVICES
def test_the_domain_does_no_io(package: Path) -> None:
    domain = package / "domain"
    if not domain.is_dir():
        return
    impure = {
        str(p.relative_to(package)): sorted(imported(tree(p)) & IO_PACKAGES)
        for p in sources(domain)
        if imported(tree(p)) & IO_PACKAGES
    }
    assert not impure, f"{package.name}: I/O in the domain: {impure}"


@SERVICES
def test_no_file_is_over_the_limit(package: Path) -> None:
    long = {
        str(p.relative_to(package)): n
        for p in sources(package)
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"{package.name}: files over {MAX_LINES} lines: {long}"


def test_the_checks_catch_a_service_that_departs(tmp_path: Path) -> None:
    """Each check fails on a made-up service that breaks its rule (the checks are not blind)."""
    package = tmp_path / "services" / "bad" / "src" / "bad"
    for room in ("domain/thing", "views", "readmodels", "entrypoints"):
        (package / room).mkdir(parents=True)
        (package / room / "__init__.py").write_text('"""x"""\n')
    (package / "__init__.py").write_text("")
    (package / "handlers.py").write_text("W = Workflow(command=int)\n")
    (package / "domain" / "thing" / "state.py").write_text("import sqlalchemy\n")
    (package / "domain" / "loose.py").write_text("THING = Aggregate()\n")
    (package / "views" / "board.py").write_text("router = APIRouter()\n" + "x = 1\n" * MAX_LINES)
    (package / "entrypoints" / "routes.py").write_text("router = APIRouter()\n")
    (package / "bootstrap.py").write_text("from bad.views import board\nX = 1\n")
    checks = [
        test_only_the_known_rooms_sit_in_the_service_package,
        test_bootstrap_is_the_definition_and_its_lazy_loaders,
        test_each_room_exposes_its_list,
        test_routers_live_in_http_modules,
        test_each_definition_lives_in_its_room,
        test_aggregates_have_a_package_of_their_own,
        test_the_domain_does_no_io,
        test_no_file_is_over_the_limit,
    ]
    for check in checks:
        with pytest.raises(AssertionError):
            check(package)
    (package / "empty").mkdir()
    (package / "empty" / "__init__.py").write_text("")
    with pytest.raises(AssertionError):
        test_no_room_is_empty(package)
    (package / "views" / "__init__.py").unlink()
    (package / "views" / "board.py").unlink()
    (package / "views").rmdir()
    with pytest.raises(AssertionError):
        test_a_service_with_aggregates_has_every_required_room(package)
