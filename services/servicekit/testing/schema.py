"""Schema drift: what Alembic's autogenerate would write to bring a service's migrated schema to
the tables its code declares. Empty when the migrations build exactly those tables."""
from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

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
