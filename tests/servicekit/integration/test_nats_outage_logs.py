"""NATS away: a service says so in a few one-line warnings, not in an error with a full traceback
every half second (nats-py's default error callback, once per reconnect attempt) — an outage of
ten minutes made thousands of multi-line 'error' records per process, drowning real errors."""
from __future__ import annotations

import asyncio
import json

import pytest

from servicekit.devstack.embedded import EmbeddedNats
from servicekit.server import connect_nats

pytestmark = pytest.mark.timeout(60)


async def test_an_outage_is_logged_in_a_few_lines_without_tracebacks(tmp_path, log_output):
    server = EmbeddedNats(tmp_path / "nats")
    server.start()
    nc = await connect_nats(server.url, "outage-test")
    try:
        await asyncio.to_thread(server.stop)
        await asyncio.sleep(4)  # about eight reconnect attempts
        server.start()  # same port
        for _ in range(50):
            if nc.is_connected:
                break
            await asyncio.sleep(0.2)
        assert nc.is_connected
    finally:
        await nc.close()
        server.stop()
    records = [json.loads(line) for line in log_output.getvalue().splitlines()]
    events = [r["event"] for r in records]
    assert "nats_disconnected" in events and "nats_reconnected" in events
    assert not [r for r in records if "exception" in r or r["level"] == "error"]
    assert events.count("nats_error") <= 2
