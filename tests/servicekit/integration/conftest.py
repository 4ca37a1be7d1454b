"""Helpers for the kit's integration tests: a database of their own on the run's PostgreSQL, so a
test that counts outbox rows or restarts a service sees only what it did itself."""
from __future__ import annotations

import uuid
from typing import AsyncIterator, Awaitable, Callable
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import nats
import pytest_asyncio
from nats.aio.client import Client as NATS

from servicekit.events import ensure_stream


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


@pytest_asyncio.fixture
async def new_database(infra) -> AsyncIterator[Callable[[], Awaitable[str]]]:
    """Factory: an empty database on the run's server (dropped afterwards); returns its URL."""
    made: list[str] = []

    async def make() -> str:
        name = f"kit_{uuid.uuid4().hex[:12]}"
        conn = await asyncpg.connect(infra.database_url)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        made.append(name)
        return with_database(infra.database_url, name)

    yield make
    conn = await asyncpg.connect(infra.database_url)
    try:
        for name in made:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest_asyncio.fixture
async def nc(infra) -> AsyncIterator[NATS]:
    client = await nats.connect(infra.nats_url, name="kit-tests")
    await ensure_stream(client.jetstream())
    yield client
    await client.close()
