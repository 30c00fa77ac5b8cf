"""deploy/grafana: the dashboards are current, query real metrics in valid PromQL, and are
provisioned by docker-compose.yml (one per service plus the suite)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from opsledger.metrics import Metrics
from opsledger_contracts import SERVICES

REPO = Path(__file__).resolve().parents[2]
GRAFANA = REPO / "deploy" / "grafana"
DASHBOARDS = GRAFANA / "dashboards"
INSTALL_PROMTOOL = REPO / "deploy" / "prometheus" / "install-promtool.sh"


def _dashboards() -> dict[str, dict[str, Any]]:
    return {p.name: json.loads(p.read_text()) for p in sorted(DASHBOARDS.glob("*.json"))}


def _exprs(dashboard: dict[str, Any]) -> list[str]:
    return [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]


def test_the_dashboards_are_generated_and_current() -> None:
    result = subprocess.run(
        [sys.executable, str(GRAFANA / "generate.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_one_dashboard_per_service_and_one_for_the_suite() -> None:
    dashboards = _dashboards()
    assert set(dashboards) == {f"{s}.json" for s in SERVICES} | {"suite.json"}
    uids = [d["uid"] for d in dashboards.values()]
    assert len(set(uids)) == len(uids)
    for name, dashboard in dashboards.items():
        titles = " ".join(p["title"] for p in dashboard["panels"]).lower()
        for topic in ("request rate", "errors", "latency", "lag", "outbox", "dead letters"):
            assert topic in titles, f"{name}: no {topic} panel"
        assert "events recorded by type" in titles  # business counters
        for panel in dashboard["panels"]:
            if panel["type"] != "row":
                assert panel["datasource"]["uid"] == "prometheus"
    assert (
        "sla breaches"
        in " ".join(p["title"] for p in dashboards["callcenter.json"]["panels"]).lower()
    )


def test_every_query_uses_metrics_the_kernel_exports() -> None:
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}
    exported = {
        family.name + suffix
        for family in Metrics("callcenter").registry.collect()
        for suffix in suffixes.get(family.type, ("",))
    }
    for name, dashboard in _dashboards().items():
        for expr in _exprs(dashboard):
            used = set(re.findall(r"\bopsledger_[a-z0-9_]+", expr))
            assert used and used <= exported, f"{name}: {expr}"


@pytest.mark.timeout(1800)  # the first promtool build may take minutes
def test_every_query_is_valid_promql(tmp_path: Path) -> None:
    """promtool parses each query as a recording rule: a typo fails here, not on a screen."""
    promtool = (
        os.environ.get("OPSLEDGER_PROMTOOL")
        or subprocess.run(
            ["bash", str(INSTALL_PROMTOOL)],
            capture_output=True,
            text=True,
            timeout=1700,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    rules = [
        {"record": f"dashboard:query_{i}", "expr": expr}
        for i, expr in enumerate(e for d in _dashboards().values() for e in _exprs(d))
    ]
    (tmp_path / "queries.yml").write_text(
        yaml.safe_dump({"groups": [{"name": "q", "rules": rules}]})
    )
    result = subprocess.run(
        [promtool, "check", "rules", "--lint=none", str(tmp_path / "queries.yml")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(rules)} rules found" in result.stdout


def test_compose_provisions_grafana_with_the_dashboards_and_prometheus() -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    grafana = compose["services"]["grafana"]
    assert str(grafana["image"]).startswith("grafana/grafana:")
    mounts = {str(v).split(":")[0]: str(v).split(":")[1] for v in grafana["volumes"]}
    assert mounts["./deploy/grafana/provisioning"] == "/etc/grafana/provisioning"
    dashboards_dir = mounts["./deploy/grafana/dashboards"]
    provider = yaml.safe_load((GRAFANA / "provisioning/dashboards/opsledger.yml").read_text())
    assert provider["providers"][0]["options"]["path"] == dashboards_dir
    source = yaml.safe_load((GRAFANA / "provisioning/datasources/prometheus.yml").read_text())
    assert source["datasources"][0]["uid"] == "prometheus"
    assert source["datasources"][0]["url"] == "http://prometheus:9090"
    assert "prometheus" in compose["services"]
    prometheus_mounts = [str(v) for v in compose["services"]["prometheus"]["volumes"]]
    assert any(m.startswith("./deploy/prometheus/alerts.yml:") for m in prometheus_mounts)
