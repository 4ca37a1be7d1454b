"""The kept archive rows: the original as imported, and the current values (the original with the
approved corrections applied in the order they were approved)."""
from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass

from servicekit.errors import not_found
from servicekit.pii import PiiCipher
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from marriage.adapters.import_tables import corrections, import_rows
from marriage.domain.history import ArchiveRow
from marriage.imports.records import read_original


def row_name(import_id: uuid.UUID, row_number: int) -> str:
    return f"historicalImports/{import_id}/rows/{row_number}"


@dataclass(frozen=True)
class KeptRow:
    import_id: uuid.UUID
    row_number: int
    kind: str
    marriage_id: uuid.UUID | None
    ended_marriage_id: uuid.UUID | None
    man_hash: bytes | None
    woman_hash: bytes | None
    current: ArchiveRow  # blank fields for a row that could not be read, until corrected

    @property
    def name(self) -> str:
        return row_name(self.import_id, self.row_number)


async def load_row(session: AsyncSession, cipher: PiiCipher, import_id: uuid.UUID, row_number: int,
                   *, for_update: bool = False) -> KeptRow:
    query = select(import_rows).where(import_rows.c.import_id == import_id,
                                      import_rows.c.row_number == row_number)
    row = (await session.execute(query.with_for_update() if for_update else query)).first()
    if row is None:
        raise not_found("ARCHIVE_ROW_NOT_FOUND", "找不到该档案行", row=row_name(import_id, row_number))
    current = read_original(cipher.decrypt(row.original_enc)) or ArchiveRow()
    approved = await session.execute(
        select(corrections.c.field, corrections.c.corrected_enc)
        .where(corrections.c.import_id == import_id, corrections.c.row_number == row_number,
               corrections.c.state == "APPROVED")
        .order_by(corrections.c.decided_at, corrections.c.id))
    for field, corrected_enc in approved:
        current = dataclasses.replace(current, **{field: cipher.decrypt(corrected_enc)})
    return KeptRow(import_id, row_number, row.kind, row.marriage_id, row.ended_marriage_id, row.man_hash,
                   row.woman_hash, current)


async def row_of_marriage(session: AsyncSession, marriage_id: uuid.UUID) -> tuple[uuid.UUID, int]:
    """(import id, row number) of the archive row a historical marriage was made from."""
    found = (await session.execute(select(import_rows.c.import_id, import_rows.c.row_number)
                                   .where(import_rows.c.marriage_id == marriage_id))).first()
    if found is None:
        raise not_found("NOT_A_HISTORICAL_RECORD", "该婚姻记录不是补录的档案记录，不能在此更正",
                        marriage=f"marriages/{marriage_id}")
    return found.import_id, found.row_number
