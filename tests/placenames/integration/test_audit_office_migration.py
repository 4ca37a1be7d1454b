"""Migration 0004: the division changes audited before offices were recorded fall under the
division's own code, as the changes audited since."""
from __future__ import annotations

import asyncpg
from placenames.adapters.tables import SCHEMA
from placenames.bootstrap import MIGRATIONS
from servicekit.testing.schema import migrated_over


async def changes_of_0003(conn: asyncpg.Connection) -> None:
    await conn.executemany("INSERT INTO audit_log (id, actor, request_id, action, resource) "
                           "VALUES (gen_random_uuid(), 'officer', 'rq-old', 'division.create', $1)",
                           [("divisions/421281",), ("divisions/421281100000",)])


async def test_old_rows_fall_under_their_division(new_database) -> None:
    async with migrated_over(MIGRATIONS, await new_database(), SCHEMA, "0003", changes_of_0003) as conn:
        offices = dict(await conn.fetch("SELECT resource, office_code FROM audit_log"))
    assert offices == {"divisions/421281": "421281", "divisions/421281100000": "421281100000"}
