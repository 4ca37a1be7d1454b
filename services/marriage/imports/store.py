"""Writing an import: batches go in with PostgreSQL COPY on the unit of work's own connection (so they
commit or roll back with it), each while the next batch is being read and checked. What needs every
row — overlap defects, divorces ending marriages, the current spouse of people married more than
once — is settled in a few set-based statements at the end, planned on statistics that know the
import's rows (a million-row import into a registry that already holds one must not be planned as if
its import id had one row).
"""
from __future__ import annotations

import asyncio
import contextlib
import uuid

import asyncpg

from marriage.adapters.import_tables import import_defects, import_rows
from marriage.adapters.tables import SCHEMA, marriage_parties, marriages
from marriage.imports.pipeline import Batch
from marriage.imports.records import DEFECT_COLUMNS, MARRIAGE_COLUMNS, PARTY_COLUMNS, ROW_COLUMNS

# Divorce rows not yet linked, each matched to the couple's latest marriage registered on or before
# the divorce date that is still REGISTERED (a couple may marry, divorce and remarry each other).
# A marriage ended twice (a repeated divorce row) is ended once, by the earliest row.
_END_MARRIAGES = f"""
WITH matched AS (
    SELECT DISTINCT ON (m.id) m.id AS marriage_id, r.import_id, r.row_number, r.event_date,
           r.certificate_number
    FROM {SCHEMA}.import_rows r
    CROSS JOIN LATERAL (
        SELECT mm.id, mm.register_date
        FROM {SCHEMA}.marriage_parties man
        JOIN {SCHEMA}.marriage_parties woman
          ON woman.marriage_id = man.marriage_id AND woman.position = 1 AND woman.id_hash = r.woman_hash
        JOIN {SCHEMA}.marriages mm ON mm.id = man.marriage_id
        WHERE man.position = 0 AND man.id_hash = r.man_hash
          AND mm.state = 'REGISTERED' AND mm.register_date <= r.event_date
        ORDER BY mm.register_date DESC
        LIMIT 1
    ) m
    WHERE r.kind = 'divorce' AND r.ended_marriage_id IS NULL AND r.event_date IS NOT NULL
      AND r.man_hash IS NOT NULL AND r.woman_hash IS NOT NULL AND {{rows}}
    ORDER BY m.id, r.event_date, r.row_number
), ended AS (
    UPDATE {SCHEMA}.marriages m
    SET state = 'DIVORCED', end_date = matched.event_date, end_reason = 'DIVORCE_REGISTERED',
        end_reference = matched.certificate_number, updated_at = now()
    FROM matched WHERE m.id = matched.marriage_id
    RETURNING m.id
), linked AS (
    UPDATE {SCHEMA}.import_rows r SET ended_marriage_id = matched.marriage_id
    FROM matched WHERE r.import_id = matched.import_id AND r.row_number = matched.row_number
)
DELETE FROM {SCHEMA}.current_spouses WHERE marriage_id IN (SELECT id FROM ended)
RETURNING party_hash
"""
_IMPORT_ROWS = "r.import_id = $1"
_COUPLE_ROWS = "r.man_hash = $1 AND r.woman_hash = $2"

# Who is married now, as far as the archive tells: each party of a marriage still REGISTERED, the
# latest marriage when there are several; someone already recorded as married (registered in Civic,
# or by an earlier import) stays so. Written per batch in file order, which is right for everyone
# with one marriage in the import; the rest are settled at the end (``_REMARRIED`` … ``_LATEST``).
# Read back from the batch's import rows just copied (rows $2…$3: numbers only grow, so no other
# batch has rows in that range), in file order, man before woman — the first one in wins.
_SPOUSES = f"""
INSERT INTO {SCHEMA}.current_spouses (party_hash, marriage_id)
SELECT h.party_hash, r.marriage_id
FROM {SCHEMA}.import_rows r
CROSS JOIN LATERAL (VALUES (0, r.man_hash), (1, r.woman_hash)) AS h(side, party_hash)
WHERE r.import_id = $1 AND r.row_number BETWEEN $2 AND $3 AND r.marriage_id IS NOT NULL
  AND h.party_hash IS NOT NULL
ORDER BY r.row_number, h.side
ON CONFLICT DO NOTHING
"""
# current_spouses' foreign key is deferred for RegisterMarriage (it claims both parties before it
# inserts the marriage). An import inserts its marriages first, so it checks each batch's rows as
# they go in, while Python prepares the next batch, instead of a million queued checks at COMMIT.
# For this transaction only (SET CONSTRAINTS).
_CHECK_SPOUSES_NOW = f"SET CONSTRAINTS {SCHEMA}.fk_current_spouses_marriage_id_marriages IMMEDIATE"
_REMARRIED = f"""
SELECT h.party_hash
FROM {SCHEMA}.import_rows r CROSS JOIN LATERAL (VALUES (r.man_hash), (r.woman_hash)) AS h(party_hash)
WHERE r.import_id = $1 AND r.marriage_id IS NOT NULL AND h.party_hash IS NOT NULL
GROUP BY h.party_hash HAVING count(*) > 1
"""
_CLEAR = f"""
DELETE FROM {SCHEMA}.current_spouses c USING {SCHEMA}.marriages m
WHERE c.party_hash = ANY($2::bytea[]) AND m.id = c.marriage_id AND m.import_id = $1
"""
_LATEST = f"""
INSERT INTO {SCHEMA}.current_spouses (party_hash, marriage_id)
SELECT DISTINCT ON (h.party_hash) h.party_hash, r.marriage_id
FROM {SCHEMA}.import_rows r
JOIN {SCHEMA}.marriages m ON m.id = r.marriage_id
CROSS JOIN LATERAL (VALUES (r.man_hash), (r.woman_hash)) AS h(party_hash)
WHERE r.import_id = $1 AND m.state = 'REGISTERED' AND h.party_hash = ANY($2::bytea[])
ORDER BY h.party_hash, m.register_date DESC, r.row_number DESC
ON CONFLICT DO NOTHING
"""

# The marriage records of the rows that late defects (overlaps) belong to, read once: a lookup by
# the rows' own numbers, one table, so whatever plan the statistics give it reads the import's rows
# at most once. (It used to be an UPDATE of import_defects joined to import_rows; planned on
# statistics from before the import — which know nothing of this import id and estimate one row —
# that became a nested loop scanning all the import's rows once per defect: about 2 s at 20,000
# rows, minutes at 200,000, hours at a million.)
_ROW_MARRIAGES = f"""
SELECT row_number, marriage_id FROM {SCHEMA}.import_rows
WHERE import_id = $1 AND row_number = ANY($2::int[]) AND marriage_id IS NOT NULL
"""
# The finishing statements are planned once the import's rows are in: its statistics refreshed
# (rows of an import id the statistics have never seen are estimated at one; a registry analyzed
# while nearly empty looks empty), and each statement planned for its own parameters rather than a
# generic plan cached on a pooled connection. ANALYZE runs in the import's transaction (it counts the
# transaction's own rows), only for the columns the finishing statements filter and join on (the
# rest is left to autovacuum), and SKIP_LOCKED never waits: a table another import or autovacuum is
# analyzing right now keeps the statistics it has (waiting could deadlock two imports that share
# people). Small imports skip it: their rows are few whatever the plan.
ANALYZE_MIN_ROWS = 10_000
_ANALYZE = (f"ANALYZE (SKIP_LOCKED) "
            f"{SCHEMA}.import_rows (import_id, row_number, kind, event_date, man_hash, woman_hash, "
            f"marriage_id, ended_marriage_id), {SCHEMA}.import_defects (import_id, row_number, marriage_id), "
            f"{SCHEMA}.marriages (id, state, register_date, import_id), "
            f"{SCHEMA}.marriage_parties (marriage_id, position, id_hash), {SCHEMA}.current_spouses")
_CUSTOM_PLANS = "SET LOCAL plan_cache_mode = force_custom_plan"

# The import's marriage rows that repeat a record already in the registry — made by an earlier import
# (the same archive sent again, or an overlapping one) or registered — by certificate number within
# its office, or else by couple and date: the same duplicates the import's own rows are checked for
# among themselves (``DuplicateTracker``), so a row already flagged as one is left alone. Set-based,
# once every row is in: the planner hashes the registry once rather than probing it a million times.
_REPEATED_RECORDS = f"""
WITH candidates AS (
    SELECT r.row_number, r.kind, r.event_date, r.man_hash, r.woman_hash, m.certificate_number, m.office_code
    FROM {SCHEMA}.import_rows r JOIN {SCHEMA}.marriages m ON m.id = r.marriage_id
    WHERE r.import_id = $1
      AND NOT EXISTS (SELECT 1 FROM {SCHEMA}.import_defects d
                      WHERE d.import_id = $1 AND d.row_number = r.row_number AND d.code IN ($2, $3))
), numbers AS (
    SELECT c.row_number FROM candidates c
    WHERE c.certificate_number <> ''
      AND EXISTS (SELECT 1 FROM {SCHEMA}.marriages o
                  WHERE upper(o.certificate_number) = upper(c.certificate_number) AND o.office_code = c.office_code
                    AND o.import_id IS DISTINCT FROM $1)
)
SELECT row_number, $2 AS code FROM numbers
UNION ALL
SELECT c.row_number, $3 FROM candidates c
WHERE c.kind = 'marriage' AND c.man_hash IS NOT NULL AND c.woman_hash IS NOT NULL AND c.event_date IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM numbers n WHERE n.row_number = c.row_number)
  AND EXISTS (SELECT 1 FROM {SCHEMA}.marriage_parties man
              JOIN {SCHEMA}.marriage_parties woman ON woman.marriage_id = man.marriage_id AND woman.position = 1
              JOIN {SCHEMA}.marriages o ON o.id = man.marriage_id
              WHERE man.position = 0 AND man.id_hash = c.man_hash AND woman.id_hash = c.woman_hash
                AND o.register_date = c.event_date AND o.import_id IS DISTINCT FROM $1)
ORDER BY 1
"""
# An archive file already imported, found by its content: an advisory lock on the digest makes a
# second upload of the same file wait for the first to commit or roll back, then see it.
_LOCK_CONTENT = "SELECT pg_advisory_xact_lock(hashtextextended($1::text, 0))"
_EARLIER_IMPORT = f"""
SELECT id, completed_at, source_name FROM {SCHEMA}.imports
WHERE content_sha256 = $1 AND id <> $2 AND completed_at IS NOT NULL
ORDER BY completed_at LIMIT 1
"""
_KEEP_CONTENT = f"UPDATE {SCHEMA}.imports SET content_sha256 = $1 WHERE id = $2"


class ImportStore:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._conn = connection
        self._checking_spouses = False
        self.rows_written = 0

    async def write(self, batch: Batch) -> None:
        for table, columns, records in ((marriages, MARRIAGE_COLUMNS, batch.marriages),
                                        (marriage_parties, PARTY_COLUMNS, batch.parties),
                                        (import_rows, ROW_COLUMNS, batch.rows),
                                        (import_defects, DEFECT_COLUMNS, batch.defects)):
            if records:
                await self._conn.copy_records_to_table(table.name, schema_name=SCHEMA, columns=columns,
                                                       records=records)
        self.rows_written += len(batch.rows)
        if batch.marriages:  # rows with a marriage id: their parties are married now
            if not self._checking_spouses:
                await self._conn.execute(_CHECK_SPOUSES_NOW)
                self._checking_spouses = True
            first, last = batch.rows[0], batch.rows[-1]
            await self._conn.execute(_SPOUSES, first[0], first[1], last[1])

    async def earlier_import(self, import_id: uuid.UUID, content_sha256: bytes) -> asyncpg.Record | None:
        """The completed import of the same file (by its SHA-256), if any; else the digest is kept on
        this import. Holds a lock on the digest until the transaction ends."""
        await self._conn.execute(_LOCK_CONTENT, content_sha256.hex())
        earlier = await self._conn.fetchrow(_EARLIER_IMPORT, content_sha256, import_id)
        if earlier is None:
            await self._conn.execute(_KEEP_CONTENT, content_sha256, import_id)
        return earlier

    async def prepare_finish(self) -> None:
        """Once every row is in: statistics that know the import's rows, and plans for each statement's
        own parameters, for the set-based statements that follow."""
        if self.rows_written >= ANALYZE_MIN_ROWS:
            await self._conn.execute(_ANALYZE)
        await self._conn.execute(_CUSTOM_PLANS)

    async def repeated_records(self, import_id: uuid.UUID, codes: tuple[str, str]) -> list[tuple[int, str]]:
        """(row number, code) of the import's marriage rows that repeat a record already in the
        registry: ``codes`` = (same certificate number, same couple and date), the first one found
        per row; rows already flagged with either code are skipped."""
        return [(r[0], r[1]) for r in await self._conn.fetch(_REPEATED_RECORDS, import_id, *codes)]

    async def finish(self, import_id: uuid.UUID, late_defects: list[tuple]) -> None:
        """After the last batch and ``prepare_finish``: late defects (overlaps, repeats of earlier
        records), divorces ending marriages, current spouses of people with several marriages in the
        import or whose marriage a divorce row ended."""
        if late_defects:
            linked = dict(await self._conn.fetch(_ROW_MARRIAGES, import_id,
                                                 sorted({d[1] for d in late_defects})))
            await self._conn.copy_records_to_table(
                import_defects.name, schema_name=SCHEMA, columns=DEFECT_COLUMNS,
                records=[(*d[:-1], linked.get(d[1])) for d in late_defects])
        freed = await self._conn.fetch(_END_MARRIAGES.format(rows=_IMPORT_ROWS), import_id)
        again = {r[0] for r in freed} | {r[0] for r in await self._conn.fetch(_REMARRIED, import_id)}
        if again:
            await self._conn.execute(_CLEAR, import_id, list(again))
            await self._conn.execute(_LATEST, import_id, list(again))

    async def end_marriages_of_couple(self, man_hash: bytes, woman_hash: bytes) -> None:
        """Divorce rows of one couple not yet linked (e.g. once a correction made their marriage)."""
        await self._conn.execute(_END_MARRIAGES.format(rows=_COUPLE_ROWS), man_hash, woman_hash)


# Rows per write: batches handed over (a few hundred rows at a time, ``pipeline.BATCH_ROWS``) are
# gathered into writes of about this many rows — up to _MAX_GATHERED while the write before is still
# going, before the caller has to wait for it.
WRITE_ROWS = 5000
_MAX_GATHERED = 4 * WRITE_ROWS


class BatchWriter:
    """Writes batches one after another while the caller goes on reading and checking rows: the
    database ingests one write while Python prepares the next (two cores, both busy).

    A write is a few statements, each a round trip or two, and it only moves on when the caller lets
    the event loop run. Batches are therefore handed over small and often: each hand-over while a
    write is in flight yields to the loop, so the write's next statement starts within milliseconds
    rather than when the next chunk of the upload is awaited, and the database is kept busy."""

    def __init__(self, store: ImportStore, write_rows: int = WRITE_ROWS) -> None:
        self._store = store
        self._write_rows = write_rows
        self._pending: asyncio.Task | None = None
        self._gathered: Batch | None = None

    async def submit(self, batch: Batch) -> None:
        gathered = self._gather(batch)
        rows = len(gathered.rows)
        if rows >= self._write_rows and (self._pending is None or self._pending.done()
                                         or rows >= _MAX_GATHERED):
            await self._start()
        elif self._pending is not None:
            # The write in flight may send its next statement: one turn of the loop reads the
            # server's answer, the next runs the write on.
            await asyncio.sleep(0)
            await asyncio.sleep(0)

    def _gather(self, batch: Batch) -> Batch:
        gathered = self._gathered
        if gathered is None:
            self._gathered = batch
            return batch
        gathered.marriages += batch.marriages
        gathered.parties += batch.parties
        gathered.rows += batch.rows
        gathered.defects += batch.defects
        return gathered

    async def _start(self) -> None:
        """Write what is gathered, once the write before it is done."""
        batch, self._gathered = self._gathered, None
        await self._wait()
        if batch is not None and batch.rows:
            self._pending = asyncio.ensure_future(self._store.write(batch))
            await asyncio.sleep(0)  # let it start sending before the caller takes the loop again

    async def _wait(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            await pending

    async def drain(self) -> None:
        """Write everything handed over, and wait until it is written."""
        await self._start()
        await self._wait()

    async def abandon(self) -> None:
        """After a failure elsewhere: let the batch in flight finish (the transaction rolls back)."""
        self._gathered = None
        with contextlib.suppress(Exception):
            await self._wait()
