"""A running service's /metrics (servicekit.metrics), scraped over HTTP: calls counted with their
status code, and the outbox backlog that grows while NATS is away and drains once it is back."""
from __future__ import annotations

import asyncio
import time
from typing import Iterator

import grpc
import pytest
from civic.placenames.v1 import divisions_pb2 as pb
from civic.placenames.v1 import divisions_pb2_grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from placenames.bootstrap import MIGRATIONS, build_spec
from placenames.settings import PlacenamesSettings
from servicekit import metrics, migrations, server
from servicekit.devstack.embedded import EmbeddedNats
from servicekit.testing.logs import captured_logs
from servicekit.testing.metrics import scrape

pytestmark = pytest.mark.timeout(90)
LIST = "/civic.placenames.v1.DivisionService/ListDivisions"
SERVING, NOT_SERVING = health_pb2.HealthCheckResponse.SERVING, health_pb2.HealthCheckResponse.NOT_SERVING


def sample(samples: dict, name: str, **labels: str) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))


async def wait_for(port: int, condition, what: str, timeout: float = 30.0) -> dict:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while True:
        samples = await asyncio.to_thread(scrape, port)
        if condition(samples):
            return samples
        assert time.monotonic() < deadline, f"{what}: {[(k, v) for k, v in samples.items() if 'outbox' in k[0]]}"
        await asyncio.sleep(0.2)


async def test_a_call_is_counted_with_its_code_and_the_endpoint_stops_with_the_service(
        start_service, secrets) -> None:
    service = await start_service(build_spec(), PlacenamesSettings, MIGRATIONS)
    port = service.runtime.metrics_port
    assert port > 0
    stub = divisions_pb2_grpc.DivisionServiceStub(service.channel)
    await stub.ListDivisions(pb.ListDivisionsRequest(page_size=1),
                             metadata=secrets.caller_metadata("supervisor"), timeout=5)
    with pytest.raises(grpc.aio.AioRpcError) as err:  # no caller token
        await stub.ListDivisions(pb.ListDivisionsRequest(page_size=1), timeout=5)
    assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED

    samples = await asyncio.to_thread(scrape, port)
    assert sample(samples, "civic_rpc_requests_total", service="placenames", method=LIST, code="OK") == 1
    assert sample(samples, "civic_rpc_requests_total", service="placenames", method=LIST,
                  code="UNAUTHENTICATED") == 1
    assert sample(samples, "civic_rpc_duration_seconds_count", service="placenames", method=LIST) == 2
    # Health checks and reflection are not counted (they bypass the interceptors).
    assert not [k for k in samples if k[0] == "civic_rpc_requests_total" and "grpc.health" in str(k)]

    await service.runtime.stop(drain_s=0)
    with pytest.raises(OSError):
        await asyncio.to_thread(scrape, port)


@pytest.fixture
def private_nats(tmp_path) -> Iterator[EmbeddedNats]:
    """A NATS server of this test's own, to stop and start again."""
    server = EmbeddedNats(tmp_path / "nats")
    server.start()
    yield server
    server.stop()


async def test_the_outbox_backlog_rises_while_nats_is_away_and_falls_once_published(
        private_nats: EmbeddedNats, start_service, new_database, secrets, monkeypatch) -> None:
    monkeypatch.setattr(metrics, "BACKLOG_INTERVAL_S", 0.2)
    url = await new_database()
    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url, "placenames")
    service = await start_service(build_spec(), PlacenamesSettings, MIGRATIONS,
                                  DATABASE_URL=url, NATS_URL=private_nats.url)
    port = service.runtime.metrics_port
    labels = {"service": "placenames"}
    await wait_for(port, lambda s: sample(s, "civic_outbox_pending", **labels) == 0, "no backlog at start")

    await asyncio.to_thread(private_nats.stop)
    created = await divisions_pb2_grpc.DivisionServiceStub(service.channel).CreateDivision(
        pb.CreateDivisionRequest(request_id="metrics-outbox-1", code="110000", display_name="测试省",
                                 effective_date="2024-01-01", reason="指标测试"),
        metadata=secrets.caller_metadata("placenames_officer", request_id="metrics-outbox-1"), timeout=10)
    assert created.code == "110000"  # the write succeeds without NATS: its event waits in the outbox
    samples = await wait_for(port, lambda s: sample(s, "civic_outbox_pending", **labels) == 1
                             and sample(s, "civic_outbox_oldest_pending_seconds", **labels) >= 1.0,
                             "the backlog never showed")
    assert sample(samples, "civic_outbox_published_total", **labels) == 0

    private_nats.start()  # the same port: the client reconnects, the relay publishes
    samples = await wait_for(port, lambda s: sample(s, "civic_outbox_pending", **labels) == 0,
                             "the backlog never drained", timeout=45)
    assert sample(samples, "civic_outbox_oldest_pending_seconds", **labels) == 0
    assert sample(samples, "civic_outbox_published_total", **labels) == 1


async def test_a_service_started_while_nats_is_away_serves_and_publishes_once_it_answers(
        tmp_path, start_service, new_database, secrets, monkeypatch) -> None:
    """A pod (re)started during a NATS outage must not crash-loop: it serves, its writes wait in the
    outbox, and the relay and consumers start once NATS answers."""
    monkeypatch.setattr(metrics, "BACKLOG_INTERVAL_S", 0.2)
    monkeypatch.setattr(server, "NATS_START_WAIT_S", 0.5)
    nats_later = EmbeddedNats(tmp_path / "nats")  # its port chosen, nothing listening yet
    url = await new_database()
    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url, "placenames")
    with captured_logs() as output:
        service = await start_service(build_spec(), PlacenamesSettings, MIGRATIONS,
                                      DATABASE_URL=url, NATS_URL=nats_later.url)
    assert '"event": "nats_unavailable_at_start"' in output.getvalue()
    assert service.infra.nc is None
    health = health_pb2_grpc.HealthStub(service.channel)
    assert (await health.Check(health_pb2.HealthCheckRequest(service=""), timeout=2)).status == SERVING
    created = await divisions_pb2_grpc.DivisionServiceStub(service.channel).CreateDivision(
        pb.CreateDivisionRequest(request_id="late-nats-1", code="120000", display_name="测试市",
                                 effective_date="2024-01-01", reason="启动时消息服务不可用"),
        metadata=secrets.caller_metadata("placenames_officer", request_id="late-nats-1"), timeout=10)
    assert created.code == "120000"
    port, labels = service.runtime.metrics_port, {"service": "placenames"}
    await wait_for(port, lambda s: sample(s, "civic_outbox_pending", **labels) == 1, "the event waits")

    nats_later.start()
    try:
        await wait_for(port, lambda s: sample(s, "civic_outbox_published_total", **labels) == 1
                       and sample(s, "civic_outbox_pending", **labels) == 0
                       and sample(s, "civic_nats_connected", **labels) == 1, "the relay never started", timeout=30)
        assert (await health.Check(health_pb2.HealthCheckRequest(service=server.NATS_HEALTH), timeout=2)).status \
            == SERVING
        await service.runtime.stop(drain_s=0)
    finally:
        nats_later.stop()
