"""The published anchor contract (contracts/anchors/) is what the model and the
publisher produce: the schema file, the AsyncAPI document's example, the headers."""

import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import yaml
from opsledger.chain_anchor import anchor_message
from opsledger_contracts.anchors import ChainHeadAnchored, anchors_topic

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts" / "anchors"


def test_the_schema_file_is_the_models_schema() -> None:
    on_disk = json.loads((CONTRACTS / "ChainHeadAnchored.v1.json").read_text())
    assert on_disk == {**ChainHeadAnchored.model_json_schema(), "$id": "ChainHeadAnchored.v1.json"}


def test_the_asyncapi_example_and_a_published_message_validate_against_the_schema() -> None:
    schema = json.loads((CONTRACTS / "ChainHeadAnchored.v1.json").read_text())
    document = yaml.safe_load((CONTRACTS / "asyncapi.yaml").read_text())
    message = document["components"]["messages"]["ChainHeadAnchored.v1"]
    for example in message["examples"]:
        jsonschema.validate(example["payload"], schema)
    head = ChainHeadAnchored(
        service="dispatch",
        position=7,
        hash="ab" * 32,
        anchored_at=datetime(2026, 12, 7, tzinfo=UTC),
    )
    key, value, headers = anchor_message(head)
    jsonschema.validate(json.loads(value), schema)
    assert key == b"dispatch"
    names = {name for name, _ in headers}
    assert set(message["headers"]["required"]) <= names
    assert dict(headers)["ce_type"] == b"ChainHeadAnchored"
    assert document["channels"]["anchors"]["address"].replace("{service}", "dispatch") == (
        anchors_topic("dispatch")
    )
