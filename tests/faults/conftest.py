"""The fault tier: how many runs per case, with which seeds; the restartable infrastructure.

OPSLEDGER_FAULT_RUNS runs per case (default 1, as in `make test`; `make faults` sets 20).
Run i of a case draws its timings from Random(seed + i); the seed is in every progress
line, and OPSLEDGER_FAULT_SEED=<seed> replays the same timings.
"""

import os
import random
from collections.abc import Callable, Iterator

import pytest

from tests.faults.infra import OwnKafka, OwnPostgres, own_kafka, own_postgres


def fault_runs() -> int:
    return max(1, int(os.environ.get("OPSLEDGER_FAULT_RUNS", "1")))


@pytest.fixture
def seed() -> int:
    return int(os.environ.get("OPSLEDGER_FAULT_SEED", "0")) or random.SystemRandom().randrange(
        1, 10**6
    )


@pytest.fixture
def say(capsys: pytest.CaptureFixture[str]) -> Callable[[str], None]:
    """A progress line on the terminal at once, even when pytest captures output."""

    def show(line: str) -> None:
        with capsys.disabled():
            print(f"\nfaults: {line}", flush=True)

    return show


@pytest.fixture(scope="session")
def restartable_kafka() -> Iterator[OwnKafka]:
    """A broker of the tier's own (never the shared one on 9092)."""
    with own_kafka() as kafka:
        yield kafka


@pytest.fixture(scope="session")
def restartable_postgres() -> Iterator[OwnPostgres]:
    """A PostgreSQL cluster of the tier's own (never the shared one on 5432)."""
    with own_postgres() as pg:
        yield pg
