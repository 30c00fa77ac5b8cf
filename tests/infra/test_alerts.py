"""deploy/prometheus/alerts.yml: valid, unit-tested with promtool, and usable by on-call.

promtool comes from $OPSLEDGER_PROMTOOL, else deploy/prometheus/install-promtool.sh (built
once into the git-ignored .cache/, a few minutes the first time; Debian's package as a
fallback). The tests also check what promtool cannot: every alert names metrics the kernel
really exports, has summary/description/runbook_url, a runbook page, and a unit test.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from opsledger.metrics import Metrics

REPO = Path(__file__).resolve().parents[2]
PROM_DIR = REPO / "deploy" / "prometheus"
RULES = PROM_DIR / "alerts.yml"
RULE_TESTS = PROM_DIR / "alerts.test.yml"
INSTALL = PROM_DIR / "install-promtool.sh"
RUNBOOK_SECTIONS = ("## Meaning", "## Impact", "## Diagnosis", "## Mitigation")

pytestmark = pytest.mark.timeout(1800)  # the first promtool build may take minutes


@pytest.fixture(scope="module")
def promtool() -> str:
    explicit = os.environ.get("OPSLEDGER_PROMTOOL")
    if explicit:
        return explicit
    result = subprocess.run(
        ["bash", str(INSTALL)], capture_output=True, text=True, timeout=1700, check=False
    )
    assert result.returncode == 0, f"install-promtool.sh failed:\n{result.stderr[-3000:]}"
    return result.stdout.strip().splitlines()[-1]


def _run(cmd: list[str], cwd: Path = PROM_DIR) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def _alerts() -> list[dict[str, Any]]:
    document = yaml.safe_load(RULES.read_text())
    return [rule for group in document["groups"] for rule in group["rules"] if "alert" in rule]


def _exported_metric_names() -> set[str]:
    # From the families: labelled metrics have no samples until first used.
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}
    names: set[str] = set()
    for family in Metrics("callcenter").registry.collect():
        names.update(family.name + suffix for suffix in suffixes.get(family.type, ("",)))
    return names


def test_promtool_accepts_the_rules(promtool: str) -> None:
    result = _run([promtool, "check", "rules", RULES.name])
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(_alerts())} rules found" in result.stdout


def test_the_rule_unit_tests_pass(promtool: str) -> None:
    result = _run([promtool, "test", "rules", RULE_TESTS.name])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_promtool_accepts_the_prometheus_config_with_its_rules(promtool: str) -> None:
    result = _run([promtool, "check", "config", "prometheus.yml"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "alerts.yml" in result.stdout + result.stderr


def test_a_wrong_expectation_fails_the_unit_tests(promtool: str, tmp_path: Path) -> None:
    """So a green run means the expectations were checked."""
    (tmp_path / "alerts.yml").write_text(RULES.read_text())
    broken = RULE_TESTS.read_text().replace(
        'summary: "dispatch is down (Prometheus cannot scrape it)"',
        'summary: "fleet is down"',
    )
    assert broken != RULE_TESTS.read_text()
    (tmp_path / "alerts.test.yml").write_text(broken)
    result = _run([promtool, "test", "rules", "alerts.test.yml"], cwd=tmp_path)
    assert result.returncode != 0
    assert "OpsLedgerServiceDown" in result.stdout + result.stderr


def test_every_alert_uses_metrics_the_kernel_exports() -> None:
    exported = _exported_metric_names()
    for alert in _alerts():
        used = set(re.findall(r"\bopsledger_[a-z0-9_]+", alert["expr"]))
        assert used or 'up{job="opsledger"}' in alert["expr"], alert["alert"]
        assert used <= exported, f"{alert['alert']}: unknown metric(s) {used - exported}"


@pytest.mark.parametrize("alert", _alerts(), ids=lambda a: str(a["alert"]))
def test_every_alert_has_annotations_a_runbook_and_a_unit_test(alert: dict[str, Any]) -> None:
    name = alert["alert"]
    annotations = alert["annotations"]
    assert {"summary", "description", "runbook_url"} <= set(annotations)
    assert alert["labels"]["severity"] in {"warning", "critical"}
    assert annotations["runbook_url"] == f"deploy/runbooks/{name}.md"
    runbook = (REPO / annotations["runbook_url"]).read_text()
    assert runbook.startswith(f"# {name}\n")
    positions = [runbook.find(section) for section in RUNBOOK_SECTIONS]
    assert -1 not in positions and positions == sorted(positions), f"{name}: sections"
    tests = yaml.safe_load(RULE_TESTS.read_text())["tests"]
    fired = {
        case["alertname"]
        for test in tests
        for case in test.get("alert_rule_test", [])
        if case.get("exp_alerts")
    }
    assert name in fired, f"{name} has no unit test in which it fires"


def test_the_issue_s_alerts_are_all_there() -> None:
    names = {a["alert"] for a in _alerts()}
    assert {
        "OpsLedgerConsumerLagRising",
        "OpsLedgerConsumerStalled",
        "OpsLedgerOutboxBacklog",
        "OpsLedgerOutboxStale",
        "OpsLedgerDeadLetters",
        "OpsLedgerConsumerErrorRate",
        "OpsLedgerConsumerSlow",
        "OpsLedgerKafkaUnreachable",
        "OpsLedgerServiceNotReady",
        "OpsLedgerSlaBreaches",
        "OpsLedgerWorkOrdersOverdue",
    } <= names


def test_the_install_script_is_idempotent(promtool: str) -> None:
    again = subprocess.run(
        ["bash", str(INSTALL)], capture_output=True, text=True, timeout=120, check=False
    )
    assert again.returncode == 0, again.stderr
    if not os.environ.get("OPSLEDGER_PROMTOOL"):
        assert again.stdout.strip().splitlines()[-1] == promtool
