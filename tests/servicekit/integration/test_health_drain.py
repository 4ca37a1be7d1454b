"""Health means something (design.md §6, readiness changed: see servicekit.server.NATS_HEALTH):
SERVING while the database answers, NOT_SERVING while draining, and calls in flight during the drain are still served."""
from __future__ import annotations

import asyncio
import time

import grpc
import pytest
from civic.placenames.v1 import divisions_pb2 as pb
from civic.placenames.v1 import divisions_pb2_grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from marriage.bootstrap import MIGRATIONS as MARRIAGE_MIGRATIONS
from marriage.bootstrap import build_spec as marriage_spec
from marriage.settings import MarriageSettings
from placenames.bootstrap import MIGRATIONS, build_spec
from placenames.settings import PlacenamesSettings
from servicekit.consumer import EventConsumer
from servicekit.server import LIVENESS, NATS_HEALTH, ServiceRuntime
from servicekit.testing.metrics import scrape
from servicekit.testing.plugin import migrate

pytestmark = pytest.mark.timeout(60)
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING
NAMES = ("", "civic.placenames.v1.DivisionService")
NATS_CONNECTED = ("civic_nats_connected", (("service", "placenames"),))


async def statuses(channel: grpc.aio.Channel, names: tuple[str, ...] = NAMES) -> set[int]:
    stub = health_pb2_grpc.HealthStub(channel)
    return {(await stub.Check(health_pb2.HealthCheckRequest(service=name), timeout=2)).status for name in names}


async def test_serving_then_not_serving_during_the_drain(start_service, secrets) -> None:
    service = await start_service(build_spec(), PlacenamesSettings, MIGRATIONS)
    assert await statuses(service.channel) == {SERVING}

    stopping = asyncio.create_task(service.runtime.stop(drain_s=0.5))
    await asyncio.sleep(0.1)
    assert not stopping.done()
    assert await statuses(service.channel) == {NOT_SERVING}
    # Still answering calls while load balancers move traffic away.
    resp = await divisions_pb2_grpc.DivisionServiceStub(service.channel).ListDivisions(
        pb.ListDivisionsRequest(page_size=1), metadata=secrets.caller_metadata("supervisor"), timeout=5)
    assert resp is not None
    await asyncio.sleep(0.2)
    assert await statuses(service.channel) == {NOT_SERVING}  # the health watcher does not flip it back
    await asyncio.wait_for(stopping, 15)

    with pytest.raises(grpc.aio.AioRpcError) as err:  # after the drain the server is gone
        await statuses(service.channel)
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE


async def test_ready_while_nats_is_away_and_says_so(start_service) -> None:
    """Readiness follows the database only: without NATS, writes still commit with their events in
    the outbox, so the pod stays in its Service. The "nats" name and civic_nats_connected say NATS
    is missing, for monitoring."""
    service = await start_service(build_spec(), PlacenamesSettings, MIGRATIONS)
    assert await statuses(service.channel, (*NAMES, NATS_HEALTH)) == {SERVING}
    assert scrape(service.runtime.metrics_port)[NATS_CONNECTED] == 1
    await service.infra.nc.close()  # this runtime's NATS connection is gone
    deadline = time.monotonic() + 5
    while await statuses(service.channel, (NATS_HEALTH,)) != {NOT_SERVING}:
        assert time.monotonic() < deadline, "the nats health name still SERVING without NATS"
        await asyncio.sleep(0.1)
    assert scrape(service.runtime.metrics_port)[NATS_CONNECTED] == 0
    assert await statuses(service.channel, (*NAMES, LIVENESS)) == {SERVING}


async def test_not_serving_until_the_start_has_finished(infra, monkeypatch) -> None:
    """The gRPC server listens before the consumers are provisioned and the relay runs: a readiness
    probe in that window must not see SERVING (grpc's health servicer starts with "" SERVING)."""
    provisioning, release = asyncio.Event(), asyncio.Event()
    original = EventConsumer.provision

    async def slow_provision(self) -> None:
        provisioning.set()
        await release.wait()
        await original(self)

    monkeypatch.setattr(EventConsumer, "provision", slow_provision)
    await migrate(MARRIAGE_MIGRATIONS, infra.database_url, "marriage")
    settings = MarriageSettings(**infra.secrets.settings_kwargs(infra.database_url, infra.nats_url),
                                grpc_port=0, grpc_host="127.0.0.1", metrics_port=0, environment="test")
    runtime = ServiceRuntime(marriage_spec(), settings)
    starting = asyncio.create_task(runtime.start())
    try:
        await asyncio.wait_for(provisioning.wait(), 30)  # listening, the consumer not yet provisioned
        async with grpc.aio.insecure_channel(f"127.0.0.1:{runtime.port}") as channel:
            early = await statuses(channel, ("",))
            release.set()
            await asyncio.wait_for(starting, 30)
            assert early == {NOT_SERVING}
            assert await statuses(channel, ("",)) == {SERVING}
    finally:
        release.set()
        await asyncio.gather(starting, return_exceptions=True)
        await runtime.stop(drain_s=0)
