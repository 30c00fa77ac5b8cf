"""deploy/k8s, checked offline: `kustomize build` of each overlay through `kubeconform -strict`.

Core schemas come from PyPI kubernetes-validate (v1.34), the operators' from
deploy/k8s/schemas (converted from their CRDs by deploy/k8s/refresh-crds.sh). kustomize and
kubeconform are built once with Go into the git-ignored .cache/ by
deploy/local/install-k8s-tools.sh (a few minutes the first time, progress shown; then
instant). The tests also prove the check bites, and check what no schema knows: every
OPSLEDGER_* variable is a real setting, the Kafka ACLs are acls.txt's, the topics keep
their events, and the PostgreSQL connection budget fits max_connections.
`make k8s-check` goes further, against a real API server (CEL rules, admission).
"""

from __future__ import annotations

import base64
import copy
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from opsledger.settings import Settings

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"
INSTALL = REPO / "deploy" / "local" / "install-k8s-tools.sh"
OVERLAYS = ("dev", "production")
CRD_SCHEMA = "{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json"
WORKLOAD_PORTS = {
    "callcenter": 8101,
    "dispatch": 8102,
    "fleet": 8103,
    "permits": 8104,
    "secrets_registry": 8105,
    "ledger": 8106,
    "dashboard": 8107,
}

pytestmark = pytest.mark.timeout(1800)  # the first build of the tools takes minutes


@dataclass(frozen=True)
class Tools:
    kustomize: str
    kubeconform: str
    core_schemas: str

    def kubeconform_cmd(self) -> list[str]:
        return [
            self.kubeconform,
            "-strict",
            "-summary",
            "-output",
            "json",
            "-schema-location",
            self.core_schemas + "/{{ .ResourceKind }}{{ .KindSuffix }}.json",
            "-schema-location",
            f"{K8S}/schemas/{CRD_SCHEMA}",
            "-",
        ]


@pytest.fixture(scope="module")
def tools(pytestconfig: pytest.Config) -> Tools:
    capture = pytestconfig.pluginmanager.getplugin("capturemanager")
    # Progress of a first (minutes-long) build goes straight to the terminal.
    with capture.global_and_fixture_disabled():
        result = subprocess.run(
            ["bash", str(INSTALL), "offline"],
            stdout=subprocess.PIPE,
            text=True,
            timeout=1700,
            check=False,
        )
    assert result.returncode == 0, "deploy/local/install-k8s-tools.sh offline failed (above)"
    found = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    return Tools(found["KUSTOMIZE"], found["KUBECONFORM"], found["CORE_SCHEMAS"])


@pytest.fixture(scope="module")
def k8s_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """deploy/k8s copied, with dev secrets made there: nothing is written into the repo."""
    copy = tmp_path_factory.mktemp("k8s") / "k8s"
    shutil.copytree(K8S, copy, ignore=shutil.ignore_patterns("secrets", "crds", "schemas"))
    subprocess.run(["bash", str(copy / "overlays/dev/make-secrets.sh")], check=True, timeout=30)
    return copy


@pytest.fixture(scope="module")
def built(tools: Tools, k8s_copy: Path) -> dict[str, str]:
    out = {}
    for overlay in OVERLAYS:
        result = subprocess.run(
            [tools.kustomize, "build", str(k8s_copy / "overlays" / overlay)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, f"kustomize build {overlay}: {result.stderr}"
        out[overlay] = result.stdout
    return out


def kubeconform(tools: Tools, manifests: str) -> tuple[int, dict[str, Any]]:
    result = subprocess.run(
        tools.kubeconform_cmd(),
        input=manifests,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    report: dict[str, Any] = json.loads(result.stdout)
    return result.returncode, report


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PARSED: dict[str, list[dict[str, Any]]] = {}


def docs(manifests: str) -> list[dict[str, Any]]:
    """The documents, parsed once per text (the C loader: the output is large)."""
    if manifests not in _PARSED:
        _PARSED[manifests] = [d for d in yaml.load_all(manifests, Loader=_LOADER) if d]
    return copy.deepcopy(_PARSED[manifests])


def of_kind(manifests: str, kind: str) -> list[dict[str, Any]]:
    return [d for d in docs(manifests) if d["kind"] == kind]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_is_valid_against_the_schemas(
    tools: Tools, built: dict[str, str], overlay: str
) -> None:
    code, report = kubeconform(tools, built[overlay])
    summary = report["summary"]
    assert code == 0 and summary["invalid"] == 0 and summary["errors"] == 0, report["resources"]
    # Nothing skipped: a resource without a schema would pass unchecked.
    assert summary["skipped"] == 0, report
    assert summary["valid"] == len(docs(built[overlay]))
    kinds = {d["kind"] for d in docs(built[overlay])}
    assert {"Deployment", "Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser", "Cluster"} <= kinds
    assert {"Database", "ServiceMonitor", "PrometheusRule", "NetworkPolicy"} <= kinds


def _misspelt_field(manifests: str) -> tuple[dict[str, Any], str]:
    deployment = of_kind(manifests, "Deployment")[0]
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["readynessProbe"] = container.pop("readinessProbe")
    return deployment, "readynessProbe"


def _string_for_number(manifests: str) -> tuple[dict[str, Any], str]:
    deployment = of_kind(manifests, "Deployment")[0]
    port = deployment["spec"]["template"]["spec"]["containers"][0]["ports"][0]
    port["containerPort"] = str(port["containerPort"])
    return deployment, "containerPort"


def _unknown_crd_field(manifests: str) -> tuple[dict[str, Any], str]:
    topic = of_kind(manifests, "KafkaTopic")[0]
    topic["spec"]["retentionDays"] = 7
    return topic, "retentionDays"


@pytest.mark.parametrize("mistake", [_misspelt_field, _string_for_number, _unknown_crd_field])
def test_the_check_bites(tools: Tools, built: dict[str, str], mistake: Any) -> None:
    """One mistake in one document of the built output fails the check, naming the field
    (the unchanged document passes: test_overlay_is_valid_against_the_schemas)."""
    document, field = mistake(built["production"])
    code, report = kubeconform(tools, yaml.safe_dump(document, sort_keys=False))
    (result,) = report["resources"]
    assert code != 0 and result["status"] == "statusInvalid", report
    assert field in result["msg"], result["msg"]


def test_generated_files_are_current() -> None:
    result = subprocess.run(
        [sys.executable, str(K8S / "generate.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_dev_secrets_are_never_committed() -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "deploy/k8s"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    assert not [p for p in tracked if "/secrets/" in p], "dev secrets are committed"
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "deploy/k8s/overlays/dev/secrets/auth-secret"], cwd=REPO
    )
    assert ignored.returncode == 0, "deploy/k8s/overlays/dev/secrets/ is not git-ignored"


def test_production_ships_no_secret_values(built: dict[str, str]) -> None:
    assert of_kind(built["production"], "Secret") == []
    # The dev ones are random per machine, never a value from the repository.
    dev_secrets = of_kind(built["dev"], "Secret")
    assert len(dev_secrets) == 1 + len(WORKLOAD_PORTS)


def test_dev_secrets_are_usable_values(built: dict[str, str]) -> None:
    """Env values are taken verbatim: a trailing newline would be part of the token key and
    of the database URL. The key must pass the services' own rules."""
    values = {}
    for secret in of_kind(built["dev"], "Secret"):
        for key, encoded in secret["data"].items():
            values[f"{secret['metadata']['name']}/{key}"] = base64.b64decode(encoded).decode()
    for name, value in values.items():
        assert value == value.strip(), f"{name} has surrounding white space"
        assert value.replace("_", "").isalnum(), f"{name} is not URL-safe"
    key = values["opsledger-auth/auth-secret"]
    assert Settings(auth_secret=key).auth_key() == key


def _containers(manifests: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for d in of_kind(manifests, "Deployment"):
        for c in d["spec"]["template"]["spec"]["containers"]:
            yield d["metadata"]["name"], c


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_variable_is_a_setting(built: dict[str, str], overlay: str) -> None:
    """kubeconform cannot see a misspelt OPSLEDGER_* name: the service would ignore it."""
    fields = {f"OPSLEDGER_{name.upper()}" for name in Settings.model_fields}
    names = set()
    for cm in of_kind(built[overlay], "ConfigMap"):
        names.update(cm["data"])
    for _, container in _containers(built[overlay]):
        names.update(e["name"] for e in container["env"])
    unknown = {n for n in names if n.startswith("OPSLEDGER_")} - fields
    assert unknown == set()


def test_workloads_ports_probes_and_shutdown(built: dict[str, str]) -> None:
    seen = {}
    for name, c in _containers(built["production"]):
        service = c["args"][-1]
        seen[service] = c["ports"][0]["containerPort"]
        assert c["readinessProbe"]["httpGet"]["path"] == "/ready"
        assert c["livenessProbe"]["httpGet"]["path"] == "/health"
        assert c["securityContext"]["readOnlyRootFilesystem"] is True, name
    assert seen == WORKLOAD_PORTS
    for d in of_kind(built["production"], "Deployment"):
        pod = d["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        # uvicorn's graceful shutdown is 10 s (kernel/src/opsledger/serving.py), after preStop.
        pre_stop = pod["containers"][0]["lifecycle"]["preStop"]["sleep"]["seconds"]
        assert pod["terminationGracePeriodSeconds"] >= pre_stop + 10 + 15
    assert {d["spec"]["replicas"] for d in of_kind(built["dev"], "Deployment")} == {1}


def _acl_lines() -> list[list[str]]:
    lines = (REPO / "deploy/local/kafka/acls.txt").read_text().splitlines()
    return [line.split() for line in lines if line.strip() and not line.startswith("#")]


def test_kafka_users_mirror_acls_txt(built: dict[str, str]) -> None:
    users = {u["metadata"]["name"]: u for u in of_kind(built["production"], "KafkaUser")}
    assert set(users) == {s.replace("_", "-") for s in WORKLOAD_PORTS}
    for principal, ops, rtype, pattern, name in _acl_lines():
        rules = users[principal.replace("_", "-")]["spec"]["authorization"]["acls"]
        wanted = {"topic": "Topic", "group": "Group", "cluster": "Cluster"}
        match = [
            r
            for r in rules
            if wanted[r["resource"]["type"]] == rtype
            and r["resource"].get("name", "kafka-cluster") == name.replace("{prefix}", "")
            and r["resource"].get("patternType", "literal") == pattern.lower().replace("ed", "")
        ]
        assert len(match) == 1 and match[0]["operations"] == ops.split(","), (principal, name)


def test_topics_keep_every_event_on_three_brokers(built: dict[str, str]) -> None:
    topics = {t["spec"]["topicName"]: t["spec"] for t in of_kind(built["production"], "KafkaTopic")}
    needed = {n.replace("{prefix}", "") for _, _, rtype, _, n in _acl_lines() if rtype == "Topic"}
    assert needed <= set(topics)
    for name, spec in topics.items():
        assert spec["replicas"] == 3 and spec["config"]["min.insync.replicas"] == 2, name
        assert spec["config"]["retention.ms"] == -1, name  # rebuilds read from the start
    hpas = of_kind(built["production"], "HorizontalPodAutoscaler")
    partitions = min(spec["partitions"] for spec in topics.values())
    # More consumer replicas than partitions would sit idle.
    assert max(h["spec"]["maxReplicas"] for h in hpas) <= partitions


def test_postgres_connections_fit(built: dict[str, str]) -> None:
    """Pool size + overflow (10) per replica at the HPA ceiling, per role, within the
    role's connection limit, and all roles within max_connections."""
    manifests = built["production"]
    (config,) = of_kind(manifests, "ConfigMap")
    per_replica = int(config["data"]["OPSLEDGER_DATABASE_POOL_SIZE"]) + 10
    hpas = of_kind(manifests, "HorizontalPodAutoscaler")
    ceilings = {h["metadata"]["name"]: h["spec"]["maxReplicas"] for h in hpas}
    (cluster,) = of_kind(manifests, "Cluster")
    roles = {r["passwordSecret"]["name"]: r for r in cluster["spec"]["managed"]["roles"]}
    total = 0
    for name, ceiling in ceilings.items():
        limit = roles[f"opsledger-db-{name}"]["connectionLimit"]
        assert per_replica * ceiling <= limit, name
        total += limit
    assert total < int(cluster["spec"]["postgresql"]["parameters"]["max_connections"])
    databases = {d["spec"]["name"] for d in of_kind(manifests, "Database")}
    assert databases == {f"opsledger_{s}" for s in WORKLOAD_PORTS}


def test_crd_schemas_are_converted_from_the_committed_crds(tmp_path: Path) -> None:
    """deploy/k8s/schemas is what crd2schema.py makes of deploy/k8s/crds (refresh-crds.sh
    writes both): a hand edit of either shows here."""
    crds = sorted(str(p) for p in (K8S / "crds").glob("*.yaml"))
    subprocess.run(
        [sys.executable, str(K8S / "crd2schema.py"), str(tmp_path), *crds],
        capture_output=True,
        check=True,
        timeout=120,
    )
    made = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*.json")}
    committed = {
        p.relative_to(K8S / "schemas"): p.read_bytes() for p in (K8S / "schemas").rglob("*.json")
    }
    assert made.keys() == committed.keys()
    assert [name for name in made if made[name] != committed[name]] == []
