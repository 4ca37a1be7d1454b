"""Migration 0019 on a registry with marriages: records registered before it carry no cohabitation
(NULL, not an empty one); from then on a record carries both dates or neither, in the order the
domain gives them — start ≤ effect ≤ registration (domain.retroactive). The downgrade drops the
two columns and keeps every record."""
from __future__ import annotations

import datetime as dt
import uuid

import asyncio

import asyncpg
import pytest
from alembic import command
from marriage.adapters.tables import SCHEMA
from marriage.bootstrap import MIGRATIONS
from servicekit import migrations
from servicekit.testing.schema import migrated_over

OLD = uuid.uuid4()
REGISTERED = dt.date(2024, 3, 1)


async def marriages_of_0018(conn: asyncpg.Connection) -> None:
    columns = await conn.fetch("SELECT attname FROM pg_attribute WHERE attrelid = 'marriages'::regclass")
    assert "cohabitation_start_date" not in {c["attname"] for c in columns}
    await conn.execute(f"INSERT INTO marriages (id, certificate_number, office_code, register_date, state) "
                       f"VALUES ('{OLD}', 'J421281-2023-000001', '421281', '2023-05-01', 'REGISTERED')")


async def insert(conn: asyncpg.Connection, since: dt.date | None, effective: dt.date | None) -> None:
    await conn.execute(
        "INSERT INTO marriages (id, certificate_number, office_code, register_date, state, "
        "cohabitation_start_date, effective_date) VALUES ($1, $2, '421281', $3, 'REGISTERED', $4, $5)",
        uuid.uuid4(), f"J421281-2024-{uuid.uuid4().hex[:6]}", REGISTERED, since, effective)


async def test_older_records_carry_none_and_the_dates_come_in_order(new_database) -> None:
    url = await new_database()
    async with migrated_over(MIGRATIONS, url, SCHEMA, "0018", marriages_of_0018) as conn:
        old = await conn.fetchrow(f"SELECT cohabitation_start_date, effective_date FROM marriages WHERE id = '{OLD}'")
        assert dict(old) == {"cohabitation_start_date": None, "effective_date": None}
        await insert(conn, dt.date(2020, 5, 1), dt.date(2022, 6, 1))
        await insert(conn, dt.date(2020, 5, 1), REGISTERED)
        for since, effective in ((dt.date(2020, 5, 1), None), (None, dt.date(2022, 6, 1)),
                                 (dt.date(2022, 6, 2), dt.date(2022, 6, 1)),
                                 (dt.date(2020, 5, 1), REGISTERED + dt.timedelta(days=1))):
            with pytest.raises(asyncpg.CheckViolationError):
                await insert(conn, since, effective)

    await asyncio.to_thread(command.downgrade, migrations.alembic_config(MIGRATIONS, url, SCHEMA), "0018")
    conn = await asyncpg.connect(url, server_settings={"search_path": SCHEMA})
    try:
        columns = {r["attname"] for r in await conn.fetch(
            "SELECT attname FROM pg_attribute WHERE attrelid = 'marriages'::regclass AND NOT attisdropped")}
        assert {"cohabitation_start_date", "effective_date"} & columns == set()
        assert await conn.fetchval("SELECT count(*) FROM marriages") == 3
    finally:
        await conn.close()
