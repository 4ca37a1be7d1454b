"""servicekit.pii_keys against real PostgreSQL: the first process records its keys' check values; the
same keys pass again; a changed key under the same version, a changed hash key or a wrong retired key
is refused, naming the variable and version (never a key); a proper rotation passes and records its
new version; a retired key dropped after re-encryption is no longer checked."""
from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy import MetaData

from servicekit.db import Database
from servicekit.pii import PiiCipher, generate_key
from servicekit.pii_keys import PiiKeyMismatch, verify_pii_keys
from servicekit.tables import kit_tables

pytestmark = pytest.mark.timeout(60)

HASH, K1, K2 = generate_key(), generate_key(), generate_key()


@pytest.fixture
async def db(database_with):
    database = await database_with("pk", "CREATE SCHEMA pk")
    async with database.engine.begin() as connection:
        await connection.run_sync(kit_tables(MetaData(schema="pk")).pii_key_checks.create)
    return database


async def checks(db: Database) -> list[tuple[str, int]]:
    conn = await asyncpg.connect(db.url)
    try:
        return [tuple(r) for r in await conn.fetch("SELECT kind, version FROM pk.pii_key_checks ORDER BY 1, 2")]
    finally:
        await conn.close()


async def refused(db: Database, cipher: PiiCipher) -> str:
    with pytest.raises(PiiKeyMismatch) as err:
        await verify_pii_keys(db, cipher)
    message = str(err.value)
    assert not any(key in message for key in (HASH, K1, K2))
    return message


async def test_keys_are_recorded_once_and_a_changed_key_is_refused(db):
    await verify_pii_keys(db, PiiCipher.from_base64(K1, HASH))
    assert await checks(db) == [("encryption", 1), ("lookup", 0)]
    await verify_pii_keys(db, PiiCipher.from_base64(K1, HASH))  # the same keys: again and again
    assert await checks(db) == [("encryption", 1), ("lookup", 0)]

    # A new key put in place of the old one, its version left at 1: would write unreadable values.
    assert "CIVIC_PII_KEY: the key of version 1" in await refused(db, PiiCipher.from_base64(K2, HASH))
    # Another hash key: no one on record would be found.
    assert "CIVIC_PII_HASH_KEY" in await refused(db, PiiCipher.from_base64(K1, generate_key()))
    assert await checks(db) == [("encryption", 1), ("lookup", 0)]  # refusals record nothing


async def test_a_rotation_passes_and_a_wrong_retired_key_is_refused(db):
    await verify_pii_keys(db, PiiCipher.from_base64(K1, HASH))
    await verify_pii_keys(db, PiiCipher.from_base64(K2, HASH, version=2, retired=f"1:{K1}"))
    assert await checks(db) == [("encryption", 1), ("encryption", 2), ("lookup", 0)]
    wrong_retired = PiiCipher.from_base64(K2, HASH, version=2, retired=f"1:{generate_key()}")
    assert "CIVIC_PII_RETIRED_KEYS: the key of version 1" in await refused(db, wrong_retired)
    # After the re-encryption the old key is dropped: version 1 is no longer read, nor checked.
    await verify_pii_keys(db, PiiCipher.from_base64(K2, HASH, version=2))
    assert "version 2" in await refused(db, PiiCipher.from_base64(generate_key(), HASH, version=2))
