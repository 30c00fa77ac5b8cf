"""Convert CustomResourceDefinition YAML files into kubeconform's JSON schemas.

    python deploy/k8s/crd2schema.py OUT_DIR CRD.yaml...

Writes OUT_DIR/<group>/<kind>_<version>.json for every served version (kubeconform's
`-schema-location 'OUT_DIR/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json'`).
Strict like kubernetes-validate's core schemas: an object that lists its properties allows no
others (so a misspelt or unknown field fails), unless the CRD says it keeps unknown fields.
CEL rules (x-kubernetes-validations) are not JSON Schema: kubeconform cannot check them;
`make k8s-check` does, on a real API server.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml


def strict(node: Any) -> Any:
    if isinstance(node, list):
        return [strict(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: strict(v) for k, v in node.items()}
    if out.pop("x-kubernetes-int-or-string", False):
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if out.pop("nullable", False) and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    keeps_unknown = out.get("x-kubernetes-preserve-unknown-fields") is True
    if "properties" in out and "additionalProperties" not in out and not keeps_unknown:
        out["additionalProperties"] = False
    return out


def convert(crd: dict[str, Any], out_dir: Path) -> list[Path]:
    spec = crd["spec"]
    group, kind = spec["group"], spec["names"]["kind"]
    written = []
    for version in spec["versions"]:
        if not version.get("served", True):
            continue
        schema = strict(version["schema"]["openAPIV3Schema"])
        props = schema.setdefault("properties", {})
        props["apiVersion"] = {"type": "string", "enum": [f"{group}/{version['name']}"]}
        props["kind"] = {"type": "string", "enum": [kind]}
        schema["additionalProperties"] = False
        target = out_dir / group / f"{kind.lower()}_{version['name']}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(schema, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        written.append(target)
    return written


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    out_dir = Path(argv[0])
    for name in argv[1:]:
        for doc in yaml.safe_load_all(Path(name).read_text(encoding="utf-8")):
            if doc and doc.get("kind") == "CustomResourceDefinition":
                for path in convert(doc, out_dir):
                    print(f"crd2schema: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
