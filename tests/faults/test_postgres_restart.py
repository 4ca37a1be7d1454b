"""PostgreSQL restarted under a running service: the service recovers without being restarted —
calls succeed again, health returns to SERVING, and events committed after the restart are
published (the relay reconnects and takes its lock again)."""
from __future__ import annotations

import asyncio
import time
import uuid

import grpc
import pytest
from civic.placenames.v1 import divisions_pb2 as pb
from civic.placenames.v1 import divisions_pb2_grpc, events_pb2
from grpc_health.v1 import health_pb2

from servicekit.devstack.embedded import EmbeddedPostgres
from servicekit.testing.process import ServiceProcess

pytestmark = pytest.mark.timeout(150)


async def create(service: ServiceProcess, secrets, code: str) -> pb.Division:
    async with grpc.aio.insecure_channel(service.address) as channel:
        return await divisions_pb2_grpc.DivisionServiceStub(channel).CreateDivision(
            pb.CreateDivisionRequest(request_id=uuid.uuid4().hex, code=code, display_name=f"测试{code[:2]}",
                                     effective_date="2024-01-01", reason="故障测试"),
            metadata=secrets.caller_metadata("placenames_officer"), timeout=5)


async def test_service_recovers_after_postgres_restart(infra, tmp_path, servers_path):
    pg = EmbeddedPostgres(servers_path / "pg", fsync=False)
    database_url = pg.start()
    service = ServiceProcess("placenames", infra.secrets.service_env(database_url, infra.nats_url), tmp_path)
    try:
        await asyncio.to_thread(service.migrate)
        await service.start()
        import nats

        nc = await nats.connect(infra.nats_url)
        sub = await nc.jetstream().subscribe("civic.placenames.division_changed", ordered_consumer=True,
                                              deliver_policy="new")
        assert (await create(service, infra.secrets, "130000")).code == "130000"

        await asyncio.to_thread(pg.stop)
        deadline = time.monotonic() + 10
        while await service.health() != health_pb2.HealthCheckResponse.NOT_SERVING:
            assert time.monotonic() < deadline, "health never reported NOT_SERVING with the database down"
            await asyncio.sleep(0.2)
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await create(service, infra.secrets, "140000")
        assert refused.value.code() == grpc.StatusCode.UNAVAILABLE  # 503 "retry", not 500 INTERNAL

        await asyncio.to_thread(pg.start)  # same port, same data
        await service.wait_serving(timeout=20)
        deadline = time.monotonic() + 20
        while True:
            try:
                created = await create(service, infra.secrets, "150000")
                break
            except grpc.aio.AioRpcError:
                assert time.monotonic() < deadline, "calls never succeeded after the restart"
                await asyncio.sleep(0.5)
        assert created.code == "150000" and service.proc.poll() is None

        codes = set()
        while "150000" not in codes:
            msg = await sub.next_msg(timeout=15)
            codes.add(events_pb2.DivisionChanged.FromString(msg.data).code)
        assert "140000" not in codes  # the refused call left nothing behind
        await nc.close()
        assert await service.terminate() == 0
    finally:
        service.kill()
        pg.stop()
