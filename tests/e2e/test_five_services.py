"""All five services as separate processes against the real broker (issue: workspace).

Each answers /health, /ready (200 only with database and Kafka reachable) and /metrics,
on real PostgreSQL and on the SQLite defaults; /ready turns 503 while Kafka is stopped
and back to 200 when it returns.
"""

import subprocess
from pathlib import Path

import httpx
import pytest
from opsledger_contracts import SERVICES

from tests.conftest import REPO
from tests.processes import answers, running, service_env, status, wait_until

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


def _check_probes(procs: dict[str, object]) -> None:
    for name, proc in procs.items():
        url = proc.url  # type: ignore[attr-defined]
        wait_until(answers(f"{url}/ready", 200), 60, f"{name} /ready")
        health = httpx.get(f"{url}/health").json()
        assert health == {"status": "ok", "service": name}
        ready = httpx.get(f"{url}/ready").json()
        assert ready["checks"] == {"database": "ok", "kafka": "ok"}
        metrics = httpx.get(f"{url}/metrics")
        assert metrics.headers["content-type"].startswith("text/plain")
        assert f'opsledger_service_info{{service="{name}"}} 1.0' in metrics.text
        assert "opsledger_outbox_backlog_events" in metrics.text
        assert 'opsledger_dependency_up{dependency="kafka"} 1.0' in metrics.text


def test_five_services_on_sqlite_defaults_answer_health_ready_metrics(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    env = service_env("", kafka_bootstrap, {"OPSLEDGER_DATA_DIR": str(tmp_path / "data")})
    env.pop("OPSLEDGER_DATABASE_URL")
    with running(list(SERVICES), env, tmp_path) as procs:
        _check_probes(procs)  # type: ignore[arg-type]
    assert sorted(p.name for p in (tmp_path / "data").iterdir() if p.suffix == ".db") == sorted(
        f"{s}.db" for s in SERVICES
    )


def test_five_services_on_postgres_and_ready_follows_kafka(
    kafka_bootstrap: str, postgres_url_template: str, tmp_path: Path
) -> None:
    env = service_env(postgres_url_template, kafka_bootstrap)
    with running(list(SERVICES), env, tmp_path) as procs:
        _check_probes(procs)  # type: ignore[arg-type]
        kafka = [str(REPO / "deploy/local/kafka.sh")]
        subprocess.run([*kafka, "stop"], check=True, timeout=60)
        try:
            for name, proc in procs.items():
                wait_until(answers(f"{proc.url}/ready", 503), 30, f"{name} /ready 503")
                body = httpx.get(f"{proc.url}/ready", timeout=10).json()
                assert body["checks"]["database"] == "ok"
                assert body["checks"]["kafka"].startswith("unreachable")
                assert status(f"{proc.url}/health") == 200  # alive, just not ready
        finally:
            subprocess.run([*kafka, "start"], check=True, timeout=180)
        for name, proc in procs.items():
            wait_until(answers(f"{proc.url}/ready", 200), 60, f"{name} /ready 200")
