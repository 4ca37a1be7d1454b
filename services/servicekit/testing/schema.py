"""Schema drift: what Alembic's autogenerate would write to bring a service's migrated schema to
the tables its code declares — empty when the migrations build exactly those tables; and a schema
as an older release left it, for the tests of a migration's backfill."""
from __future__ import annotations

import asyncio
from pathlib import Path

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


async def migrated_back_to(migrations_dir: Path, database_url: str, schema: str, revision: str) -> None:
    """A fresh database's schema as an older release left it: every migration, then down to
    ``revision`` — for a test of what a later migration does to the rows that release wrote. (The
    first migration creates the kit's tables as the code defines them today; the later ones'
    downgrades take off what they added.)"""
    def run() -> None:
        migrations.upgrade(migrations_dir, database_url, schema)
        command.downgrade(migrations.alembic_config(migrations_dir, database_url, schema), revision)

    await asyncio.to_thread(run)


async def migrated(migrations_dir: Path, database_url: str, schema: str) -> None:
    """Every migration on a test database (not the run's shared one: see plugin.migrate)."""
    await asyncio.to_thread(migrations.upgrade, migrations_dir, database_url, schema)
