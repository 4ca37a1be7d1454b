"""The PII keys a database was written with, checked before a process writes with its own.

A key that does not belong to the data does not fail loudly by itself: with a changed
``CIVIC_PII_HASH_KEY`` every look-up digest comes out different, so every person on record looks
unknown (unmarried: free to marry again) and new claims no longer collide with old ones; with a
changed ``CIVIC_PII_KEY`` under an unchanged ``CIVIC_PII_KEY_VERSION`` new values are written
under the old version byte with another key, and one of the two sets is unreadable from then on.
Both are silent corruption of the records, found weeks later.

So each schema keeps a check value per key: a known text encrypted with each encryption-key version
and digested with the hash key, written by the first process that uses the key. Every process that
encrypts or looks up personal data (the service at start, seed, rekey) first checks its keys
against them and refuses to start on a mismatch, naming the variable and version, never a key.
Versions without a check value (retired keys from before the checks existed) are not checked.
"""
from __future__ import annotations

import asyncio
import time

from sqlalchemy import Column, DateTime, LargeBinary, MetaData, PrimaryKeyConstraint, SmallInteger, Table, Text, func

from servicekit.db import Database, driver_connection
from servicekit.pii import PiiCipher, PiiDecryptionError

CHECK_TEXT = "civic:pii-key-check"
ENCRYPTION = "encryption"
LOOKUP = "lookup"  # the hash key; unversioned (recorded as version 0)


class PiiKeyMismatch(RuntimeError):
    """The configured keys are not those the database's personal data was written with."""


def pii_key_checks_table(metadata: MetaData) -> Table:
    return Table(
        "pii_key_checks", metadata,
        Column("kind", Text, nullable=False),  # encryption | lookup
        Column("version", SmallInteger, nullable=False),
        Column("check_value", LargeBinary, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        PrimaryKeyConstraint("kind", "version"),
    )


_RECORD = """
INSERT INTO pii_key_checks (kind, version, check_value)
VALUES ('encryption', $1, $2), ('lookup', 0, $3)
ON CONFLICT DO NOTHING
"""
_READ = "SELECT kind, version, check_value FROM pii_key_checks ORDER BY kind, version"


async def verify_pii_keys(db: Database, cipher: PiiCipher, wait_s: float = 0.0) -> None:
    """Record the current keys' check values where none exist yet, then check every readable key
    against the database's; raises :class:`PiiKeyMismatch` on the first that disagrees. Two
    processes starting with different new keys: the first to commit wins, the other is refused.
    ``wait_s``: how long a process starting beside its database waits for it to answer."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            return await _verify(db, cipher)
        except PiiKeyMismatch:
            raise
        except Exception:  # noqa: BLE001 - not reachable (yet): wait for it, then say why
            if time.monotonic() >= deadline:
                raise
            await asyncio.sleep(1.0)


async def _verify(db: Database, cipher: PiiCipher) -> None:
    async with db.transaction() as session:
        conn = await driver_connection(session)
        await conn.execute(_RECORD, cipher.version, cipher.encrypt(CHECK_TEXT), cipher.digest(CHECK_TEXT))
        rows = await conn.fetch(_READ)
    for kind, version, value in rows:
        if kind == LOOKUP:
            if value != cipher.digest(CHECK_TEXT):
                raise PiiKeyMismatch(
                    "CIVIC_PII_HASH_KEY is not the key this database's look-up hashes were made with: "
                    "with it, no one on record would be found. Restore the key the data was written with.")
        elif version in cipher.readable_versions and not _opens(cipher, value):
            which = "CIVIC_PII_KEY" if version == cipher.version else "CIVIC_PII_RETIRED_KEYS"
            raise PiiKeyMismatch(
                f"{which}: the key of version {version} is not the key this database's version-{version} "
                f"values were encrypted with. A new key needs a new CIVIC_PII_KEY_VERSION, with the old "
                f"key kept in CIVIC_PII_RETIRED_KEYS (docs/operations.md, Rotate secrets).")


def _opens(cipher: PiiCipher, value: bytes) -> bool:
    try:
        return cipher.decrypt(value) == CHECK_TEXT
    except PiiDecryptionError:
        return False
