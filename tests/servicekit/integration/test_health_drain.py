"""Health means something (design.md §6): SERVING while the database and NATS answer, NOT_SERVING
while draining, and calls in flight during the drain are still served."""
from __future__ import annotations

import asyncio
import time

import grpc
import pytest
from civic.placenames.v1 import divisions_pb2 as pb
from civic.placenames.v1 import divisions_pb2_grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from placenames.bootstrap import MIGRATIONS, build_spec
from placenames.settings import PlacenamesSettings

pytestmark = pytest.mark.timeout(60)
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING
NAMES = ("", "civic.placenames.v1.DivisionService")


async def statuses(channel: grpc.aio.Channel) -> set[int]:
    stub = health_pb2_grpc.HealthStub(channel)
    return {(await stub.Check(health_pb2.HealthCheckRequest(service=name), timeout=2)).status for name in NAMES}


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


async def test_not_serving_when_nats_is_away(start_service) -> None:
    service = await start_service(build_spec(), PlacenamesSettings, MIGRATIONS)
    assert await statuses(service.channel) == {SERVING}
    await service.infra.nc.close()  # this runtime's NATS connection is gone
    deadline = time.monotonic() + 5
    while await statuses(service.channel) != {NOT_SERVING}:
        assert time.monotonic() < deadline, "health still SERVING without NATS"
        await asyncio.sleep(0.1)
    # ... but the process is alive: the liveness name stays SERVING, so no probe restarts the pod.
    liveness = await health_pb2_grpc.HealthStub(service.channel).Check(
        health_pb2.HealthCheckRequest(service="liveness"), timeout=2)
    assert liveness.status == SERVING
