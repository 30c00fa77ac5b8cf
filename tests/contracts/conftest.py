"""Fixtures for the contract tests: paths, the generator tool, a registry builder."""

import importlib.util
import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from opsledger_contracts import EventPayload, EventRegistry

REPO_ROOT = Path(__file__).resolve().parents[2]
CONTRACTS_DIR = REPO_ROOT / "contracts"


@pytest.fixture(scope="session")
def contracts_dir() -> Path:
    return CONTRACTS_DIR


@pytest.fixture(scope="session")
def generate() -> ModuleType:
    """contracts/tools/generate.py, imported as a module (it is a script, not a package)."""
    path = CONTRACTS_DIR / "tools" / "generate.py"
    spec = importlib.util.spec_from_file_location("opsledger_contracts_generate", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def make_registry() -> Callable[..., EventRegistry]:
    """Build a private registry from models, so tests never touch the real REGISTRY."""

    def build(*models: type[EventPayload]) -> EventRegistry:
        registry = EventRegistry()
        for model in models:
            registry.register(model)
        return registry

    return build


def _kafka_bootstrap_from_env() -> str:
    # The kernel's own setting first, then the test suite's override, then the default.
    return (
        os.environ.get("OPSLEDGER_KAFKA_BOOTSTRAP_SERVERS")
        or os.environ.get("OPSLEDGER_TEST_KAFKA")
        or "127.0.0.1:9092"
    )


@pytest.fixture(scope="session")
def contracts_kafka_bootstrap() -> str:
    """A reachable real broker; fails (never skips) when there is none."""
    bootstrap = _kafka_bootstrap_from_env()
    host, _, port = bootstrap.split(",")[0].rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=2):
            pass
    except OSError:
        pytest.fail(
            f"Kafka is not reachable at {bootstrap} (OPSLEDGER_KAFKA_BOOTSTRAP_SERVERS): start "
            "it with `deploy/local/kafka.sh start`, or deselect with -m 'not kafka'"
        )
    return bootstrap
