"""Migration 0012 on offices already on record: none is designated for foreign, Hong Kong/Macao/Taiwan
and overseas-Chinese cases (rules.md §1.1 Art 2) until an administrator says so, and a new office is
not either unless it is said."""
from __future__ import annotations

import asyncpg
from marriage.adapters.tables import SCHEMA
from marriage.bootstrap import MIGRATIONS
from servicekit.testing.schema import migrated_over


async def offices_of_0011(conn: asyncpg.Connection) -> None:
    columns = await conn.fetch("SELECT attname FROM pg_attribute WHERE attrelid = 'offices'::regclass")
    assert "foreign_cases" not in {c["attname"] for c in columns}
    await conn.execute("""
        INSERT INTO offices (code, name, opens, closes, daily_capacity, rush_opens, rush_closes)
        VALUES ('421281', '赤壁市婚姻登记处', '08:30', '17:00', 40, '08:00', '18:00')""")


async def test_offices_on_record_are_not_designated(new_database) -> None:
    url = await new_database()
    async with migrated_over(MIGRATIONS, url, SCHEMA, "0011", offices_of_0011) as conn:
        assert await conn.fetchval("SELECT foreign_cases FROM offices WHERE code = '421281'") is False
        await conn.execute("""
            INSERT INTO offices (code, name, opens, closes, daily_capacity, rush_opens, rush_closes)
            VALUES ('420100', '武汉市涉外婚姻登记处', '08:30', '17:00', 40, '08:00', '18:00')""")
        assert await conn.fetchval("SELECT foreign_cases FROM offices WHERE code = '420100'") is False
