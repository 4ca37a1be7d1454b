"""Migration 0002: the account changes audited before offices were recorded fall under the
account's (or client's) jurisdiction, as those audited since."""
from __future__ import annotations

import asyncpg
from gateway.accounts.tables import MIGRATIONS, SCHEMA
from servicekit.testing.schema import migrated, migrated_back_to


async def test_old_rows_fall_under_the_accounts_jurisdiction(new_database) -> None:
    url = await new_database()
    await migrated_back_to(MIGRATIONS, url, SCHEMA, "0001")
    conn = await asyncpg.connect(url, server_settings={"search_path": SCHEMA})
    try:
        await conn.executemany(
            "INSERT INTO audit_log (id, actor, request_id, action, resource, before, after) "
            "VALUES (gen_random_uuid(), 'admin', 'rq-old', 'account.update', $1, $2::jsonb, $3::jsonb)",
            [("users/li", None, '{"jurisdiction": "421281"}'),
             ("users/wang", '{"jurisdiction": "4212"}', '{"jurisdiction": ""}'),
             ("clients/province", None, '{"jurisdiction": "42"}')])
        await migrated(MIGRATIONS, url, SCHEMA)
        rows = await conn.fetch("SELECT resource, office_code FROM audit_log")
        assert {r["resource"]: r["office_code"] for r in rows} == {
            "users/li": "421281", "users/wang": "", "clients/province": "42"}
    finally:
        await conn.close()
