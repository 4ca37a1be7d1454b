"""PostgreSQL (CloudNativePG), NATS JetStream and the CIVIC stream, as the services expect them."""
from __future__ import annotations

import re

import pytest
from servicekit.db import SERVER_LOG_SETTINGS

import yaml
from deploy_support import (
    K8S,
    OVERLAYS,
    ROOT,
    component_names,
    container,
    find,
    label_selector_matches,
    one,
    rendered,
)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_postgres_has_one_role_per_component(overlay: str) -> None:
    objects = rendered(overlay)
    cluster = one(objects, "Cluster", "civic-pg")["spec"]
    common = one(objects, "ConfigMap", "civic-common")["data"]
    initdb = cluster["bootstrap"]["initdb"]
    assert initdb["database"] == common["PGDATABASE"] == "civic"
    assert common["PGHOST"] == "civic-pg-rw" and common["PGPORT"] == "5432"
    roles = {role["name"]: role for role in cluster["managed"]["roles"]}
    assert set(roles) == set(component_names())
    group_sql = " ".join(initdb["postInitApplicationSQL"])
    for comp, role in roles.items():
        assert role["ensure"] == "present" and role["login"] is True
        assert role["passwordSecret"] == {"name": f"{comp}-db"}
        for group in role.get("inRoles", []):
            assert f"CREATE ROLE {group}" in group_sql
            assert re.search(rf"GRANT CONNECT, CREATE ON DATABASE civic TO {group}\b", group_sql)
        # The pods log in as this role: the same Secret feeds the role's password and DATABASE_URL.
        for kind, name in (("Deployment", comp), ("Job", f"{comp}-migrate")):
            env = {e["name"]: e for e in container(one(objects, kind, name))["env"]}
            for var, key in (("PGUSER", "username"), ("PGPASSWORD", "password")):
                assert env[var]["valueFrom"]["secretKeyRef"] == {"name": f"{comp}-db", "key": key}
    if overlay == "dev":
        for comp in component_names():
            secret = one(objects, "Secret", f"{comp}-db")
            assert secret["type"] == "kubernetes.io/basic-auth"
            assert secret["stringData"]["username"] == comp
            assert secret["metadata"]["labels"]["cnpg.io/reload"] == "true"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_postgres_log_keeps_personal_data_out(overlay: str) -> None:
    """Statements slower than log_min_duration_statement are logged with their parameters (names,
    free text) unless log_parameter_max_length is 0, and an error's DETAIL quotes the failing row
    unless the verbosity is terse: the same settings as the embedded server, whose log
    tests/servicekit/integration/test_pii_out_of_logs.py reads."""
    parameters = one(rendered(overlay), "Cluster", "civic-pg")["spec"]["postgresql"]["parameters"]
    assert parameters["log_parameter_max_length"] == "0"
    assert parameters["log_parameter_max_length_on_error"] == "0"
    assert parameters["log_error_verbosity"] == "terse"
    assert SERVER_LOG_SETTINGS.items() <= parameters.items()


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_postgres_collates_as_the_test_server(overlay: str) -> None:
    """Lists limited to a jurisdiction filter office codes by prefix (LIKE '4212%'), which a btree
    index answers only under collation C: the cluster is created with it, as the embedded server the
    tests and plan checks run on (EmbeddedPostgres: initdb --locale=C)."""
    initdb = one(rendered(overlay), "Cluster", "civic-pg")["spec"]["bootstrap"]["initdb"]
    assert (initdb["encoding"], initdb["localeCollate"], initdb["localeCType"]) == ("UTF8", "C", "C")


def test_prod_postgres_is_three_instances_with_backups() -> None:
    prod = rendered("prod")
    cluster = one(prod, "Cluster", "civic-pg")["spec"]
    assert cluster["instances"] == 3
    assert cluster["affinity"]["podAntiAffinityType"] == "required"
    assert cluster["enableSuperuserAccess"] is False
    [plugin] = cluster["plugins"]
    store = one(prod, "ObjectStore", plugin["parameters"]["barmanObjectName"])
    assert plugin["isWALArchiver"] is True and store["spec"]["retentionPolicy"]
    backup = one(prod, "ScheduledBackup", "civic-pg-daily")["spec"]
    assert backup["cluster"]["name"] == "civic-pg" and backup["method"] == "plugin"
    assert backup["pluginConfiguration"]["name"] == plugin["name"]


def _nats_conf(objects: tuple[dict, ...]) -> str:
    return one(objects, "ConfigMap", "civic-nats-config")["data"]["nats.conf"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_nats_url_reaches_a_jetstream_server(overlay: str) -> None:
    objects = rendered(overlay)
    url = one(objects, "ConfigMap", "civic-common")["data"]["NATS_URL"]
    host, port = re.fullmatch(r"nats://([\w-]+):(\d+)", url).groups()
    service = one(objects, "Service", host)
    assert int(port) in {p["port"] for p in service["spec"]["ports"]}
    nats = one(objects, "StatefulSet", "civic-nats")
    pod_labels = nats["spec"]["template"]["metadata"]["labels"]
    assert label_selector_matches({"matchLabels": service["spec"]["selector"]}, pod_labels)
    conf = _nats_conf(objects)
    assert re.search(r"jetstream\s*\{[^}]*store_dir:\s*/data", conf)
    mounts = {m["mountPath"]: m["name"] for m in container(nats)["volumeMounts"]}
    assert mounts["/data"] in {t["metadata"]["name"] for t in nats["spec"]["volumeClaimTemplates"]}


def test_prod_nats_is_a_three_server_cluster() -> None:
    prod = rendered("prod")
    nats = one(prod, "StatefulSet", "civic-nats")["spec"]
    assert nats["replicas"] == 3 and nats["podManagementPolicy"] == "Parallel"
    headless = one(prod, "Service", nats["serviceName"])["spec"]
    assert headless["clusterIP"] == "None" and headless["publishNotReadyAddresses"] is True
    assert 6222 in {p["port"] for p in headless["ports"]}
    conf = _nats_conf(prod)
    routes = set(re.findall(r"nats://([\w.-]+):6222", conf))
    assert routes == {f"civic-nats-{i}.{nats['serviceName']}" for i in range(nats["replicas"])}
    assert re.search(r"cluster\s*\{[^}]*name:\s*civic", conf)
    assert "server_name: $SERVER_NAME" in conf
    assert one(prod, "PodDisruptionBudget", "civic-nats")["spec"]["maxUnavailable"] == 1


def _seconds(duration: str) -> float:
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
    return sum(float(n) * units[u] for n, u in re.findall(r"([\d.]+)(ms|h|m|s)", duration))


def test_prod_stream_matches_the_event_contract() -> None:
    """The declared stream is the one servicekit.events describes, with three replicas."""
    from servicekit import events

    spec = one(rendered("prod"), "Stream", "civic")["spec"]
    config = events.stream_config(replicas=3)
    assert spec["name"] == config.name == events.STREAM
    assert spec["subjects"] == config.subjects == events.SUBJECTS == ["civic.>"]
    assert spec["storage"] == config.storage.value == "file"
    assert spec["replicas"] == config.num_replicas == 3
    assert spec["retention"] == config.retention.value and spec["discard"] == config.discard.value
    assert _seconds(spec["duplicateWindow"]) == config.duplicate_window == 600
    assert spec["maxAge"] == "" and not config.max_age  # kept forever: the province change feed


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_a_service_that_creates_the_stream_creates_it_replicated_as_declared(overlay: str) -> None:
    """A service that starts before the stream exists creates it (servicekit.events.ensure_stream)
    with CIVIC_STREAM_REPLICAS replicas: in prod as many as NATS servers and as the Stream object,
    so the province change feed never lives on one server; in dev one."""
    objects = rendered(overlay)
    servers = one(objects, "StatefulSet", "civic-nats")["spec"].get("replicas", 1)
    declared = find(objects, "Stream")
    wanted = {int(one(objects, "ConfigMap", f"{comp}-config")["data"]["CIVIC_STREAM_REPLICAS"])
              for comp in component_names() if comp != "gateway"}
    assert wanted == {servers}
    assert all(stream["spec"]["replicas"] == servers for stream in declared)


def test_restore_cluster_is_the_prod_cluster_recovered() -> None:
    """deploy/k8s/tools/postgres-restore.yaml (docs/operations.md, "Back up and restore") differs
    from the prod Cluster only in how it starts: a restore with the default max_connections (100)
    could not hold the prod pools, and without the log settings the server log would quote
    personal data."""
    restore = yaml.safe_load((K8S / "tools" / "postgres-restore.yaml").read_text())
    prod = one(rendered("prod"), "Cluster", "civic-pg")
    assert restore["metadata"]["name"] == "civic-pg-restore"
    differs = {"bootstrap", "plugins", "externalClusters"}
    assert {k: v for k, v in restore["spec"].items() if k not in differs} == \
        {k: v for k, v in prod["spec"].items() if k not in differs}
    assert restore["spec"]["bootstrap"]["recovery"]["source"] == "civic-pg"
    source = restore["spec"]["externalClusters"][0]
    assert source["name"] == "civic-pg" and source["plugin"]["parameters"] == {
        "barmanObjectName": "civic-pg-backups", "serverName": "civic-pg"}
    archive = restore["spec"]["plugins"][0]["parameters"]
    assert archive["serverName"] != "civic-pg"  # never archive into the original's WAL folder
    assert "civic-pg-restore-rw" in (ROOT / "docs" / "operations.md").read_text()
