"""Migration 0004: the division changes audited before offices were recorded fall under the
division's own code, as the changes audited since."""
from __future__ import annotations

import asyncpg
from placenames.adapters.tables import SCHEMA
from placenames.bootstrap import MIGRATIONS
from servicekit.testing.schema import migrated, migrated_back_to


async def test_old_rows_fall_under_their_division(new_database) -> None:
    url = await new_database()
    await migrated_back_to(MIGRATIONS, url, SCHEMA, "0003")
    conn = await asyncpg.connect(url, server_settings={"search_path": SCHEMA})
    try:
        await conn.executemany(
            "INSERT INTO audit_log (id, actor, request_id, action, resource) "
            "VALUES (gen_random_uuid(), 'officer', 'rq-old', 'division.create', $1)",
            [("divisions/421281",), ("divisions/421281100000",)])
        await migrated(MIGRATIONS, url, SCHEMA)
        rows = await conn.fetch("SELECT resource, office_code FROM audit_log")
        assert {r["resource"]: r["office_code"] for r in rows} == {
            "divisions/421281": "421281", "divisions/421281100000": "421281100000"}
    finally:
        await conn.close()
