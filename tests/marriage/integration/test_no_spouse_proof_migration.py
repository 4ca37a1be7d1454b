"""Migration 0016 on a registry with marriages: the parties registered before it carry no no-spouse
proof (NULL, not an empty one); from then on a party carries all four parts of a proof or none, and
only the kinds the registry accepts (domain.proofs)."""
from __future__ import annotations

import datetime as dt
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
INSERT INTO marriage_parties (marriage_id, position, id_type, name, nationality)
VALUES ('{MARRIAGE}', 0, 'RESIDENT_ID', '张三', 'CHN'), ('{MARRIAGE}', 1, 'PASSPORT', 'Anna Schmidt', 'DEU');
"""
COLUMNS = ("proof_kind", "proof_issuer", "proof_document", "proof_date")
PROOF = {"proof_kind": "APOSTILLE_CERTIFICATE", "proof_issuer": "Bundesamt für Justiz",
         "proof_document": "AP-2026-1", "proof_date": None}


async def parties_of_0015(conn: asyncpg.Connection) -> None:
    columns = await conn.fetch("SELECT attname FROM pg_attribute WHERE attrelid = 'marriage_parties'::regclass")
    assert "proof_kind" not in {c["attname"] for c in columns}
    await conn.execute(RECORDS)


def party(position: int, **proof) -> str:
    names = ", ".join(proof)
    values = ", ".join(f"${i}" for i in range(1, len(proof) + 1))
    return (f"INSERT INTO marriage_parties (marriage_id, position, id_type, name, nationality, {names}) "
            f"VALUES ('{uuid.uuid4()}', {position}, 'PASSPORT', 'Anna Schmidt', 'DEU', {values})")


async def test_older_parties_carry_no_proof_and_a_proof_is_whole(new_database) -> None:
    url = await new_database()
    async with migrated_over(MIGRATIONS, url, SCHEMA, "0015", parties_of_0015) as conn:
        for old in await conn.fetch(f"SELECT {', '.join(COLUMNS)} FROM marriage_parties"):
            assert dict(old) == dict.fromkeys(COLUMNS)  # not recorded
        # Without the foreign key's marriage the insert would fail on it: drop it for this check only.
        await conn.execute("SET session_replication_role = replica")
        whole = {**PROOF, "proof_date": dt.date(2026, 5, 1)}
        await conn.execute(party(1, **whole), *whole.values())
        for broken in ({"proof_date": None}, {"proof_issuer": ""}, {"proof_document": None},
                       {"proof_kind": "SWORN_STATEMENT"}):
            row = {**whole, **broken}
            with pytest.raises(asyncpg.CheckViolationError):
                await conn.execute(party(1, **row), *row.values())
