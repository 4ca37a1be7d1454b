"""servicekit.rekey against real PostgreSQL: a table with a composite primary key (uuid, int), two
encrypted columns with NULLs and blobs of both versions. Every stale blob is re-encrypted and only
those; a rerun changes nothing; a crash keeps the committed batches; a value that does not decrypt
stops the job naming table, column and key (not the value); a value the service changes between the
job's read and write is not overwritten."""
from __future__ import annotations

import asyncio
import base64
import json
import threading
import uuid

import asyncpg
import pytest
from sqlalchemy import Column, Integer, LargeBinary, MetaData, PrimaryKeyConstraint, Table
from sqlalchemy.dialects.postgresql import UUID

from servicekit.db import Database
from servicekit.testing.logs import captured_logs
from servicekit.pii import PiiCipher, generate_key
from servicekit.rekey import EncryptedColumns, RekeyError, rekey

pytestmark = pytest.mark.timeout(120)

HASH = generate_key()
V1 = PiiCipher.from_base64(K1 := generate_key(), HASH)
V2 = PiiCipher.from_base64(K2 := generate_key(), HASH, version=2, retired=f"1:{K1}")

people = Table("people", MetaData(schema="rk"), Column("owner", UUID(as_uuid=True)), Column("n", Integer),
               Column("id_enc", LargeBinary), Column("note_enc", LargeBinary),
               Column("id_hash", LargeBinary), PrimaryKeyConstraint("owner", "n"))
SPEC = EncryptedColumns.of(people, "id_enc", "note_enc")
ROWS = 23  # with batches of 5: four full batches and a short one


def plain_id(i: int) -> str:
    return f"42010219900307{i:04d}"


@pytest.fixture
async def db(database_with):
    database = await database_with("rk", "CREATE SCHEMA rk; CREATE TABLE rk.people (owner uuid, n int, id_enc bytea, "
                                   "note_enc bytea, id_hash bytea, PRIMARY KEY (owner, n))")
    rows = []
    for i in range(ROWS):
        owner = uuid.UUID(int=i // 3)  # three rows per owner: the key's second column matters
        # Every 4th row was written after the rotation already; every 5th has no note.
        writer = V2 if i % 4 == 0 else V1
        rows.append((owner, i % 3, writer.encrypt(plain_id(i)),
                     None if i % 5 == 0 else writer.encrypt(f"备注{i}"), V1.digest(plain_id(i))))
    conn = await asyncpg.connect(database.url)
    await conn.executemany("INSERT INTO rk.people VALUES ($1, $2, $3, $4, $5)", rows)
    await conn.close()
    return database


async def table(db: Database) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(db.url)
    try:
        return await conn.fetch("SELECT * FROM rk.people ORDER BY owner, n")
    finally:
        await conn.close()


def stale(rows) -> int:
    return sum(1 for r in rows for c in ("id_enc", "note_enc") if r[c] is not None and r[c][0] != 2)


async def test_rekey_reencrypts_every_stale_blob_once_and_a_rerun_finds_nothing(db):
    before = await table(db)
    expected_id = sum(1 for r in before if r["id_enc"][0] == 1)
    expected_note = sum(1 for r in before if r["note_enc"] is not None and r["note_enc"][0] == 1)

    [report] = await rekey(db, V2, [SPEC], batch_size=5)

    assert report.rows_scanned == ROWS
    assert report.reencrypted == {"id_enc": expected_id, "note_enc": expected_note}
    assert report.changed_meanwhile == {"id_enc": 0, "note_enc": 0}
    after = await table(db)
    assert stale(after) == 0
    only_new = PiiCipher.from_base64(K2, HASH, version=2)
    for i, (old, new) in enumerate(zip(before, after)):
        assert only_new.decrypt(new["id_enc"]) == plain_id(i)
        assert (new["note_enc"] is None) == (i % 5 == 0)
        if new["note_enc"] is not None:
            assert only_new.decrypt(new["note_enc"]) == f"备注{i}"
        assert new["id_hash"] == old["id_hash"]  # digests are not blobs: untouched
        for column in ("id_enc", "note_enc"):  # a current blob is never rewritten
            if old[column] is not None and old[column][0] == 2:
                assert new[column] == old[column]

    [again] = await rekey(db, V2, [SPEC], batch_size=5)
    assert again.rows_scanned == ROWS and again.reencrypted == {"id_enc": 0, "note_enc": 0}
    assert await table(db) == after


async def test_check_counts_without_writing(db):
    before = await table(db)
    [report] = await rekey(db, V2, [SPEC], batch_size=7, check=True)
    assert sum(report.reencrypted.values()) == stale(before) > 0
    assert await table(db) == before


class CrashAfter(PiiCipher):
    """The job's process dies (an exception) at the n-th encryption."""

    def __init__(self, n: int) -> None:
        super().__init__(base64.b64decode(K2), base64.b64decode(HASH), version=2,
                         retired={1: base64.b64decode(K1)})
        self.left = n

    def encrypt(self, plain: str) -> bytes:
        self.left -= 1
        if self.left < 0:
            raise KeyboardInterrupt("killed")
        return super().encrypt(plain)


async def test_a_crash_keeps_the_committed_batches_and_the_rerun_finishes(db):
    before = await table(db)
    first_batch = before[:5]
    in_first = stale(first_batch)
    with pytest.raises(KeyboardInterrupt):
        await rekey(db, CrashAfter(in_first + 1), [SPEC], batch_size=5)  # dies inside the second batch
    middle = await table(db)
    assert stale(middle[:5]) == 0 and middle[5:] == before[5:]  # batch 1 committed, batch 2 not at all
    assert stale(middle) == stale(before) - in_first

    [report] = await rekey(db, V2, [SPEC], batch_size=5)
    assert sum(report.reencrypted.values()) == stale(before) - in_first
    assert stale(await table(db)) == 0


async def test_an_undecryptable_value_stops_the_job_naming_the_row_not_the_value(db):
    before = await table(db)
    victim = before[12]  # in the third batch of five
    conn = await asyncpg.connect(db.url)
    await conn.execute("UPDATE rk.people SET note_enc = $1 WHERE owner = $2 AND n = $3",
                       PiiCipher.from_base64(generate_key(), HASH).encrypt("秘密值"), victim["owner"], victim["n"])
    await conn.close()
    tampered = await table(db)
    with captured_logs("test") as logs, pytest.raises(RekeyError) as err:
        await rekey(db, V2, [SPEC], batch_size=5)
    message = str(err.value)
    assert "rk.people.note_enc" in message and f"owner={victim['owner']}, n={victim['n']}" in message
    assert "failed authentication" in message and "秘密值" not in message
    after = await table(db)
    assert stale(after[:10]) == 0  # the two batches before it are done
    assert after[10:] == tampered[10:]  # its own batch rolled back whole, the rest not reached
    text = logs.getvalue()
    assert [json.loads(line)["event"] for line in text.splitlines()][0] == "rekey_started"
    assert all(plain_id(i) not in text for i in range(ROWS)) and "备注" not in text


async def test_a_value_changed_between_read_and_write_is_not_overwritten(db):
    """The service rewrites a party's number while the job holds the old blob: the job's
    compare-and-swap leaves the service's value in place (counted as changed meanwhile)."""
    before = await table(db)
    target = next(r for r in before if r["id_enc"][0] == 1)
    replacement = V2.encrypt("110105194912310021")

    def service_writes() -> None:
        async def write() -> None:
            conn = await asyncpg.connect(db.url)
            await conn.execute("UPDATE rk.people SET id_enc = $1 WHERE owner = $2 AND n = $3",
                               replacement, target["owner"], target["n"])
            await conn.close()
        asyncio.run(write())

    class Interleaved(CrashAfter):
        def encrypt(self, plain: str) -> bytes:
            if plain == plain_id(before.index(target)):  # the job read the old blob already
                thread = threading.Thread(target=service_writes)
                thread.start()
                thread.join()
            return super().encrypt(plain)

    [report] = await rekey(db, Interleaved(10**6), [SPEC], batch_size=5)
    assert report.changed_meanwhile == {"id_enc": 1, "note_enc": 0}
    after = {(r["owner"], r["n"]): r for r in await table(db)}
    assert after[(target["owner"], target["n"])]["id_enc"] == replacement
    assert stale(after.values()) == 0
