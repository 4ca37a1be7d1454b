"""Loads and saves revocation cases (撤销婚姻登记)."""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from servicekit.paging import Keyset, Seek
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from marriage.adapters import tables as t
from marriage.domain.marriages import RevokingAuthority
from marriage.domain.revocation import (
    OPEN_STATES,
    Decision,
    Notice,
    NoticeMethod,
    RevocationCase,
    RevocationCaseState,
    RevocationOutcome,
)

# The most recently received first (ListRevocationCases).
CASE_LIST = Keyset("revocationCases", t.revocation_cases.c.received_on.desc(), t.revocation_cases.c.id.desc())


@dataclass
class CaseRecord:
    case: RevocationCase
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None


@dataclass(frozen=True)
class CaseFilter:
    office_prefix: str = ""
    state: RevocationCaseState | None = None
    marriage_id: str | None = None


def _case(r) -> CaseRecord:
    notice = Notice(NoticeMethod(r.notice_method), r.notice_date, r.objection_deadline) if r.notice_date else None
    decision = (Decision(RevocationOutcome(r.outcome), r.decision_number, r.decision_date, r.declined_reason)
                if r.outcome else None)
    return CaseRecord(RevocationCase(
        str(r.id), str(r.marriage_id), RevokingAuthority(r.source), r.document_number, r.received_on, r.office_code,
        RevocationCaseState(r.state), notice, decision, r.service_date, r.filed_date), r.created_at, r.updated_at)


def _columns(case: RevocationCase) -> dict:
    n, d = case.notice, case.decision
    return {
        "state": str(case.state),
        "notice_method": str(n.method) if n else None, "notice_date": n.notice_date if n else None,
        "objection_deadline": n.objection_deadline if n else None,
        "outcome": str(d.outcome) if d else None, "decision_number": d.number if d else "",
        "decision_date": d.decided_on if d else None, "declined_reason": d.declined_reason if d else "",
        "service_date": case.served_on, "filed_date": case.filed_on,
    }


class RevocationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, case: RevocationCase, now: dt.datetime) -> CaseRecord:
        await self.session.execute(insert(t.revocation_cases).values(
            id=uuid.UUID(case.id), marriage_id=uuid.UUID(case.marriage_id), source=str(case.source),
            document_number=case.document_number, received_on=case.received_on, office_code=case.office_code,
            created_at=now, updated_at=now, **_columns(case)))
        return CaseRecord(case, now, now)

    async def save(self, record: CaseRecord, now: dt.datetime) -> None:
        await self.session.execute(update(t.revocation_cases)
                                   .where(t.revocation_cases.c.id == uuid.UUID(record.case.id))
                                   .values(updated_at=now, **_columns(record.case)))
        record.updated_at = now

    async def get(self, case_id: str, *, for_update: bool = False) -> CaseRecord | None:
        query = select(t.revocation_cases).where(t.revocation_cases.c.id == uuid.UUID(case_id))
        row = (await self.session.execute(query.with_for_update() if for_update else query)).first()
        return _case(row) if row else None

    async def open_of(self, marriage_id: str, *, for_update: bool = False) -> CaseRecord | None:
        """The marriage's undecided case (REVIEWING or NOTIFIED), if any: one at most."""
        c = t.revocation_cases.c
        query = select(t.revocation_cases).where(c.marriage_id == uuid.UUID(marriage_id),
                                                 c.state.in_([str(s) for s in OPEN_STATES]))
        row = (await self.session.execute(query.with_for_update() if for_update else query)).first()
        return _case(row) if row else None

    async def list(self, flt: CaseFilter, seek: Seek) -> tuple[list[CaseRecord], str]:
        c = t.revocation_cases.c
        query = select(t.revocation_cases)
        if flt.office_prefix:
            query = query.where(c.office_code.startswith(flt.office_prefix, autoescape=True))
        if flt.state is not None:
            query = query.where(c.state == str(flt.state))
        if flt.marriage_id:
            query = query.where(c.marriage_id == uuid.UUID(flt.marriage_id))
        rows, token = await seek.fetch(self.session, query)
        return [_case(r) for r in rows], token
