"""The manifests render, are current, and every object is valid for Kubernetes 1.29 and later."""
from __future__ import annotations

import copy
import shutil
import subprocess

import pytest
import yaml
from deploy_support import (
    K8S,
    OVERLAYS,
    find,
    generator,
    k8s_versions,
    kustomize,
    rendered,
    validation_errors,
)


def test_generated_files_are_current() -> None:
    gen = generator()
    files = gen.render()
    stale = [str(p) for p, text in files.items() if not (K8S / p).is_file() or (K8S / p).read_text() != text]
    orphans = sorted(str(p) for p in gen.generated_on_disk(K8S) - set(files))
    assert not stale and not orphans, (
        f"stale generated manifests {stale}, left-overs {orphans}: "
        "run `.venv/bin/python deploy/k8s/generate.py`")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_renders(overlay: str) -> None:
    objects = rendered(overlay)
    assert objects
    names = [(o["apiVersion"], o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"])
             for o in objects]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_python_renderer_matches_kustomize(overlay: str) -> None:
    """Where kubectl (built-in kustomize) or kustomize is installed, both renderings are the same."""
    if shutil.which("kubectl"):
        command = ["kubectl", "kustomize", str(K8S / "overlays" / overlay)]
    elif shutil.which("kustomize"):
        command = ["kustomize", "build", str(K8S / "overlays" / overlay)]
    else:
        pytest.skip("neither kubectl nor kustomize is installed; the Python renderer alone was used")
    out = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout

    def key(o: dict) -> tuple:
        return o["apiVersion"], o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"]

    theirs = {key(o): o for o in yaml.safe_load_all(out) if o}
    ours = {key(o): o for o in rendered(overlay)}
    assert set(ours) == set(theirs)
    for k, obj in ours.items():
        assert obj == theirs[k], f"{k} differs between deploy/k8s/kustomize_lite.py and {command[0]}"


@pytest.mark.parametrize("version", k8s_versions())
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_is_valid(overlay: str, version: str) -> None:
    """Built-in kinds against the vendored Kubernetes schemas (strict: unknown fields fail), custom
    resources (CloudNativePG, Barman Cloud, NACK) against the small vendored CRD schemas."""
    assert version >= "v1.29", "the oldest Kubernetes supported is 1.29"
    problems = {f"{o['kind']}/{o['metadata']['name']}": errors
                for o in rendered(overlay) if (errors := validation_errors(o, version))}
    assert not problems, problems


@pytest.mark.parametrize("version", k8s_versions())
def test_operator_tools_are_valid(version: str) -> None:
    for path in sorted((K8S / "tools").glob("*.yaml")):
        for obj in yaml.safe_load_all(path.read_text()):
            assert not validation_errors(obj, version), (path.name, validation_errors(obj, version))


def test_schema_versions_cover_oldest_and_newer() -> None:
    versions = k8s_versions()
    assert versions[0] == "v1.29.0" and len(versions) >= 2


@pytest.mark.parametrize("mutate, kind", [
    (lambda o: o["spec"].update(replica=2), "Deployment"),
    (lambda o: o["spec"]["template"]["spec"]["containers"][0].update(imagePullPolicyy="Always"),
     "Deployment"),
    (lambda o: o["spec"]["template"]["spec"]["containers"][0]["readinessProbe"].update(grpcc={"port": 1}),
     "Deployment"),
    (lambda o: o["spec"].update(minReplicas="two"), "HorizontalPodAutoscaler"),
    (lambda o: o["spec"].update(ingres=[]), "NetworkPolicy"),
    (lambda o: o["spec"].update(instance=3), "Cluster"),
    (lambda o: o["spec"]["managed"]["roles"][0].update(passwordSecrets={"name": "x"}), "Cluster"),
    (lambda o: o["spec"].update(storage="disk"), "Stream"),
])
def test_validation_catches_mistakes(mutate, kind: str) -> None:
    """The schemas are strict enough to matter: a misspelt or mistyped field fails."""
    obj = copy.deepcopy(find(rendered("prod"), kind)[0])
    mutate(obj)
    for version in k8s_versions():
        assert validation_errors(obj, version), f"{kind}: mistake not caught against {version}"


def test_renderer_refuses_what_it_does_not_implement(tmp_path) -> None:
    (tmp_path / "kustomization.yaml").write_text("resources: []\ncommonLabels: {a: b}\n")
    with pytest.raises(kustomize().KustomizeError):
        kustomize().build(tmp_path)


def test_label_selector_strings() -> None:
    matches = kustomize().selector_matches
    labels = {"app.kubernetes.io/name": "gateway", "tier": "web"}
    assert matches("app.kubernetes.io/name=gateway", labels)
    assert not matches("app.kubernetes.io/name!=gateway", labels)
    assert matches("tier in (web, api),!missing", labels)
    assert not matches("tier notin (web)", labels)
    assert matches("tier", labels) and not matches("missing", labels)
