"""Loads and saves blank certificate booklets (空白证书): received by range, locked one by one."""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from servicekit.db import driver_connection
from servicekit.paging import Keyset, Seek
from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from marriage.adapters import tables as t
from marriage.domain.blanks import BlankKind, BlankState, CertificateBlank

# One statement for the whole range; the primary key (kind, serial) decides what was received
# before — a concurrent receipt of the same serial waits for the other transaction, then skips it.
_RECEIVE = f"""
INSERT INTO {t.SCHEMA}.certificate_blanks AS b (kind, serial, office_code, state, received_on, updated_at)
SELECT $1, s, $2, '{BlankState.IN_STOCK}', $3, $4 FROM unnest($5::text[]) AS s
ON CONFLICT (kind, serial) DO NOTHING RETURNING b.serial"""

_LOCK_DOCUMENT = "SELECT pg_advisory_xact_lock(hashtextextended($1::text, 0))"

Stock = dict[BlankKind, dict[BlankState, int]]
# By kind, then printed serial (ListCertificateBlanks): the primary key's order.
BLANK_LIST = Keyset("certificateBlanks", t.certificate_blanks.c.kind, t.certificate_blanks.c.serial)


def _blank(row) -> CertificateBlank:  # noqa: ANN001 - a row of certificate_blanks
    return CertificateBlank(BlankKind(row.kind), row.serial, row.office_code, row.received_on, BlankState(row.state),
                            row.document_number, str(row.marriage_id) if row.marriage_id else "", row.used_on,
                            row.voided_on, row.void_reason, row.copy)


def _of(query: Select, office_prefix: str, kind: BlankKind | None) -> Select:
    c = t.certificate_blanks.c
    if office_prefix:
        query = query.where(c.office_code.startswith(office_prefix, autoescape=True))
    return query.where(c.kind == str(kind)) if kind else query


class BlankRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def receive(self, kind: BlankKind, serials: Sequence[str], office_code: str, received_on: dt.date,
                      now: dt.datetime) -> list[str]:
        """Insert the serials into stock; returns those received before (nothing is inserted for
        them — the caller refuses the receipt, which rolls the others back)."""
        inserted = {r["serial"] for r in await (await driver_connection(self.session)).fetch(
            _RECEIVE, str(kind), office_code, received_on, now, list(serials))}
        return [s for s in serials if s not in inserted]

    async def get(self, kind: BlankKind, serial: str, *, for_update: bool = False) -> CertificateBlank | None:
        c = t.certificate_blanks.c
        query = select(t.certificate_blanks).where(c.kind == str(kind), c.serial == serial)
        row = (await self.session.execute(query.with_for_update() if for_update else query)).first()
        return _blank(row) if row else None

    async def holding(self, document_number: str) -> list[CertificateBlank]:
        """The blanks a document number is printed on now (USED), after waiting for any other window
        recording a blank for the same number to commit (the unique index on (number, copy) is the
        database's check)."""
        await (await driver_connection(self.session)).execute(_LOCK_DOCUMENT, f"blank-document:{document_number}")
        c = t.certificate_blanks.c
        rows = (await self.session.execute(select(t.certificate_blanks).where(
            c.document_number == document_number, c.state == str(BlankState.USED)))).all()
        return [_blank(row) for row in rows]

    async def save(self, blank: CertificateBlank, now: dt.datetime) -> None:
        c = t.certificate_blanks.c
        await self.session.execute(update(t.certificate_blanks).where(
            c.kind == str(blank.kind), c.serial == blank.serial).values(
            state=str(blank.state), document_number=blank.document_number,
            marriage_id=uuid.UUID(blank.marriage_id) if blank.marriage_id else None, used_on=blank.used_on,
            voided_on=blank.voided_on, void_reason=blank.void_reason, copy=blank.copy, updated_at=now))

    async def list(self, office_prefix: str, kind: BlankKind | None, state: BlankState | None,
                   seek: Seek) -> tuple[list[CertificateBlank], str]:
        """One page of blanks and the next page's token."""
        query = _of(select(t.certificate_blanks), office_prefix, kind)
        if state:
            query = query.where(t.certificate_blanks.c.state == str(state))
        rows, token = await seek.fetch(self.session, query)
        return [_blank(r) for r in rows], token

    async def stock(self, office_prefix: str, kind: BlankKind | None) -> Stock:
        """How many blanks of each kind (one kind, or both) the office holds in each state."""
        c = t.certificate_blanks.c
        counts: Stock = {k: dict.fromkeys(BlankState, 0) for k in ([kind] if kind else BlankKind)}
        query = _of(select(c.kind, c.state, func.count()).group_by(c.kind, c.state), office_prefix, kind)
        for row_kind, row_state, n in await self.session.execute(query):
            counts[BlankKind(row_kind)][BlankState(row_state)] = n
        return counts
