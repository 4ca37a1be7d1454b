"""Clients reconnect now and then (max connection age), so that they find new replicas.

The gateway reaches a service through a headless Service with round-robin over the addresses DNS
gave when it connected; gRPC asks DNS again only when a connection ends. Without an age limit a
replica added by the autoscaler got no traffic from a gateway that was already connected."""
from __future__ import annotations

import asyncio
import time

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from placenames.bootstrap import MIGRATIONS, build_spec
from placenames.settings import PlacenamesSettings

pytestmark = pytest.mark.timeout(60)


async def check(channel: grpc.aio.Channel) -> int:
    stub = health_pb2_grpc.HealthStub(channel)
    return (await stub.Check(health_pb2.HealthCheckRequest(), timeout=2)).status


async def test_an_old_connection_is_closed_and_the_client_reconnects(start_service) -> None:
    service = await start_service(build_spec(), PlacenamesSettings, MIGRATIONS, max_connection_age_s=1.0)
    async with grpc.aio.insecure_channel(f"127.0.0.1:{service.runtime.port}") as channel:
        assert await check(channel) == health_pb2.HealthCheckResponse.SERVING
        assert channel.get_state() == grpc.ChannelConnectivity.READY
        deadline = time.monotonic() + 10
        while channel.get_state() == grpc.ChannelConnectivity.READY:  # the server sent GOAWAY
            assert time.monotonic() < deadline, "the connection was never aged out"
            await asyncio.sleep(0.1)
        assert await check(channel) == health_pb2.HealthCheckResponse.SERVING  # a new connection


def test_the_default_age_is_short_enough_to_matter() -> None:
    age = PlacenamesSettings.model_fields["max_connection_age_s"].default
    assert 10 <= age <= 300
