#!/usr/bin/env python3
"""The part of `kustomize build` that deploy/k8s uses, in Python, for machines without kubectl.

    python deploy/k8s/kustomize_lite.py deploy/k8s/overlays/prod > prod.yaml

Supported kustomization fields: resources (files and folders), namespace, images, and patches that
are JSON 6902 operation lists with a target (group, version, kind, name, namespace, labelSelector).
Anything else is refused rather than half-done, so the overlays stay within what this renders the
same way as kustomize; tests/deploy compares both outputs where kubectl is installed.
"""
from __future__ import annotations

import copy
import re
import sys
from pathlib import Path
from typing import Any

import yaml

SUPPORTED = {"apiVersion", "kind", "resources", "namespace", "images", "patches"}
KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
# Kinds without a namespace (kustomize leaves them alone, except Namespace, which it renames).
CLUSTER_SCOPED = {
    "Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PersistentVolume",
    "StorageClass", "PriorityClass", "IngressClass", "RuntimeClass", "APIService",
    "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "ClusterImageCatalog",
}


class KustomizeError(ValueError):
    pass


def identity(obj: dict) -> tuple[str, str, str, str]:
    md = obj.get("metadata", {})
    return obj.get("apiVersion", ""), obj.get("kind", ""), md.get("namespace", ""), md.get("name", "")


def _kustomization(folder: Path) -> dict:
    for name in KUSTOMIZATION_NAMES:
        if (folder / name).is_file():
            data = yaml.safe_load((folder / name).read_text()) or {}
            unknown = set(data) - SUPPORTED
            if unknown:
                raise KustomizeError(f"{folder / name}: unsupported fields {sorted(unknown)}")
            return data
    raise KustomizeError(f"{folder}: no kustomization file")


def build(folder: str | Path) -> list[dict]:
    folder = Path(folder)
    k = _kustomization(folder)
    objects: list[dict] = []
    for entry in k.get("resources", []):
        path = folder / entry
        if path.is_dir():
            objects += build(path)
        elif path.is_file():
            objects += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
        else:
            raise KustomizeError(f"{folder}: resource {entry} not found")
    seen: set[tuple] = set()
    for obj in objects:
        if identity(obj) in seen:
            raise KustomizeError(f"{folder}: duplicate resource {identity(obj)}")
        seen.add(identity(obj))
    for patch in k.get("patches", []):
        _apply_patch(folder, objects, patch)
    if "namespace" in k:
        _set_namespace(objects, k["namespace"])
    for image in k.get("images", []):
        _set_image(objects, image)
    return objects


# ------------------------------------------------------------------ patches

def _apply_patch(folder: Path, objects: list[dict], entry: dict) -> None:
    if "path" in entry:
        ops = yaml.safe_load((folder / entry["path"]).read_text())
    else:
        ops = yaml.safe_load(entry.get("patch", ""))
    if not isinstance(ops, list) or "target" not in entry:
        raise KustomizeError(f"{folder}: only JSON 6902 patches with a target are supported: {entry}")
    matched = [obj for obj in objects if _matches(obj, entry["target"])]
    if not matched:
        raise KustomizeError(f"{folder}: patch target {entry['target']} matches nothing")
    for obj in matched:
        for op in ops:
            _json_patch(obj, op)


def _matches(obj: dict, target: dict) -> bool:
    api = obj.get("apiVersion", "")
    group, _, version = api.rpartition("/")
    md = obj.get("metadata", {})
    checks = [
        ("group", group), ("version", version), ("kind", obj.get("kind", "")),
        ("namespace", md.get("namespace", "")),
    ]
    for key, actual in checks:
        if key in target and target[key] != actual:
            return False
    if "name" in target and not re.fullmatch(target["name"], md.get("name", "")):
        return False
    if "labelSelector" in target and not selector_matches(target["labelSelector"], md.get("labels") or {}):
        return False
    return True


_SET = re.compile(r"^\s*([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)\s*$")


def _split_selector(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    return [p for p in [*parts, current] if p.strip()]


def selector_matches(selector: str, labels: dict[str, str]) -> bool:
    """A Kubernetes label selector string: k=v, k==v, k!=v, k, !k, k in (a,b), k notin (a,b)."""
    for term in _split_selector(selector):
        term = term.strip()
        set_match = _SET.match(term)
        if set_match:
            key, op, values = set_match.groups()
            options = {v.strip() for v in values.split(",")}
            inside = labels.get(key) in options
            if (op == "in") != inside:
                return False
        elif "!=" in term:
            key, value = (s.strip() for s in term.split("!=", 1))
            if labels.get(key) == value:
                return False
        elif "=" in term:
            key, value = (s.strip() for s in term.replace("==", "=").split("=", 1))
            if labels.get(key) != value:
                return False
        elif term.startswith("!"):
            if term[1:].strip() in labels:
                return False
        elif term not in labels:
            return False
    return True


def _pointer(path: str) -> list[str]:
    if not path.startswith("/"):
        raise KustomizeError(f"bad JSON pointer {path!r}")
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _parent(doc: Any, parts: list[str]) -> Any:
    for part in parts[:-1]:
        doc = doc[int(part)] if isinstance(doc, list) else doc[part]
    return doc


def _json_patch(doc: dict, op: dict) -> None:
    kind = op["op"]
    parts = _pointer(op["path"])
    parent = _parent(doc, parts)
    last = parts[-1]
    if kind in ("add", "replace"):
        value = copy.deepcopy(op["value"])
        if isinstance(parent, list):
            if last == "-":
                parent.append(value)
            elif kind == "add":
                parent.insert(int(last), value)
            else:
                parent[int(last)] = value
        else:
            if kind == "replace" and last not in parent:
                raise KustomizeError(f"replace: {op['path']} does not exist")
            parent[last] = value
    elif kind == "remove":
        if isinstance(parent, list):
            del parent[int(last)]
        elif last in parent:
            del parent[last]
        else:
            raise KustomizeError(f"remove: {op['path']} does not exist")
    else:
        raise KustomizeError(f"unsupported JSON patch op {kind}")


# ------------------------------------------------------------------ transformers

def _set_namespace(objects: list[dict], namespace: str) -> None:
    for obj in objects:
        md = obj.setdefault("metadata", {})
        if obj.get("kind") == "Namespace":
            md["name"] = namespace
        elif obj.get("kind") not in CLUSTER_SCOPED:
            md["namespace"] = namespace


def _image_name(image: str) -> str:
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        name = name[: len(name) - len(last)] + last.split(":", 1)[0]
    return name


def _set_image(objects: list[dict], image: dict) -> None:
    def visit(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("containers", "initContainers") and isinstance(value, list):
                    for container in value:
                        old = str(container.get("image", "")) if isinstance(container, dict) else ""
                        if old and _image_name(old) == image["name"]:
                            container["image"] = _new_image(old, image)
                visit(value)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    for obj in objects:
        visit(obj)


def _new_image(old: str, image: dict) -> str:
    name = image.get("newName", image["name"])
    if "digest" in image:
        return f"{name}@{image['digest']}"
    if "newTag" in image:
        return f"{name}:{image['newTag']}"
    suffix = old[len(_image_name(old)):]
    return name + suffix


def dump(objects: list[dict]) -> str:
    return "---\n".join(yaml.safe_dump(o, sort_keys=True) for o in objects)


if __name__ == "__main__":
    print(dump(build(sys.argv[1])), end="")
