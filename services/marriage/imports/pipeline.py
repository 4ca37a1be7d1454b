"""The checks of one import, row by row: every row is validated (``domain.history``), turned into
records and counted; records are handed over in batches so a million rows never sit in memory.

Pure and synchronous: the database side (``store``) takes the batches.
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from dataclasses import dataclass, field

from marriage.domain.history import EARLIER_DUPLICATES, Defect, DuplicateTracker, check_row
from marriage.imports.parsers import Record
from marriage.imports.records import RowMaterializer

# Rows per batch handed over: small, so the caller comes back to the event loop often (the writer,
# ``store.BatchWriter``, gathers them into larger writes).
BATCH_ROWS = 100
PARSE_ERROR = "PARSE_ERROR"


@dataclass
class Batch:
    """Records ready to be written, in column order of ``records.*_COLUMNS``."""

    marriages: list[tuple] = field(default_factory=list)
    parties: list[tuple] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    defects: list[tuple] = field(default_factory=list)


@dataclass(frozen=True)
class Counts:
    rows_read: int
    rows_imported: int  # kept with their values (every row but the unreadable ones)
    rows_with_defects: int  # rows with at least one defect that is not merely informational
    rows_unreadable: int
    defects: dict[str, int]


class ImportPipeline:
    def __init__(self, materializer: RowMaterializer, today: dt.date, batch_rows: int = BATCH_ROWS) -> None:
        self._materializer = materializer
        self._today = today
        self._batch_rows = batch_rows
        self._tracker = DuplicateTracker()
        self._defective = bytearray()  # per row (number - 1): 1 when the row has a real defect
        self._codes: Counter[str] = Counter()
        self._unreadable = 0
        self.batch = Batch()

    @property
    def import_id(self) -> uuid.UUID:
        return self._materializer.import_id

    @property
    def full(self) -> bool:
        return len(self.batch.rows) >= self._batch_rows

    def take(self) -> Batch:
        batch, self.batch = self.batch, Batch()
        return batch

    def add(self, record: Record) -> None:
        number = record.number
        if record.row is None:
            self._unreadable += 1
            self.batch.rows.append(self._materializer.unreadable(number, record.raw))
            self._defective.append(0)
            self._flag(number, [Defect(PARSE_ERROR, "", f"无法读取该行：{record.error}")], None)
            return
        row = record.row
        defects, facts = check_row(row, self._today)  # each row's date and IDs are read once
        defects += self._tracker.observe(number, row, facts)
        records = self._materializer.records(number, row, facts=facts)
        self.batch.rows.append(records.row)
        marriage_id = records.marriage_id
        if marriage_id is not None:
            self.batch.marriages.append(records.marriage)
            self.batch.parties.extend(records.parties)
        self._defective.append(0)
        if defects:
            self._flag(number, defects, marriage_id)

    def _flag(self, number: int, defects: list[Defect], marriage_id: uuid.UUID | str | None) -> None:
        import_id = self._materializer.import_key
        for defect in defects:
            self._codes[defect.code] += 1
            informational = defect.informational
            if not informational:
                self._defective[number - 1] = 1
            self.batch.defects.append((import_id, number, defect.code, defect.field, defect.message_zh,
                                       informational, marriage_id))

    def overlaps(self) -> list[tuple]:
        """Defects seen only once every row is in (overlapping marriages), as DEFECT_COLUMNS tuples
        without the marriage id: the store links them to their rows."""
        return [self._late(number, defect) for number, defect in self._tracker.finish()]

    def repeats(self, found: list[tuple[int, str]]) -> list[tuple]:
        """Defects of rows that repeat a record already in the registry ((row number, code), found by
        the store once every row is in), as ``overlaps`` gives them."""
        return [self._late(number, EARLIER_DUPLICATES[code]) for number, code in found]

    def _late(self, number: int, defect: Defect) -> tuple:
        self._codes[defect.code] += 1
        self._defective[number - 1] = 1
        return (self._materializer.import_key, number, defect.code, defect.field, defect.message_zh, False, None)

    def counts(self) -> Counts:
        read = len(self._defective)
        return Counts(read, read - self._unreadable, self._defective.count(1), self._unreadable,
                      dict(sorted(self._codes.items())))
