"""Every service in services/ and the gateway deploys, and its manifests agree with its settings class."""
from __future__ import annotations

import json
import os
import re

import pytest
from deploy_support import (
    OVERLAYS,
    ROOT,
    accepted_env_names,
    component_names,
    container,
    env_names,
    find,
    one,
    port_field,
    rendered,
    resolve_env,
    service_names,
    settings_class,
    settings_port,
)

COMPONENTS = component_names()
# libpq's variables, set beside DATABASE_URL to compose it from the role's Secret.
LIBPQ = {"PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD", "PGSSLMODE"}
TEST_ONLY = {"fault"}
# Read by the server rather than the settings class: uvicorn's trusted proxies (the ingress controller).
RUNTIME = {"gateway": {"FORWARDED_ALLOW_IPS"}}


def test_components_are_found() -> None:
    assert "placenames" in COMPONENTS and "gateway" in COMPONENTS and "servicekit" not in COMPONENTS
    assert service_names() == [c for c in COMPONENTS if c != "gateway"]


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("comp", COMPONENTS)
def test_component_has_its_manifests(overlay: str, comp: str) -> None:
    objects = rendered(overlay)
    deployment = one(objects, "Deployment", comp)
    one(objects, "ServiceAccount", comp)
    one(objects, "ConfigMap", f"{comp}-config")
    one(objects, "Service", comp)
    assert one(objects, "PodDisruptionBudget", comp)["spec"]["selector"] == deployment["spec"]["selector"]
    hpa = one(objects, "HorizontalPodAutoscaler", comp)
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": comp}
    assert one(objects, "NetworkPolicy", comp)["spec"]["podSelector"] == {
        "matchLabels": {"app.kubernetes.io/name": comp}}
    job = one(objects, "Job", f"{comp}-migrate")
    # The image's entrypoint is `python -m`: these are `python -m <comp> serve|migrate`.
    assert container(deployment)["args"] == [comp, "serve"]
    assert container(job)["args"] == [comp, "migrate"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    if comp == "gateway":
        paths = one(objects, "Ingress", "gateway")["spec"]["rules"][0]["http"]["paths"]
        assert {p["backend"]["service"]["name"] for p in paths} == {"gateway"}
        routed = {p["path"] for p in paths}
        assert {"/v1", "/ui", "/verify"} <= routed and not routed & {"/healthz", "/readyz", "/metrics"}
        assert all(p["pathType"] == "Exact" for p in paths if p["path"] == "/")  # not a catch-all


@pytest.mark.parametrize("comp", COMPONENTS)
def test_component_can_be_started_with_python_m(comp: str) -> None:
    folder = ROOT / ("gateway" if comp == "gateway" else f"services/{comp}")
    assert (folder / "__main__.py").is_file()


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("comp", COMPONENTS)
def test_ports_match_the_settings_class(overlay: str, comp: str) -> None:
    objects = rendered(overlay)
    port = settings_port(comp)
    deployment = one(objects, "Deployment", comp)
    c = container(deployment)
    declared, *metrics = c["ports"]
    assert declared["containerPort"] == port
    config = one(objects, "ConfigMap", f"{comp}-config")["data"]
    assert config[f"CIVIC_{port_field(comp).upper()}"] == str(port)

    def probe_port(probe: dict) -> int:
        if "grpc" in probe:
            return probe["grpc"]["port"]
        target = probe["httpGet"]["port"]
        return declared["containerPort"] if target == declared["name"] else target

    for kind in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert probe_port(c[kind]) == port, kind
        # Services: native gRPC health checks; the gateway: its HTTP health endpoints.
        assert ("grpc" in c[kind]) == (comp != "gateway"), kind
    if comp == "gateway":
        assert c["readinessProbe"]["httpGet"]["path"] == "/readyz/self"  # not the backends (gateway/ops.py)
        assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
    service_port, *service_metrics = one(objects, "Service", comp)["spec"]["ports"]
    assert service_port["port"] == port and service_port["targetPort"] in (port, declared["name"])

    # Metrics: the gateway on its HTTP port; a service on a port of its own named "metrics".
    metrics_port = port if comp == "gateway" else settings_class(comp).model_fields["metrics_port"].default
    if comp != "gateway":
        assert metrics == [{"name": "metrics", "containerPort": metrics_port, "protocol": "TCP"}]
        assert config["CIVIC_METRICS_PORT"] == str(metrics_port) and metrics_port not in (0, port)
        assert [(p["name"], p["port"], p["targetPort"]) for p in service_metrics] == \
            [("metrics", metrics_port, "metrics")]
    else:
        assert metrics == [] and service_metrics == []
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert {k: v for k, v in annotations.items() if k.startswith("prometheus.io/")} == {
        "prometheus.io/scrape": "true", "prometheus.io/port": str(metrics_port), "prometheus.io/path": "/metrics"}
    policy = one(objects, "NetworkPolicy", comp)
    assert {p["port"] for rule in policy["spec"]["ingress"] for p in rule["ports"]} == {port, metrics_port}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_gateway_backends_are_every_service(overlay: str) -> None:
    objects = rendered(overlay)
    backends = json.loads(one(objects, "ConfigMap", "gateway-config")["data"]["CIVIC_BACKENDS"])
    assert backends == {svc: f"{svc}:{settings_port(svc)}" for svc in service_names()}
    for svc, address in backends.items():
        service = one(objects, "Service", svc)
        # Headless: the gateway's round_robin balancing sees every ready pod.
        assert service["spec"]["clusterIP"] == "None"
        assert service["spec"]["ports"][0]["port"] == int(address.rpartition(":")[2])


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("comp", COMPONENTS)
@pytest.mark.parametrize("workload", ["Deployment", "Job"])
def test_environment_names_match_the_settings_class(overlay: str, comp: str, workload: str) -> None:
    objects = rendered(overlay)
    name = comp if workload == "Deployment" else f"{comp}-migrate"
    c = container(one(objects, workload, name))
    names = env_names(objects, c)
    cls = settings_class(comp)
    accepted = accepted_env_names(cls)
    known = set().union(*accepted.values())
    unknown = names - known - LIBPQ - RUNTIME.get(comp, set())
    assert not unknown, f"not read by {cls.__name__}: {sorted(unknown)}"
    assert not names & set().union(*(accepted[f] for f in TEST_ONLY if f in accepted))
    if workload == "Deployment":
        # Every setting is visible in the manifests (the fault-injection hook excepted).
        missing = [f for f, options in accepted.items() if f not in TEST_ONLY and not names & options]
        assert not missing, f"{cls.__name__} fields without an env var: {missing}"
    for entry in c["env"]:
        for var in re.findall(r"\$\((\w+)\)", entry.get("value", "")):
            assert var in {e["name"] for e in c["env"]}, f"{entry['name']} uses $({var}) which is not set"


def _settings_from(env: dict[str, str], cls: type, monkeypatch: pytest.MonkeyPatch) -> object:
    for key in list(os.environ):
        if key.startswith(("CIVIC_", "PG")) or key in ("DATABASE_URL", "NATS_URL"):
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return cls()


@pytest.mark.parametrize("comp", COMPONENTS)
def test_dev_environment_builds_the_settings(comp: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The dev overlay's ConfigMaps and example Secrets give a settings object that validates, with
    the port the manifests declare: what the container would see at start."""
    objects = rendered("dev")
    deployment = one(objects, "Deployment", comp)
    env = resolve_env(objects, container(deployment))
    settings = _settings_from(env, settings_class(comp), monkeypatch)
    assert getattr(settings, port_field(comp)) == container(deployment)["ports"][0]["containerPort"]
    assert settings.environment == "development"
    assert settings.database_url.startswith(f"postgresql://{comp}:")
    assert settings.database_url.endswith("@civic-pg-rw:5432/civic")
    assert settings.nats_url == "nats://civic-nats:4222"
    if comp != "gateway":
        from servicekit.pii import PiiCipher

        cipher = PiiCipher.from_base64(settings.pii_key.get_secret_value(),
                                       settings.pii_hash_key.get_secret_value())
        assert cipher.decrypt(cipher.encrypt("420102199001011234")) == "420102199001011234"
    job_env = resolve_env(objects, container(one(objects, "Job", f"{comp}-migrate")))
    job_cls = settings_class(comp)
    if comp == "gateway":
        from gateway.settings import DatabaseSettings as job_cls  # noqa: N813 - what `migrate` reads
    assert _settings_from(job_env, job_cls, monkeypatch).database_url == settings.database_url


def test_dev_caller_keys_are_a_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    from servicekit.caller_token import CallerSigner, CallerVerifier
    from servicekit.context import Caller

    objects = rendered("dev")
    gateway_env = resolve_env(objects, container(one(objects, "Deployment", "gateway")))
    for svc in service_names():
        service_env = resolve_env(objects, container(one(objects, "Deployment", svc)))
        token = CallerSigner(gateway_env["CIVIC_CALLER_PRIVATE_KEY"]).sign(Caller(subject="ops"))
        assert CallerVerifier(service_env["CIVIC_CALLER_PUBLIC_KEY"]).verify(token).subject == "ops"


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("comp", COMPONENTS)
def test_drain_fits_in_the_grace_period(overlay: str, comp: str) -> None:
    deployment = one(rendered(overlay), "Deployment", comp)
    pod = deployment["spec"]["template"]["spec"]
    sleep = int(container(deployment)["lifecycle"]["preStop"]["exec"]["command"][-1])
    cls = settings_class(comp)
    busy = cls.model_fields["drain_seconds"].default if "drain_seconds" in cls.model_fields \
        else cls.model_fields["feed_max_wait_s"].default
    assert sleep >= 3
    assert pod["terminationGracePeriodSeconds"] >= sleep + busy + 10


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_civic_workload_is_one_of_the_components(overlay: str) -> None:
    objects = rendered(overlay)
    workloads = find(objects, "Deployment") + find(objects, "Job")
    civic = {o["metadata"]["labels"]["app.kubernetes.io/name"] for o in workloads}
    assert civic == set(COMPONENTS)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_gateway_lets_its_longest_request_finish_before_the_kill(overlay: str) -> None:
    """On SIGTERM uvicorn waits for requests in flight up to its graceful-shutdown timeout, then
    cancels them: a change-feed long poll (up to feed_max_wait_s) begun just before must get its
    answer, and the pod's grace period must cover that wait after the pre-stop sleep."""
    from gateway.__main__ import graceful_shutdown_s

    wait = settings_class("gateway").model_fields["feed_max_wait_s"].default
    grace = graceful_shutdown_s(wait)
    deployment = one(rendered(overlay), "Deployment", "gateway")
    sleep = int(container(deployment)["lifecycle"]["preStop"]["exec"]["command"][-1])
    assert grace >= wait + 5
    assert deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] >= sleep + grace + 5


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("svc", service_names())
def test_service_probes_restart_only_a_dead_process(overlay: str, svc: str) -> None:
    """Readiness asks the default health name "" (SERVING while PostgreSQL answers). The startup
    probe gates liveness, so it asks what liveness asks ("liveness": the process answers): were it
    to ask "", a database away for a minute while a pod starts (a failover, the first apply) would
    get the pod killed and restarted, which cannot fix the database. Its budget covers the start's
    own waits for PostgreSQL and NATS (servicekit.server)."""
    from servicekit import server

    c = container(one(rendered(overlay), "Deployment", svc))
    assert c["readinessProbe"]["grpc"].get("service", "") == ""
    assert c["livenessProbe"]["grpc"].get("service") == server.LIVENESS
    assert c["startupProbe"]["grpc"].get("service") == server.LIVENESS
    startup = c["startupProbe"]
    budget = startup["periodSeconds"] * startup["failureThreshold"]
    assert budget >= server.DATABASE_START_WAIT_S + server.NATS_START_WAIT_S + 10, budget
