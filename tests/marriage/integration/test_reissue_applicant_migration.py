"""Migration 0015 on a registry with reissues: the documents issued before it did not record who
applied, and say so (NULL, not a party or "in person"); from then on a row by proxy must carry the
agent's document and the power of attorney's reference."""
from __future__ import annotations

import uuid

import asyncpg
import pytest
from marriage.adapters.tables import SCHEMA
from marriage.bootstrap import MIGRATIONS
from servicekit.testing.schema import migrated_over

MARRIAGE = uuid.uuid4()
RECORDS = f"""
INSERT INTO marriages (id, certificate_number, office_code, register_date, state)
VALUES ('{MARRIAGE}', 'J421281-2023-000001', '421281', '2023-05-01', 'REGISTERED');
INSERT INTO certificates (id, marriage_id, kind, number, office_code, issue_date, reason)
VALUES ('{uuid.uuid4()}', '{MARRIAGE}', 'BJ', 'BJ421281-2023-000001', '421281', '2023-09-01', '结婚证遗失');
"""
COLUMNS = ("party_position", "by_proxy", "agent_id_type", "agent_id_hash", "agent_id_enc", "agent_id_masked",
           "agent_name", "power_of_attorney")


async def reissues_of_0011(conn: asyncpg.Connection) -> None:
    columns = await conn.fetch("SELECT attname FROM pg_attribute WHERE attrelid = 'certificates'::regclass")
    assert "by_proxy" not in {c["attname"] for c in columns}
    await conn.execute(RECORDS)


def certificate(number: str, **application) -> str:
    names = ", ".join(application)
    values = ", ".join(f"${i}" for i in range(1, len(application) + 1))
    return (f"INSERT INTO certificates (id, marriage_id, kind, number, office_code, issue_date, {names}) "
            f"VALUES ('{uuid.uuid4()}', '{MARRIAGE}', 'BJ', '{number}', '421281', '2024-03-01', {values})")


async def test_older_reissues_record_no_applicant_and_a_proxy_needs_its_power_of_attorney(new_database) -> None:
    url = await new_database()
    async with migrated_over(MIGRATIONS, url, SCHEMA, "0011", reissues_of_0011) as conn:
        (old,) = await conn.fetch(f"SELECT {', '.join(COLUMNS)} FROM certificates")
        assert dict(old) == dict.fromkeys(COLUMNS)  # not recorded
        await conn.execute(certificate("BJ421281-2024-000001", party_position=1, by_proxy=False), 1, False)
        await conn.execute(certificate("BJ421281-2024-000002", party_position=0, by_proxy=True, agent_id_hash=b"h",
                                       agent_id_enc=b"e", power_of_attorney="(2024)鄂赤壁证字第1号"),
                           0, True, b"h", b"e", "(2024)鄂赤壁证字第1号")
        for missing in ({"power_of_attorney": ""}, {"agent_id_hash": None}, {"agent_id_enc": None}):
            row = {"party_position": 0, "by_proxy": True, "agent_id_hash": b"h", "agent_id_enc": b"e",
                   "power_of_attorney": "(2024)鄂赤壁证字第1号", **missing}
            with pytest.raises(asyncpg.CheckViolationError):
                await conn.execute(certificate("BJ421281-2024-000003", **row), *row.values())
