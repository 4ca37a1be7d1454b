"""NetworkPolicies, evaluated: default deny; ingress controller → gateway → services; services and
gateway → PostgreSQL 5432 and NATS 4222 only; DNS; the data stores' own traffic."""
from __future__ import annotations

import pytest
import yaml
from deploy_support import (
    K8S,
    NAMESPACES,
    OVERLAYS,
    Endpoint,
    allowed,
    component_names,
    find,
    one,
    pod_templates,
    rendered,
    service_names,
    settings_class,
    settings_port,
)


def _world(overlay: str) -> tuple[list[dict], dict[str, Endpoint]]:
    objects = rendered(overlay)
    ns = NAMESPACES[overlay]
    pods = {}
    for workload, template in pod_templates(objects):
        key = f"{workload['metadata']['name']}" + ("-job" if workload["kind"] == "Job" else "")
        pods[key] = Endpoint(key, ns, template["metadata"]["labels"])
    # Pods made by operators or living elsewhere, with the labels they carry.
    pods["postgres"] = Endpoint("postgres", ns, {"cnpg.io/cluster": "civic-pg",
                                                 "cnpg.io/instanceRole": "primary"})
    pods["cnpg-operator"] = Endpoint("cnpg-operator", "cnpg-system",
                                     {"app.kubernetes.io/name": "cloudnative-pg"})
    pods["ingress-controller"] = Endpoint("ingress-controller", "ingress-nginx",
                                          {"app.kubernetes.io/name": "ingress-nginx"})
    pods["kube-dns"] = Endpoint("kube-dns", "kube-system", {"k8s-app": "kube-dns"})
    pods["prometheus"] = Endpoint("prometheus", "monitoring", {"app.kubernetes.io/name": "prometheus"})
    pods["nack"] = Endpoint("nack", "nack", {"app": "jetstream-controller"})
    pods["stranger"] = Endpoint("stranger", ns, {"app": "debug-shell"})
    pods["elsewhere"] = Endpoint("elsewhere", "other-team", {"app.kubernetes.io/name": "gateway"})
    pods["internet"] = Endpoint("internet", ip="203.0.113.7")
    tool = yaml.safe_load((K8S / "tools" / "nats-box.yaml").read_text())
    pods["nats-box"] = Endpoint("nats-box", ns, tool["metadata"]["labels"])
    return find(objects, "NetworkPolicy"), pods


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_default_deny_and_dns(overlay: str) -> None:
    objects = rendered(overlay)
    deny = one(objects, "NetworkPolicy", "default-deny-all")["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    policies, pods = _world(overlay)
    for name, pod in pods.items():
        if pod.namespace == NAMESPACES[overlay]:
            assert allowed(policies, pod, pods["kube-dns"], 53, "UDP"), f"{name} cannot resolve names"
            assert not allowed(policies, pod, pods["internet"], 80), f"{name} reaches the internet"
    assert not allowed(policies, pods["stranger"], pods["gateway"], 8080)
    assert not allowed(policies, pods["stranger"], pods["postgres"], 5432)
    assert not allowed(policies, pods["stranger"], pods["civic-nats"], 4222)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_request_path(overlay: str) -> None:
    policies, pods = _world(overlay)
    http = settings_port("gateway")
    assert allowed(policies, pods["ingress-controller"], pods["gateway"], http)
    assert allowed(policies, pods["prometheus"], pods["gateway"], http)  # /metrics
    assert not allowed(policies, pods["elsewhere"], pods["gateway"], http)
    assert not allowed(policies, pods["internet"], pods["gateway"], http)
    for svc in service_names():
        port = settings_port(svc)
        assert allowed(policies, pods["gateway"], pods[svc], port), f"gateway → {svc}:{port}"
        assert not allowed(policies, pods["gateway"], pods[svc], port + 1000)
        assert not allowed(policies, pods["ingress-controller"], pods[svc], port)
        assert not allowed(policies, pods[svc], pods["gateway"], http)
        assert not allowed(policies, pods[f"{svc}-migrate-job"], pods[svc], port)
        metrics = settings_class(svc).model_fields["metrics_port"].default
        assert allowed(policies, pods["prometheus"], pods[svc], metrics), f"prometheus → {svc}:{metrics}"
        assert not allowed(policies, pods["prometheus"], pods[svc], port)  # /metrics only, not the API
        assert not allowed(policies, pods["gateway"], pods[svc], metrics)
        assert not allowed(policies, pods["stranger"], pods[svc], metrics)
        assert not allowed(policies, pods["elsewhere"], pods[svc], metrics)
        for other in service_names():
            if other != svc:
                assert not allowed(policies, pods[svc], pods[other], settings_port(other)), f"{svc} → {other}"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_components_reach_only_postgres_and_nats(overlay: str) -> None:
    policies, pods = _world(overlay)
    for comp in component_names():
        for pod in (pods[comp], pods[f"{comp}-migrate-job"]):
            assert allowed(policies, pod, pods["postgres"], 5432), f"{pod.name} → PostgreSQL"
            assert allowed(policies, pod, pods["civic-nats"], 4222), f"{pod.name} → NATS"
            assert not allowed(policies, pod, pods["postgres"], 8000)
            assert not allowed(policies, pod, pods["civic-nats"], 6222)
            assert not allowed(policies, pod, pods["civic-nats"], 8222)
            assert not allowed(policies, pod, pods["internet"], 443)
            assert not allowed(policies, pod, pods["kube-dns"], 443)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_data_stores_keep_their_own_traffic(overlay: str) -> None:
    policies, pods = _world(overlay)
    assert allowed(policies, pods["civic-nats"], pods["civic-nats"], 6222)  # cluster routes
    assert allowed(policies, pods["nack"], pods["civic-nats"], 4222)  # stream definition
    assert allowed(policies, pods["postgres"], pods["postgres"], 5432)  # replication
    assert allowed(policies, pods["cnpg-operator"], pods["postgres"], 8000)
    assert allowed(policies, pods["postgres"], pods["internet"], 443)  # API server, object store
    assert not allowed(policies, pods["elsewhere"], pods["postgres"], 5432)
    assert not allowed(policies, pods["civic-nats"], pods["internet"], 443)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_operator_toolbox_reaches_only_the_data_stores(overlay: str) -> None:
    policies, pods = _world(overlay)
    assert allowed(policies, pods["nats-box"], pods["civic-nats"], 4222)
    assert allowed(policies, pods["nats-box"], pods["postgres"], 5432)
    assert not allowed(policies, pods["nats-box"], pods["gateway"], settings_port("gateway"))
    assert not allowed(policies, pods["nats-box"], pods["internet"], 443)
    assert not allowed(policies, pods["stranger"], pods["nats-box"], 4222)
    assert allowed(policies, pods["prometheus"], pods["postgres"], 9187)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_a_restored_cluster_is_reachable_like_the_original(overlay: str) -> None:
    """docs/operations.md restores into the Cluster civic-pg-restore and points PGHOST at it: its pods
    (labelled cnpg.io/cluster=civic-pg-restore) must let the components in, take the operator's
    calls and reach the object store, or the switch leaves every service unready."""
    policies, pods = _world(overlay)
    ns = NAMESPACES[overlay]
    restored = Endpoint("restored", ns, {"cnpg.io/cluster": "civic-pg-restore", "cnpg.io/instanceRole": "primary"})
    for comp in component_names():
        assert allowed(policies, pods[comp], restored, 5432), f"{comp} → civic-pg-restore"
        assert allowed(policies, pods[f"{comp}-migrate-job"], restored, 5432)
    assert allowed(policies, pods["cnpg-operator"], restored, 8000)
    assert allowed(policies, restored, pods["internet"], 443)  # the backups it recovers from
    assert not allowed(policies, pods["stranger"], restored, 5432)
    other = Endpoint("other-cluster", ns, {"cnpg.io/cluster": "someone-elses-pg"})
    assert not allowed(policies, pods["gateway"], other, 5432)
