"""Schema drift: what Alembic's autogenerate would write to bring a service's migrated schema to
the tables its code declares — empty when the migrations build exactly those tables; and a schema
as an older release left it, for the tests of a migration's backfill."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from servicekit import migrations
from servicekit.db import sqlalchemy_url
from servicekit.testing.plugin import migrate


def _differences(connection: Connection, metadata: MetaData, schema: str) -> list:
    context = MigrationContext.configure(connection, opts={
        "include_schemas": True, "compare_type": True,
        "include_name": lambda name, kind, parent: (name == schema if kind == "schema"
                                                    else name != "alembic_version")})
    return compare_metadata(context, metadata)


async def schema_differences(database_url: str, migrations_dir: Path, schema: str, metadata: MetaData) -> list:
    """Run the service's migrations (once per test run), then compare its schema with ``metadata``:
    tables, columns and their types, indexes, unique and foreign-key constraints."""
    await migrate(migrations_dir, database_url, schema)
    engine = create_async_engine(sqlalchemy_url(database_url))
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_differences, metadata, schema)
    finally:
        await engine.dispose()


@asynccontextmanager
async def migrated_over(migrations_dir: Path, database_url: str, schema: str, revision: str,
                        written: Callable[[asyncpg.Connection], Awaitable[object]],
                        ) -> AsyncIterator[asyncpg.Connection]:
    """A fresh database as the release at ``revision`` left it, holding what ``written`` wrote
    there, then migrated to the head: a connection on it (search path: the schema), for a test of
    what the later migrations did to that release's rows. (The first migration creates the kit's
    tables as the code defines them today; the later ones' downgrades take off what they added.)"""
    def back() -> None:
        migrations.upgrade(migrations_dir, database_url, schema)
        command.downgrade(migrations.alembic_config(migrations_dir, database_url, schema), revision)

    await asyncio.to_thread(back)
    conn = await asyncpg.connect(database_url, server_settings={"search_path": schema})
    try:
        await written(conn)
        await asyncio.to_thread(migrations.upgrade, migrations_dir, database_url, schema)
        yield conn
    finally:
        await conn.close()
