"""Migration 0017: a court's judgment of a void or annulled marriage on marriages (five columns, all
set on a VOID record and only there); its downgrade turns VOID records into REVOKED — the previous
release's nearest state, which it too leaves out of marital status — keeping the judgment's court
and number in end_reference."""
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

OLD = uuid.uuid4()
COLUMNS = ("annulment_kind", "annulment_ground", "annulment_court", "annulment_document", "annulment_date")
JUDGMENT = {"annulment_kind": "VOID", "annulment_ground": "BIGAMY", "annulment_court": "赤壁市人民法院",
            "annulment_document": "(2024)鄂1281民初45号", "annulment_date": dt.date(2024, 3, 20)}


async def a_record_of_0016(conn: asyncpg.Connection) -> None:
    columns = await conn.fetch("SELECT attname FROM pg_attribute WHERE attrelid = 'marriages'::regclass")
    assert "annulment_kind" not in {c["attname"] for c in columns}
    await conn.execute(f"""
        INSERT INTO marriages (id, certificate_number, office_code, register_date, state)
        VALUES ('{OLD}', 'J421281-2023-000001', '421281', '2023-05-01', 'REGISTERED')""")


async def insert(conn: asyncpg.Connection, state: str, end_reason: str = "", end_reference: str = "",
                 **judgment) -> uuid.UUID:
    marriage_id = uuid.uuid4()
    values = {"id": marriage_id, "certificate_number": f"J421281-2023-{uuid.uuid4().hex[:6]}",
              "office_code": "421281", "register_date": dt.date(2023, 5, 1), "state": state,
              "end_date": dt.date(2024, 3, 1), "end_reason": end_reason, "end_reference": end_reference, **judgment}
    placeholders = ", ".join(f"${i}" for i in range(1, len(values) + 1))
    await conn.execute(f"INSERT INTO marriages ({', '.join(values)}) VALUES ({placeholders})", *values.values())
    return marriage_id


async def test_a_judgment_is_recorded_whole_on_a_void_record_and_downgrades_to_revoked(new_database) -> None:
    url = await new_database()
    async with migrated_over(MIGRATIONS, url, SCHEMA, "0016", a_record_of_0016) as conn:
        (old,) = await conn.fetch(f"SELECT state, {', '.join(COLUMNS)} FROM marriages WHERE id = $1", OLD)
        assert dict(old) == {"state": "REGISTERED", **dict.fromkeys(COLUMNS)}
        ended_by_it = await insert(conn, "VOID", "COURT_VOID", "赤壁市人民法院 (2024)鄂1281民初45号", **JUDGMENT)
        divorced_before = await insert(conn, "VOID", "COURT_DIVORCE", "(2023)鄂1281民初9号",
                                       **{**JUDGMENT, "annulment_kind": "ANNULLED", "annulment_ground": "COERCION"})
        for partial in ({**JUDGMENT, "annulment_date": None}, {**JUDGMENT, "annulment_court": None}, {}):
            with pytest.raises(asyncpg.CheckViolationError):
                await insert(conn, "VOID", "COURT_VOID", **partial)
        with pytest.raises(asyncpg.CheckViolationError):  # a judgment on a record that is not VOID
            await insert(conn, "DIVORCED", "COURT_DIVORCE", **JUDGMENT)
        with pytest.raises(asyncpg.CheckViolationError):
            await insert(conn, "ANNULLED_SOMEHOW", **JUDGMENT)

        config = migrations.alembic_config(MIGRATIONS, url, SCHEMA)
        await asyncio.to_thread(command.downgrade, config, "0016")
        found = {r["id"]: dict(r) for r in await conn.fetch(
            "SELECT id, state, end_reason, end_reference FROM marriages")}
        assert found[ended_by_it] == {"id": ended_by_it, "state": "REVOKED", "end_reason": "REVOKED",
                                      "end_reference": "赤壁市人民法院 (2024)鄂1281民初45号"}
        assert found[divorced_before] == {"id": divorced_before, "state": "REVOKED", "end_reason": "COURT_DIVORCE",
                                          "end_reference": "(2023)鄂1281民初9号；赤壁市人民法院 (2024)鄂1281民初45号"}
        assert found[OLD]["state"] == "REGISTERED"
        columns = {c["attname"] for c in await conn.fetch(
            "SELECT attname FROM pg_attribute WHERE attrelid = 'marriages'::regclass AND NOT attisdropped")}
        assert not columns & set(COLUMNS)
        with pytest.raises(asyncpg.CheckViolationError):  # the previous release's states again
            await insert(conn, "VOID", "COURT_VOID")

        await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url, SCHEMA)  # and up again over them
        assert await conn.fetchval("SELECT count(*) FROM marriages WHERE state = 'VOID'") == 0
