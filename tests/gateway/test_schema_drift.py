"""The gateway's migrations build exactly the tables its code uses (see servicekit.testing.schema):
the accounts tables and the kit's audit log."""
from __future__ import annotations

from gateway.accounts.tables import MIGRATIONS, SCHEMA, audit_log, metadata
from servicekit.db import service_metadata
from servicekit.testing.schema import schema_differences


async def test_migrations_build_the_tables_the_code_uses(infra) -> None:
    declared = service_metadata(SCHEMA)  # the same naming convention
    for table in (*metadata.tables.values(), audit_log):
        table.to_metadata(declared)
    assert await schema_differences(infra.database_url, MIGRATIONS, SCHEMA, declared) == []
