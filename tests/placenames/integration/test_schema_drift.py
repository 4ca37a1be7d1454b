"""The placenames migrations build exactly the tables the code uses (see servicekit.testing.schema)."""
from __future__ import annotations

from placenames.adapters.tables import SCHEMA, metadata
from placenames.bootstrap import MIGRATIONS
from servicekit.testing.schema import schema_differences


async def test_migrations_build_the_tables_the_code_uses(infra) -> None:
    assert await schema_differences(infra.database_url, MIGRATIONS, SCHEMA, metadata) == []
