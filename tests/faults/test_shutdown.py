"""SIGTERM is a clean stop whatever the dependencies do: with NATS away the marriage service still
drains, closes its database pool, logs service_stopped and exits 0 (a Deployment's rolling update or
a node drain during a NATS outage must not look like a crash)."""
from __future__ import annotations

import asyncio
import json

import pytest
from grpc_health.v1 import health_pb2

from servicekit.server import NATS_HEALTH

pytestmark = pytest.mark.timeout(120)


async def test_sigterm_with_nats_away_is_a_clean_stop(marriage_process, own_servers):
    _pg, nats_server = own_servers
    service = marriage_process
    await asyncio.to_thread(nats_server.stop)
    while await service.health(NATS_HEALTH) != health_pb2.HealthCheckResponse.NOT_SERVING:
        await asyncio.sleep(0.2)
    assert await service.health() == health_pb2.HealthCheckResponse.SERVING  # still ready: the outbox keeps events

    assert await service.terminate() == 0
    written = service.log_path.read_text(errors="replace").splitlines()
    assert [line for line in written if not line.startswith("{")] == []  # no plain-text traceback
    assert json.loads(written[-1])["event"] == "service_stopped"
