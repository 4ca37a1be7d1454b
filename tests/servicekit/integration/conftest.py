"""Helpers for the kit's integration tests (a database of their own: `new_database` and
`database_with` of servicekit.testing.plugin)."""
from __future__ import annotations

from typing import AsyncIterator, Awaitable, Callable

import nats
import pytest_asyncio
from nats.aio.client import Client as NATS
from sqlalchemy import MetaData

from servicekit.db import Database
from servicekit.events import ensure_stream
from servicekit.tables import KitTables, kit_tables


@pytest_asyncio.fixture
async def kit_schema(database_with) -> Callable[[str], Awaitable[tuple[Database, KitTables]]]:
    """Factory: ``await kit_schema(name)`` — a database of its own with the kit's tables in schema
    ``name``, as the code defines them (indexes included)."""
    async def make(schema: str) -> tuple[Database, KitTables]:
        db = await database_with(schema, f"CREATE SCHEMA {schema}")
        tables = kit_tables(MetaData(schema=schema))
        async with db.engine.begin() as connection:
            await connection.run_sync(tables.audit_log.metadata.create_all)
        return db, tables

    return make


@pytest_asyncio.fixture
async def nc(infra) -> AsyncIterator[NATS]:
    client = await nats.connect(infra.nats_url, name="kit-tests")
    await ensure_stream(client.jetstream())
    yield client
    await client.close()
