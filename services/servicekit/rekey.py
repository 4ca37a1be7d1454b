"""Re-encryption of stored personal data after an encryption-key rotation (`python -m <svc> rekey`).

A rotation (docs/operations.md, "Rotate secrets") gives the services a new current key while the old
one is kept as retired: :class:`~servicekit.pii.PiiCipher` writes the new version and still reads
the old. This job then rewrites every blob whose version byte is not the current one, so that the
retired key can be dropped. It is built to run beside live traffic and to be run again:

- keyset pagination over each table's primary key, one short transaction per batch: no long
  transaction, no lock held between batches, and a crash loses at most the batch in flight;
- the batch reads without locks and writes with a compare-and-swap (``WHERE col = <the blob read>``):
  a value the service changed in between is left alone (it was written with the current key by
  then, or the next run finds it), never overwritten with an older one;
- a blob that is already current is never rewritten, and NULL is skipped, so a rerun after a
  complete run changes nothing;
- a value that does not decrypt stops the job with an error naming table, column and primary key
  (never the value): the retired key is missing or the blob is damaged, and either needs a person.

The hash columns (``*_hash``) are HMAC digests, not blobs: they are never listed here (the hash key
is not rotated by this job; changing it means recomputing every digest and unique index).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Sequence

import asyncpg
from sqlalchemy import LargeBinary, MetaData, Table

from servicekit.db import Database, driver_connection
from servicekit.logging import get_logger
from servicekit.pii import PiiCipher, PiiDecryptionError

log = get_logger(__name__)

DEFAULT_BATCH = 500
PROGRESS_EVERY_S = 5.0


@dataclass(frozen=True)
class EncryptedColumns:
    """One table's encrypted columns and the primary key the job pages by."""

    schema: str
    table: str
    key: tuple[str, ...]
    columns: tuple[str, ...]

    @classmethod
    def of(cls, table: Table, *columns: str) -> EncryptedColumns:
        """From the service's SQLAlchemy table, so names and key cannot drift from the schema."""
        key = tuple(c.name for c in table.primary_key.columns)
        if not key:
            raise ValueError(f"{table.fullname}: no primary key to page by")
        for name in columns:
            if name not in table.c or not isinstance(table.c[name].type, LargeBinary):
                raise ValueError(f"{table.fullname}.{name} is not a LargeBinary column")
        if not columns:
            raise ValueError(f"{table.fullname}: no encrypted column named")
        return cls(table.schema or "public", table.name, key, tuple(columns))

    @property
    def name(self) -> str:
        return f"{self.schema}.{self.table}"


@dataclass
class TableReport:
    """What one table's pass did: rows read, and per column the values re-encrypted (or, with
    ``check``, found to need it) and those the service changed between read and write."""

    schema: str
    table: str
    rows_scanned: int = 0
    reencrypted: dict[str, int] = field(default_factory=dict)
    changed_meanwhile: dict[str, int] = field(default_factory=dict)

    def as_log(self) -> dict[str, Any]:
        return {"table": f"{self.schema}.{self.table}", "rows_scanned": self.rows_scanned,
                "reencrypted": dict(self.reencrypted), "changed_meanwhile": dict(self.changed_meanwhile)}


def unlisted_encrypted_columns(metadata: MetaData, encrypted: Sequence[EncryptedColumns]) -> list[str]:
    """The LargeBinary ``*_enc`` columns of ``metadata`` that ``encrypted`` does not name: each
    service's test holds this empty, so a new encrypted column cannot be left out of ``rekey``."""
    listed = {(spec.schema, spec.table, column) for spec in encrypted for column in spec.columns}
    return sorted(f"{table.fullname}.{column.name}" for table in metadata.tables.values()
                  for column in table.columns
                  if column.name.endswith("_enc") and isinstance(column.type, LargeBinary)
                  and (table.schema or "public", table.name, column.name) not in listed)


class RekeyError(RuntimeError):
    """A value that cannot be re-encrypted: names table, column and primary key, never the value."""


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class _TablePass:
    """The statements for one table, prepared from the catalog (key types, primary key check)."""

    def __init__(self, spec: EncryptedColumns, key_types: dict[str, str]) -> None:
        self.spec = spec
        table = f"{_ident(spec.schema)}.{_ident(spec.table)}"
        keys = ", ".join(_ident(k) for k in spec.key)
        n_keys = len(spec.key)
        # Stale blobs only ($1 is the current version byte); current and NULL come back as NULL,
        # so a rerun reads keys and nothing else.
        stale = ", ".join(
            f"CASE WHEN {_ident(c)} IS NOT NULL AND substring({_ident(c)} FROM 1 FOR 1) <> $1 "
            f"THEN {_ident(c)} END" for c in spec.columns)
        after = ", ".join(f"${i + 3}" for i in range(n_keys))
        self.first = f"SELECT {keys}, {stale} FROM {table} ORDER BY {keys} LIMIT $2"
        self.next = (f"SELECT {keys}, {stale} FROM {table} WHERE ({keys}) > ({after}) "
                     f"ORDER BY {keys} LIMIT $2")
        unnest = ", ".join([*(f"${i + 1}::{key_types[k]}[]" for i, k in enumerate(spec.key)),
                            f"${n_keys + 1}::bytea[]", f"${n_keys + 2}::bytea[]"])
        names = ", ".join([*(_ident(k) for k in spec.key), "old", "new"])
        match = " AND ".join(f"t.{_ident(k)} = v.{_ident(k)}" for k in spec.key)
        self.updates = {
            c: (f"UPDATE {table} AS t SET {_ident(c)} = v.new FROM unnest({unnest}) AS v({names}) "
                f"WHERE {match} AND t.{_ident(c)} = v.old")
            for c in spec.columns}

    @classmethod
    async def prepare(cls, conn: asyncpg.Connection, spec: EncryptedColumns) -> _TablePass:
        relation = f"{_ident(spec.schema)}.{_ident(spec.table)}"
        rows = await conn.fetch(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type, "
            "       a.attnum = ANY(i.indkey) AS in_pk "
            "FROM pg_attribute a LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary "
            "WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped", relation)
        if not rows:
            raise RekeyError(f"{spec.name}: no such table")
        columns = {r["attname"]: r for r in rows}
        primary = {r["attname"] for r in rows if r["in_pk"]}
        if primary != set(spec.key):
            # Keyset pagination needs a unique key; anything else could skip rows.
            raise RekeyError(f"{spec.name}: key {list(spec.key)} is not the primary key {sorted(primary)}")
        for c in spec.columns:
            if c not in columns or columns[c]["type"] != "bytea":
                raise RekeyError(f"{spec.name}.{c}: no such bytea column")
        return cls(spec, {k: columns[k]["type"] for k in spec.key})


async def rekey(db: Database, cipher: PiiCipher, tables: Sequence[EncryptedColumns], *,
                batch_size: int = DEFAULT_BATCH, check: bool = False) -> list[TableReport]:
    """Re-encrypt, with ``cipher``'s current key, every blob of ``tables`` written with another one.

    ``check``: read and decrypt the stale blobs, count them, write nothing (the verification before
    a retired key is dropped). Raises :class:`RekeyError` on a value that does not decrypt; the
    batches committed before it stay done."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    reports = []
    log.info("rekey_started", version=cipher.version, readable_versions=sorted(cipher.readable_versions),
             tables=[t.name for t in tables], batch_size=batch_size, check=check)
    for spec in tables:
        reports.append(await _rekey_table(db, cipher, spec, batch_size, check))
    log.info("rekey_finished", check=check, tables=[r.as_log() for r in reports])
    return reports


async def _rekey_table(db: Database, cipher: PiiCipher, spec: EncryptedColumns, batch_size: int,
                       check: bool) -> TableReport:
    report = TableReport(spec.schema, spec.table, reencrypted=dict.fromkeys(spec.columns, 0),
                         changed_meanwhile=dict.fromkeys(spec.columns, 0))
    version = bytes([cipher.version])
    n_keys = len(spec.key)
    after: tuple | None = None
    last_log = time.monotonic()
    async with db.transaction() as session:
        statements = await _TablePass.prepare(await driver_connection(session), spec)
    while True:
        async with db.transaction() as session:  # one short transaction per batch
            conn = await driver_connection(session)
            if after is None:
                rows = await conn.fetch(statements.first, version, batch_size)
            else:
                rows = await conn.fetch(statements.next, version, batch_size, *after)
            if not rows:
                break
            for position, column in enumerate(spec.columns, start=n_keys):
                keys: list[list[Any]] = [[] for _ in spec.key]
                olds: list[bytes] = []
                plains: list[str] = []
                for row in rows:
                    old = row[position]
                    if old is None:
                        continue
                    try:
                        plains.append(cipher.decrypt(old))
                    except PiiDecryptionError as err:
                        pk = ", ".join(f"{k}={v}" for k, v in zip(spec.key, row[:n_keys]))
                        raise RekeyError(f"{spec.name}.{column}: the value of the row with primary key "
                                         f"({pk}) cannot be decrypted: {err}") from None
                    for i in range(n_keys):
                        keys[i].append(row[i])
                    olds.append(old)
                if not olds:
                    continue
                if check:
                    report.reencrypted[column] += len(olds)
                    continue
                news = [cipher.encrypt(plain) for plain in plains]
                del plains
                status = await conn.execute(statements.updates[column], *keys, olds, news)
                written = int(status.rsplit(" ", 1)[1])
                report.reencrypted[column] += written
                report.changed_meanwhile[column] += len(olds) - written
            report.rows_scanned += len(rows)
            after = tuple(rows[-1][:n_keys])
        if time.monotonic() - last_log >= PROGRESS_EVERY_S:
            log.info("rekey_progress", **report.as_log())
            last_log = time.monotonic()
        if len(rows) < batch_size:
            break
    log.info("rekey_table_done", check=check, **report.as_log())
    return report
