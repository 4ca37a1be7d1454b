"""Shared helpers of the deploy tests: the generator and renderer modules, rendered overlays,
schema validation, environment resolution and a small NetworkPolicy evaluator."""
from __future__ import annotations

import base64
import functools
import importlib.util
import ipaddress
import json
import re
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
from pydantic import AliasChoices
from referencing import Registry, Resource

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
SCHEMAS = K8S / "schemas"
OVERLAYS = ("dev", "prod")
NAMESPACES = {"dev": "civic-dev", "prod": "civic"}
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "Job")


def _load(name: str, path: Path) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@functools.cache
def generator() -> types.ModuleType:
    return _load("civic_k8s_generate", K8S / "generate.py")


@functools.cache
def kustomize() -> types.ModuleType:
    return _load("civic_k8s_kustomize_lite", K8S / "kustomize_lite.py")


@functools.cache
def rendered(overlay: str) -> tuple[dict, ...]:
    return tuple(kustomize().build(K8S / "overlays" / overlay))


def find(objects: tuple[dict, ...] | list[dict], kind: str, name: str | None = None) -> list[dict]:
    return [o for o in objects if o["kind"] == kind and (name is None or o["metadata"]["name"] == name)]


def one(objects: tuple[dict, ...] | list[dict], kind: str, name: str) -> dict:
    found = find(objects, kind, name)
    assert len(found) == 1, f"expected one {kind}/{name}, found {len(found)}"
    return found[0]


# ------------------------------------------------------------------ components (not via the generator)

def service_names() -> list[str]:
    return sorted(p.name for p in (ROOT / "services").iterdir()
                  if p.is_dir() and p.name != "servicekit" and (p / "__main__.py").is_file())


def component_names() -> list[str]:
    return [*service_names(), "gateway"]


def settings_class(component: str) -> type:
    """The settings class a component reads (services/<svc>/settings.py, gateway/settings.py)."""
    from pydantic_settings import BaseSettings

    if component == "gateway":
        from gateway.settings import GatewaySettings
        return GatewaySettings
    module = importlib.import_module(f"{component}.settings")
    classes = [c for c in vars(module).values() if isinstance(c, type) and issubclass(c, BaseSettings)
               and c.__module__ == module.__name__]
    assert len(classes) == 1, f"{component}.settings defines {classes}"
    return classes[0]


def port_field(component: str) -> str:
    return "http_port" if component == "gateway" else "grpc_port"


def settings_port(component: str) -> int:
    return int(settings_class(component).model_fields[port_field(component)].default)


def accepted_env_names(cls: type) -> dict[str, set[str]]:
    """field → the environment variable names pydantic-settings accepts for it."""
    prefix = cls.model_config.get("env_prefix", "")
    names: dict[str, set[str]] = {}
    for name, info in cls.model_fields.items():
        alias = info.validation_alias or info.alias
        if isinstance(alias, AliasChoices):
            names[name] = {c for c in alias.choices if isinstance(c, str)}
        elif isinstance(alias, str):
            names[name] = {alias}
        else:
            names[name] = {f"{prefix}{name}".upper()}
    return names


# ------------------------------------------------------------------ pods and containers

def pod_templates(objects: tuple[dict, ...]) -> Iterator[tuple[dict, dict]]:
    for obj in objects:
        if obj["kind"] in WORKLOAD_KINDS:
            yield obj, obj["spec"]["template"]


def container(workload: dict) -> dict:
    containers = workload["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1, f"{workload['metadata']['name']}: one container expected"
    return containers[0]


_VAR = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")


def _secret_data(secret: dict) -> dict[str, str]:
    data = {k: base64.b64decode(v).decode() for k, v in (secret.get("data") or {}).items()}
    data.update(secret.get("stringData") or {})
    return data


def resolve_env(objects: tuple[dict, ...], c: dict) -> dict[str, str]:
    """The environment the kubelet would give container `c` (ConfigMaps and Secrets from `objects`)."""
    env: dict[str, str] = {}
    for source in c.get("envFrom", []):
        if "configMapRef" in source:
            env.update(one(objects, "ConfigMap", source["configMapRef"]["name"]).get("data", {}))
        if "secretRef" in source:
            env.update(_secret_data(one(objects, "Secret", source["secretRef"]["name"])))
    for entry in c.get("env", []):
        if "value" in entry:
            env[entry["name"]] = _VAR.sub(lambda m: env.get(m.group(1), m.group(0)), entry["value"])
            continue
        ref = entry["valueFrom"]
        if "configMapKeyRef" in ref:
            source, kind = ref["configMapKeyRef"], "ConfigMap"
        elif "secretKeyRef" in ref:
            source, kind = ref["secretKeyRef"], "Secret"
        else:
            continue
        data = None
        found = find(objects, kind, source["name"])
        if found:
            data = found[0].get("data", {}) if kind == "ConfigMap" else _secret_data(found[0])
        if data is None or source["key"] not in data:
            assert source.get("optional"), f"{entry['name']}: {kind} {source['name']}/{source['key']} missing"
            continue
        env[entry["name"]] = data[source["key"]]
    return env


def env_names(objects: tuple[dict, ...], c: dict) -> set[str]:
    names = {e["name"] for e in c.get("env", [])}
    for source in c.get("envFrom", []):
        if "configMapRef" in source:
            names |= set(one(objects, "ConfigMap", source["configMapRef"]["name"]).get("data", {}))
    return names


# ------------------------------------------------------------------ schemas

@functools.cache
def k8s_versions() -> tuple[str, ...]:
    return tuple(sorted(p.name for p in (SCHEMAS / "kubernetes").iterdir() if p.is_dir()))


def _json(path: Path) -> dict:
    return json.loads(path.read_text())


def schema_path(obj: dict, version: str) -> Path:
    group, _, api_version = obj["apiVersion"].rpartition("/")
    kind = obj["kind"].lower()
    if "." in group and not group.endswith("k8s.io"):
        return SCHEMAS / "crds" / f"{kind}-{group}-{api_version}.json"
    prefix = f"{group.split('.')[0]}-" if group else ""
    return SCHEMAS / "kubernetes" / version / f"{kind}-{prefix}{api_version}.json"


@functools.cache
def _registry(version: str) -> Registry:
    definitions = _json(SCHEMAS / "kubernetes" / version / "_definitions.json")
    return Registry().with_resource(definitions["$id"], Resource.from_contents(definitions))


def validation_errors(obj: dict, version: str) -> list[str]:
    path = schema_path(obj, version)
    if not path.is_file():
        return [f"no schema for {obj['apiVersion']} {obj['kind']} ({path.relative_to(ROOT)})"]
    validator = jsonschema.Draft202012Validator(_json(path), registry=_registry(version))
    return [f"{'.'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
            for e in sorted(validator.iter_errors(obj), key=lambda e: list(map(str, e.absolute_path)))]


# ------------------------------------------------------------------ NetworkPolicy evaluation

@dataclass(frozen=True)
class Endpoint:
    name: str
    namespace: str = ""
    labels: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    ip: str = ""  # set for addresses outside the cluster

    def __hash__(self) -> int:  # labels excluded
        return hash((self.name, self.namespace, self.ip))


def label_selector_matches(selector: dict, labels: dict[str, str]) -> bool:
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr["key"], expr["operator"], set(expr.get("values") or [])
        present = key in labels
        if op == "In" and not (present and labels[key] in values):
            return False
        if op == "NotIn" and present and labels[key] in values:
            return False
        if op == "Exists" and not present:
            return False
        if op == "DoesNotExist" and present:
            return False
    return True


def _ns_labels(namespace: str) -> dict[str, str]:
    return {"kubernetes.io/metadata.name": namespace}


def _peer_matches(peer: dict, policy_ns: str, other: Endpoint) -> bool:
    if "ipBlock" in peer:
        if not other.ip:
            return False
        address = ipaddress.ip_address(other.ip)
        block = peer["ipBlock"]
        return address in ipaddress.ip_network(block["cidr"]) and not any(
            address in ipaddress.ip_network(e) for e in block.get("except", []))
    if other.ip:
        return False
    if "namespaceSelector" in peer:
        if not label_selector_matches(peer["namespaceSelector"], _ns_labels(other.namespace)):
            return False
    elif other.namespace != policy_ns:
        return False
    return label_selector_matches(peer.get("podSelector", {}), other.labels)


def _port_matches(rule: dict, port: int, protocol: str) -> bool:
    ports = rule.get("ports")
    if not ports:
        return True
    for p in ports:
        if p.get("protocol", "TCP") != protocol:
            continue
        if "port" not in p:
            return True
        if isinstance(p["port"], int) and p["port"] <= port <= p.get("endPort", p["port"]):
            return True
    return False


def _side_allows(policies: list[dict], subject: Endpoint, other: Endpoint, port: int, protocol: str,
                 direction: str) -> bool:
    """Whether `subject`'s policies of `direction` ("Ingress"/"Egress") let traffic with `other` through."""
    if subject.ip:
        return True  # outside the cluster: no policies apply
    selecting = [p for p in policies if p["metadata"].get("namespace", "") == subject.namespace
                 and direction in p["spec"].get("policyTypes", ["Ingress"])
                 and label_selector_matches(p["spec"]["podSelector"], subject.labels)]
    if not selecting:
        return True
    key, peers_key = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
    for policy in selecting:
        for rule in policy["spec"].get(key) or []:
            peers = rule.get(peers_key)
            if (not peers or any(_peer_matches(peer, subject.namespace, other) for peer in peers)) \
                    and _port_matches(rule, port, protocol):
                return True
    return False


def allowed(policies: list[dict], src: Endpoint, dst: Endpoint, port: int, protocol: str = "TCP") -> bool:
    return _side_allows(policies, src, dst, port, protocol, "Egress") and \
        _side_allows(policies, dst, src, port, protocol, "Ingress")
