"""The marriage migrations build exactly the tables the code uses: an index, column or constraint
added to (or dropped from) the table definitions without a migration, or the reverse, fails here."""
from __future__ import annotations

import marriage.adapters.import_tables  # noqa: F401 - its tables join marriage's metadata
from marriage.adapters.tables import SCHEMA, metadata
from marriage.bootstrap import MIGRATIONS
from servicekit.testing.schema import schema_differences


async def test_migrations_build_the_tables_the_code_uses(infra) -> None:
    assert await schema_differences(infra.database_url, MIGRATIONS, SCHEMA, metadata) == []
