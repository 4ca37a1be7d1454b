"""Pod hardening, scaling per overlay, and no secret values outside the dev example."""
from __future__ import annotations

import re

import pytest
from deploy_support import OVERLAYS, ROOT, component_names, find, one, pod_templates, rendered

UID = 10001


def _cpu(value: str) -> float:
    return float(value[:-1]) / 1000 if str(value).endswith("m") else float(value)


def _bytes(value: str) -> float:
    units = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30}
    match = re.fullmatch(r"(\d+)(Ki|Mi|Gi)?", str(value))
    assert match, value
    return int(match[1]) * units.get(match[2] or "", 1)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_pod_is_hardened(overlay: str) -> None:
    """Non-root, seccomp RuntimeDefault, no privilege escalation, read-only root, all capabilities
    dropped, requests and limits, no service-account token: for our pods and NATS alike."""
    problems = []
    for workload, template in pod_templates(rendered(overlay)):
        name = f"{workload['kind']}/{workload['metadata']['name']}"
        pod = template["spec"]
        security = pod.get("securityContext", {})
        if not security.get("runAsNonRoot") or security.get("seccompProfile") != {"type": "RuntimeDefault"}:
            problems.append(f"{name}: pod securityContext {security}")
        if pod.get("automountServiceAccountToken") is not False:
            problems.append(f"{name}: service-account token mounted")
        for c in pod["containers"]:
            cs = c.get("securityContext", {})
            caps = cs.get("capabilities", {})
            hardened = cs.get("allowPrivilegeEscalation") is False \
                and cs.get("readOnlyRootFilesystem") is True
            if not hardened or caps.get("drop") != ["ALL"] or caps.get("add"):
                problems.append(f"{name}/{c['name']}: container securityContext {cs}")
            resources = c.get("resources", {})
            for part in ("requests", "limits"):
                if set(resources.get(part, {})) != {"cpu", "memory"}:
                    problems.append(f"{name}/{c['name']}: {part} {resources.get(part)}")
            if _bytes(resources["requests"]["memory"]) > _bytes(resources["limits"]["memory"]):
                problems.append(f"{name}/{c['name']}: memory request above limit")
    assert not problems, problems


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_civic_pods_run_as_the_image_user_with_a_writable_tmp(overlay: str) -> None:
    for workload, template in pod_templates(rendered(overlay)):
        if workload["metadata"]["labels"].get("app.kubernetes.io/name") not in component_names():
            continue
        pod = template["spec"]
        assert pod["securityContext"]["runAsUser"] == UID and pod["securityContext"]["runAsGroup"] == UID
        tmp = [v for v in pod["volumes"] if v["name"] == "tmp"]
        assert tmp and "emptyDir" in tmp[0]
        assert {"name": "tmp", "mountPath": "/tmp"} in pod["containers"][0]["volumeMounts"]
        service_account = one(rendered(overlay), "ServiceAccount", pod["serviceAccountName"])
        assert service_account["automountServiceAccountToken"] is False


def test_dev_runs_one_replica() -> None:
    objects = rendered("dev")
    for comp in component_names():
        hpa = one(objects, "HorizontalPodAutoscaler", comp)["spec"]
        assert hpa["minReplicas"] == hpa["maxReplicas"] == 1
    assert one(objects, "StatefulSet", "civic-nats")["spec"]["replicas"] == 1
    assert one(objects, "Cluster", "civic-pg")["spec"]["instances"] == 1


def test_prod_runs_at_least_two_replicas_and_keeps_one_during_disruptions() -> None:
    prod, dev = rendered("prod"), rendered("dev")
    for comp in component_names():
        hpa = one(prod, "HorizontalPodAutoscaler", comp)["spec"]
        assert 2 <= hpa["minReplicas"] < hpa["maxReplicas"]
        assert hpa["metrics"][0]["resource"]["target"]["averageUtilization"] <= 80
        pdb = one(prod, "PodDisruptionBudget", comp)["spec"]
        assert pdb["minAvailable"] == 1 and "maxUnavailable" not in pdb
        big = one(prod, "Deployment", comp)["spec"]["template"]["spec"]["containers"][0]["resources"]
        small = one(dev, "Deployment", comp)["spec"]["template"]["spec"]["containers"][0]["resources"]
        assert _cpu(big["requests"]["cpu"]) > _cpu(small["requests"]["cpu"])
        assert _bytes(big["limits"]["memory"]) > _bytes(small["limits"]["memory"])


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_autoscaled_deployments_leave_replicas_to_the_autoscaler(overlay: str) -> None:
    """A Deployment that an HPA scales must not carry spec.replicas: every `kubectl apply -k` of a
    release would set the count back to it (a prod gateway at 4 under load dropped to 2 while
    rolling), and after a schema restore's `scale --replicas=0` re-enable it mid-restore."""
    objects = rendered(overlay)
    for hpa in find(objects, "HorizontalPodAutoscaler"):
        target = hpa["spec"]["scaleTargetRef"]
        deployment = one(objects, target["kind"], target["name"])
        assert "replicas" not in deployment["spec"], f"{target['name']}: replicas {deployment['spec']['replicas']}"


def test_prod_database_connections_fit_max_connections() -> None:
    """Worst case: every replica's pool full (db.py: no overflow) plus the relay's own connections,
    and every migration job, within max_connections less a reserve."""
    prod = rendered("prod")
    needed = 0
    for comp in component_names():
        pool = int(one(prod, "ConfigMap", f"{comp}-config")["data"]["CIVIC_DB_POOL_SIZE"])
        replicas = one(prod, "HorizontalPodAutoscaler", comp)["spec"]["maxReplicas"]
        needed += (pool + 2) * replicas + 1
    limit = int(one(prod, "Cluster", "civic-pg")["spec"]["postgresql"]["parameters"]["max_connections"])
    assert needed <= limit - 20, f"{needed} connections needed, max_connections {limit}"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_wal_volume_holds_max_wal_size(overlay: str) -> None:
    """max_wal_size is a soft limit: WAL may run past it while a checkpoint catches up, and a full
    WAL volume stops the server. The volume holding the WAL (its own in prod, else the data volume)
    must keep at least twice max_wal_size."""
    spec = one(rendered(overlay), "Cluster", "civic-pg")["spec"]
    wal = _bytes(spec["postgresql"]["parameters"]["max_wal_size"].replace("GB", "Gi").replace("MB", "Mi"))
    volume = _bytes(spec.get("walStorage", spec["storage"])["size"])
    assert volume >= 2 * wal, f"WAL volume {volume / 2**30:.0f} GiB, max_wal_size {wal / 2**30:.0f} GiB"


def test_no_secret_values_outside_the_dev_example() -> None:
    assert not find(rendered("prod"), "Secret")
    for path in (ROOT / "deploy" / "k8s").rglob("*.yaml"):
        if path.name == "secrets.yaml" and path.parent.name == "dev":
            continue
        assert "kind: Secret" not in path.read_text(), path
    for secret in find(rendered("dev"), "Secret"):
        assert "development cluster only" in secret["metadata"]["annotations"]["civic/example"]


def test_prod_secrets_are_documented() -> None:
    """Every Secret the prod overlay needs is named in docs/operations.md (per component as <svc>)."""
    prod = rendered("prod")
    names: set[str] = set()
    for _, template in pod_templates(prod):
        for c in template["spec"]["containers"]:
            names |= {e["valueFrom"]["secretKeyRef"]["name"] for e in c.get("env", [])
                      if "secretKeyRef" in e.get("valueFrom", {})}
    cluster = one(prod, "Cluster", "civic-pg")["spec"]
    names |= {role["passwordSecret"]["name"] for role in cluster["managed"]["roles"]}
    store = one(prod, "ObjectStore", "civic-pg-backups")["spec"]["configuration"]["s3Credentials"]
    names |= {ref["name"] for ref in store.values()}
    names |= {tls["secretName"] for tls in one(prod, "Ingress", "gateway")["spec"]["tls"]}
    docs = (ROOT / "docs" / "operations.md").read_text()

    def documented(name: str) -> bool:
        return name in docs or any(name.startswith(f"{c}-") and f"<svc>{name[len(c):]}" in docs
                                   for c in component_names())

    missing = sorted(n for n in names if not documented(n))
    assert not missing, f"Secrets not described in docs/operations.md: {missing}"
