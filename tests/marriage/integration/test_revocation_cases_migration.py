"""Migration 0018 (revocation cases) on a registry of the release before: a new table, nothing
existing touched. Its CHECKs hold each step's columns to its state (a decision only after the
objection deadline, a declined case with its reason), a marriage holds one undecided case at most
(the partial unique index), and the downgrade takes the table off again."""
from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import asyncpg
import pytest
from alembic import command
from marriage.adapters.tables import SCHEMA
from marriage.bootstrap import MIGRATIONS
from servicekit import migrations
from servicekit.testing.schema import migrated_over

MARRIAGE = uuid.uuid4()
RECORDS = f"""
INSERT INTO marriages (id, certificate_number, office_code, register_date, state)
VALUES ('{MARRIAGE}', 'J421281-2023-000001', '421281', '2023-05-01', 'REGISTERED');
"""
COLUMNS = ("state", "notice_method", "notice_date", "objection_deadline", "outcome", "decision_number",
           "decision_date", "declined_reason", "service_date", "filed_date")
REVIEWING = ("REVIEWING", None, None, None, None, "", None, "", None, None)
NOTIFIED = ("NOTIFIED", "MAIL", "2024-03-01", "2024-03-18", None, "", None, "", None, None)
REVOKED = ("REVOKED", "MAIL", "2024-03-01", "2024-03-18", "REVOKE", "赤民撤字1号", "2024-03-19", "", None, None)
DECLINED = ("DECLINED", "MAIL", "2024-03-01", "2024-03-18", "DECLINE", "赤民字2号", "2024-03-19", "证据不足", None, None)
FILED = ("FILED", "IN_PERSON", "2024-03-01", "2024-03-18", "REVOKE", "n", "2024-03-19", "", "2024-03-20", "2024-03-21")


async def registry_of_0017(conn: asyncpg.Connection) -> None:
    assert await conn.fetchval("SELECT to_regclass('revocation_cases')") is None
    await conn.execute(RECORDS)


async def insert(conn: asyncpg.Connection, values: tuple, marriage: uuid.UUID = MARRIAGE) -> None:
    placeholders = ", ".join(f"${i}" for i in range(3, len(COLUMNS) + 3))
    await conn.execute(
        f"INSERT INTO revocation_cases (id, marriage_id, source, document_number, received_on, office_code, "
        f"{', '.join(COLUMNS)}) VALUES ($1, $2, 'POLICE', '赤公认1号', '2024-02-28', '421281', {placeholders})",
        uuid.uuid4(), marriage, *[dt.date.fromisoformat(v) if v and c.endswith(("_date", "deadline")) else v
                                  for c, v in zip(COLUMNS, values)])


def downgrade(url: str, revision: str) -> None:
    command.downgrade(migrations.alembic_config(MIGRATIONS, url, SCHEMA), revision)


async def test_the_table_holds_each_steps_columns_to_its_state_and_one_open_case(new_database) -> None:
    url = await new_database()
    async with migrated_over(MIGRATIONS, url, SCHEMA, "0017", registry_of_0017) as conn:
        assert await conn.fetchval("SELECT count(*) FROM marriages") == 1  # nothing existing changed
        await insert(conn, REVIEWING)
        with pytest.raises(asyncpg.UniqueViolationError, match="uq_revocation_cases_open"):
            await insert(conn, NOTIFIED)  # a second undecided case of the marriage
        for decided in (REVOKED, DECLINED, FILED):  # decided cases do not count as open
            await insert(conn, decided)
        other = uuid.uuid4()
        await conn.execute(RECORDS.replace(str(MARRIAGE), str(other)).replace("000001", "000002"))
        bad = [
            ("UNKNOWN",) + REVIEWING[1:],  # state
            ("REVIEWING",) + NOTIFIED[1:],  # notified columns under review
            NOTIFIED[:2] + (None,) + NOTIFIED[3:],  # notified without its date
            NOTIFIED[:4] + ("REVOKE",) + NOTIFIED[5:],  # an outcome undecided
            REVOKED[:6] + ("2024-03-18",) + REVOKED[7:],  # decided on the objection deadline itself
            REVOKED[:5] + ("",) + REVOKED[6:],  # no decision number
            DECLINED[:7] + ("",) + DECLINED[8:],  # declined without a reason
            ("REVOKED",) + DECLINED[1:],  # state and outcome disagree
            ("SERVED",) + REVOKED[1:],  # served without its date
            FILED[:9] + (None,),  # filed without its date
            NOTIFIED[:1] + ("FAX",) + NOTIFIED[2:],  # notice method
        ]
        for values in bad:
            with pytest.raises(asyncpg.CheckViolationError):
                await insert(conn, values, other)
        await insert(conn, NOTIFIED, other)

    await asyncio.to_thread(downgrade, url, "0017")
    conn = await asyncpg.connect(url, server_settings={"search_path": SCHEMA})
    try:
        assert await conn.fetchval("SELECT to_regclass('revocation_cases')") is None
        assert await conn.fetchval("SELECT count(*) FROM marriages") == 2
    finally:
        await conn.close()
    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url, SCHEMA)  # and up again
