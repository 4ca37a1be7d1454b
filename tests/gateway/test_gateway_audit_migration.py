"""Migration 0002: the account changes audited before offices were recorded fall under the
account's (or client's) jurisdiction, as those audited since."""
from __future__ import annotations

import asyncpg
from gateway.accounts.tables import MIGRATIONS, SCHEMA
from servicekit.testing.schema import migrated_over

# (resource, before, after) of account changes audited by release 0001
CHANGES = [("users/li", None, '{"jurisdiction": "421281"}'),
           ("users/wang", '{"jurisdiction": "4212"}', '{"jurisdiction": ""}'),  # made bureau-wide
           ("clients/province", None, '{"jurisdiction": "42"}')]


async def changes_of_0001(conn: asyncpg.Connection) -> None:
    await conn.executemany(
        "INSERT INTO audit_log (id, actor, request_id, action, resource, before, after) "
        "VALUES (gen_random_uuid(), 'admin', 'rq-old', 'account.update', $1, $2, $3)", CHANGES)


async def test_old_rows_fall_under_the_accounts_jurisdiction(new_database) -> None:
    async with migrated_over(MIGRATIONS, await new_database(), SCHEMA, "0001", changes_of_0001) as conn:
        offices = dict(await conn.fetch("SELECT resource, office_code FROM audit_log"))
    assert offices == {"users/li": "421281", "users/wang": "", "clients/province": "42"}
