"""Helpers for the kit's integration tests (a database of their own: `new_database` and
`database_with` of servicekit.testing.plugin)."""
from __future__ import annotations

from typing import AsyncIterator

import nats
import pytest_asyncio
from nats.aio.client import Client as NATS

from servicekit.events import ensure_stream


@pytest_asyncio.fixture
async def nc(infra) -> AsyncIterator[NATS]:
    client = await nats.connect(infra.nats_url, name="kit-tests")
    await ensure_stream(client.jetstream())
    yield client
    await client.close()
