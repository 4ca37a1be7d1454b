"""The schema backup of docs/operations.md ("One schema at a time"), done for real: pg_dump of the
marriage schema, pg_restore into an empty database. What comes back is the registry as it was:
records that decrypt with the same keys and refuse other ones (the PII key checks travel with the
data), current-spouse claims that still refuse a second marriage, an audit log that is still
append-only, and certificate serials that go on without a gap or a repeat."""
from __future__ import annotations

import subprocess
import uuid

import asyncpg
import pytest
from marriage.adapters.repository import MarriageRepository, next_serial
from servicekit.db import Database, plain_url
from servicekit.devstack.embedded import postgres_binary
from servicekit.pii import PiiCipher, generate_key
from servicekit.pii_keys import PiiKeyMismatch, verify_pii_keys

from tests.marriage.integration.marriage_support import REGISTRAR, office_code, register_request, stub

pytestmark = pytest.mark.timeout(120)


async def test_a_schema_dump_restores_the_registry(marriage, secrets, infra, new_database, tmp_path):
    md = secrets.caller_metadata(*REGISTRAR)
    office = office_code()
    made = [await stub(marriage).RegisterMarriage(register_request(office=office), metadata=md) for _ in range(3)]
    dump, empty_database = tmp_path / "marriage.dump", await new_database()
    subprocess.run([postgres_binary("pg_dump"), "-d", plain_url(infra.database_url), "-n", "marriage", "-Fc",
                    "-f", str(dump)], check=True, capture_output=True, timeout=60)
    subprocess.run([postgres_binary("pg_restore"), "-d", empty_database, "--exit-on-error", str(dump)],
                   check=True, capture_output=True, timeout=60)

    db = Database(empty_database, "marriage", pool_size=2)
    cipher = marriage.infra.cipher
    try:
        await verify_pii_keys(db, cipher)  # the keys it was written with
        with pytest.raises(PiiKeyMismatch, match="CIVIC_PII_HASH_KEY"):
            await verify_pii_keys(db, PiiCipher.from_base64(secrets.pii_key, generate_key()))
        year = int(made[0].certificate_number.split("-")[1])
        async with db.transaction() as session:
            repo = MarriageRepository(session, cipher)
            for m in made:
                record = await repo.get(m.name.split("/", 1)[1])
                assert record is not None and record.marriage.certificate_number == m.certificate_number
                assert list(record.id_masks) == [p.id_number for p in m.parties]
                assert all(len(p.id_number) == 18 for p in record.marriage.parties)  # decrypted in full
                # Still married in the restored registry: claiming the man again finds him taken.
                assert await repo.claim_current(str(uuid.uuid4()), [record.party_hashes[0]]) \
                    == {record.party_hashes[0]}
            assert await next_serial(session, "J", office, year) == len(made) + 1  # no gap, no repeat
    finally:
        await db.dispose()
    conn = await asyncpg.connect(empty_database)
    try:
        with pytest.raises(asyncpg.RaiseError, match="append-only"):
            await conn.execute("UPDATE marriage.audit_log SET reason = 'rewritten'")
    finally:
        await conn.close()
