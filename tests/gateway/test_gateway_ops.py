"""Health, readiness, metrics, security headers, CORS, request logs and unexpected errors."""

from __future__ import annotations

import json

import pytest

from grpc_health.v1 import health_pb2
from servicekit.testing.logs import captured_logs


async def test_health_and_readiness_follow_the_backends(gw) -> None:
    assert (await gw.client.get("/healthz")).json() == {"status": "ok"}
    ready = await gw.client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"] == {"database": True, "nats": True, "backend:placenames": True}
    await gw.backend.health.set("", health_pb2.HealthCheckResponse.NOT_SERVING)
    draining = await gw.client.get("/readyz")
    assert draining.status_code == 503 and draining.json()["checks"]["backend:placenames"] is False
    await gw.backend.stop()
    stopped = await gw.client.get("/readyz")
    assert stopped.status_code == 503 and stopped.json()["checks"]["database"] is True
    own = await gw.client.get("/readyz/self")  # the pods' probe: the gateway itself is ready
    assert own.status_code == 200 and own.json()["checks"] == {"database": True}
    assert (await gw.client.get("/healthz")).status_code == 200  # the process itself is fine


async def test_ready_while_nats_is_away_but_the_feed_says_unavailable(gw) -> None:
    """NATS is read only by the change feed: without it the pods stay in their Service (sign-in, the
    UI and the API go on), /readyz tells monitoring, and the feed answers 503 by itself."""
    await gw.gateway.feed.close()
    ready = await gw.client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["checks"]["nats"] is False
    own = await gw.client.get("/readyz/self")
    assert own.status_code == 200 and own.json()["checks"] == {"database": True}
    feed = await gw.client.get("/v1/exchange/events", headers=await gw.client_headers("feed.read"))
    assert feed.status_code == 503 and feed.json()["reason"] == "FEED_UNAVAILABLE", feed.text


async def test_metrics_by_route_template_and_status(gw) -> None:
    headers = await gw.headers("supervisor")
    await gw.client.get("/v1/divisions/421281", headers=headers)
    await gw.client.get("/v1/divisions/000000", headers=headers)
    await gw.client.get("/v1/divisions/421281", headers={"Authorization": "Bearer nope"})
    text = (await gw.client.get("/metrics")).text
    assert (
        'civic_gateway_requests_total{method="GET",route="/v1/{name=divisions/*}",status="200"} 1.0' in text
    )
    assert (
        'civic_gateway_requests_total{method="GET",route="/v1/{name=divisions/*}",status="404"} 1.0' in text
    )
    assert (
        'civic_gateway_requests_total{method="GET",route="/v1/{name=divisions/*}",status="401"} 1.0' in text
    )
    assert (
        'civic_gateway_request_duration_seconds_bucket{le="0.5",method="GET",route="/v1/{name=divisions/*}"}'
        in text
    )
    assert 'civic_gateway_backend_errors_total{code="NOT_FOUND",service="placenames"} 1.0' in text
    assert "421281" not in text  # concrete paths never become labels


async def test_security_headers_and_request_id_on_every_response(gw) -> None:
    for reply in (
        await gw.client.get("/healthz"),
        await gw.client.get("/v1/divisions"),
        await gw.client.get("/docs"),
        await gw.client.get("/static/missing.js"),
    ):
        assert reply.headers["x-content-type-options"] == "nosniff"
        assert reply.headers["x-frame-options"] == "DENY"
        assert reply.headers["referrer-policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in reply.headers["content-security-policy"]
        assert reply.headers["x-request-id"]
    missing = await gw.client.get("/static/missing.js")
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    odd = await gw.client.get("/healthz", headers={"X-Request-Id": "bad id\twith spaces"})
    assert odd.headers["x-request-id"] != "bad id\twith spaces"


async def test_cors_is_off_unless_configured(start_gateway) -> None:
    preflight = {
        "Origin": "https://ui.example.cn",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
    }
    closed = await start_gateway()
    reply = await closed.client.options("/v1/divisions", headers=preflight)
    assert "access-control-allow-origin" not in reply.headers
    simple = await closed.client.get("/healthz", headers={"Origin": "https://ui.example.cn"})
    assert "access-control-allow-origin" not in simple.headers
    opened = await start_gateway(cors_origins="https://ui.example.cn")
    reply = await opened.client.options("/v1/divisions", headers=preflight)
    assert reply.status_code == 200
    assert reply.headers["access-control-allow-origin"] == "https://ui.example.cn"
    other = await opened.client.options(
        "/v1/divisions", headers={**preflight, "Origin": "https://evil.example"}
    )
    assert other.headers.get("access-control-allow-origin") != "https://evil.example"


async def test_an_unexpected_error_is_a_500_problem_without_internals(gw, monkeypatch) -> None:
    headers = await gw.headers("admin")

    async def broken(*args: object) -> None:
        raise RuntimeError("secret internals: password=hunter2")

    monkeypatch.setattr(gw.gateway.store, "list_users", broken)
    reply = await gw.client.get("/v1/admin/users", headers={**headers, "X-Request-Id": "r-500"})
    assert reply.status_code == 500 and reply.headers["content-type"] == "application/problem+json"
    assert reply.json()["requestId"] == "r-500" and reply.json()["reason"] == "INTERNAL"
    assert "hunter2" not in reply.text and reply.headers["x-request-id"] == "r-500"


async def test_one_json_log_line_per_request(gw) -> None:
    headers = await gw.headers("supervisor")
    with captured_logs("gateway") as stream:
        await gw.client.get("/v1/divisions/421281", headers={**headers, "X-Request-Id": "log-1"})
        await gw.client.post(
            "/v1/auth/token",
            data={"grant_type": "password", "username": "someone", "password": "110101199003078515"},
        )
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    requests = [line for line in lines if line.get("event") == "http_request"]
    assert len(requests) == 2
    first = requests[0]
    assert first["request_id"] == "log-1" and first["route"] == "/v1/{name=divisions/*}"
    assert first["status"] == 200 and first["method"] == "GET" and first["duration_ms"] >= 0
    assert first["caller"] and first["service"] == "gateway"
    assert "110101199003078515" not in stream.getvalue()


async def test_the_ingress_exposes_every_route_but_the_operations_endpoints(gw) -> None:
    """gateway.ops.PUBLIC_PATHS becomes the Ingress's paths: a route added outside them would be
    unreachable from outside, and health, readiness (a check of every backend per hit) and metrics
    must stay inside the cluster."""
    from gateway.ops import OPS_PATHS, is_public

    def paths(routes, prefix=""):
        for route in routes:
            path = prefix + route.path
            yield path
            yield from paths(getattr(route, "routes", []), path)

    served = {p for p in paths(gw.app.routes) if "{path:path}" not in p}
    assert {"/v1/auth/token", "/v1/exchange/events", "/ui/signin", "/verify/{token}", "/openapi.json"} <= served
    assert {p for p in served if not is_public(p)} == set(OPS_PATHS)
    assert not is_public("/v1x") and is_public("/v1/marriages") and not is_public("/metrics/x")


async def test_a_form_submitted_before_its_script_ran_returns_to_its_page_by_get(gw) -> None:
    """The UI's forms say method="post" (what was typed stays out of addresses and logs); a page
    posted to natively sends the window back to itself, and the body is dropped."""
    from gateway.ui import nav

    paths = ["/ui/", "/ui/signin", *(s.path.replace("{", "").replace("}", "") for s in nav.live_screens())]
    for path in paths:
        reply = await gw.client.post(f"{path}?lang=zh", data={"idNumber": "421281199001011234"})
        assert (reply.status_code, reply.headers["location"]) == (303, f"{path}?lang=zh"), path
        assert (await gw.client.get(reply.headers["location"])).status_code == 200, path
    assert (await gw.client.post("/ui/signin")).headers["location"] == "/ui/signin"


async def test_the_gateway_does_not_start_on_accounts_tables_older_than_its_code(
        start_gateway, new_database, monkeypatch) -> None:
    """As the services (servicekit.schema_version): started beside its migration Job, it waits,
    then stops naming both revisions."""
    import asyncio

    from alembic.script import ScriptDirectory
    from gateway import app as gateway_app
    from gateway.accounts.tables import MIGRATIONS, SCHEMA
    from servicekit.migrations import alembic_config, upgrade
    from servicekit.schema_version import SchemaBehind

    script = ScriptDirectory.from_config(alembic_config(MIGRATIONS, "", SCHEMA))
    older = script.get_revision(script.get_current_head()).down_revision
    url = await new_database()
    await asyncio.to_thread(upgrade, MIGRATIONS, url, SCHEMA, older)
    monkeypatch.setattr(gateway_app, "DATABASE_START_WAIT_S", 1.0)
    with pytest.raises(SchemaBehind, match=f"revision {older}, this code needs {script.get_current_head()}"):
        await start_gateway(DATABASE_URL=url)
