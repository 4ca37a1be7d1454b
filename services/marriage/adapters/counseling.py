"""Loads and saves counseling cases with their sessions."""
from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict

from servicekit.paging import Keyset, Seek
from sqlalchemy import exists, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from marriage.adapters import tables as t
from marriage.domain.counseling import (
    ConcernKind,
    CounselingCase,
    CounselingConcern,
    CounselingOutcome,
    CounselingSession,
    PoliceReport,
    VictimHelp,
)


# The most recently received first (ListCounselingCases).
CASE_LIST = Keyset("counselingCases", t.counseling_cases.c.received_on.desc(), t.counseling_cases.c.id.desc())


def application_name(application_id: uuid.UUID | None) -> str | None:
    return f"divorceApplications/{application_id}" if application_id else None


class CounselingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, case: CounselingCase, topic: str, now: dt.datetime) -> None:
        link = case.divorce_application.rsplit("/", 1)[-1] if case.divorce_application else None
        await self.session.execute(insert(t.counseling_cases).values(
            id=uuid.UUID(case.id), office_code=case.office_code, received_on=case.received_on,
            divorce_application_id=uuid.UUID(link) if link else None, topic=topic, created_at=now, updated_at=now))

    async def add_session(self, case: CounselingCase, now: dt.datetime) -> None:
        seq = len(case.sessions)
        s = case.sessions[-1]
        await self.session.execute(insert(t.counseling_sessions).values(
            case_id=uuid.UUID(case.id), seq=seq, held_on=s.held_on, counselor=s.counselor, summary=s.summary))
        await self._touch(case, now)

    async def add_concern(self, case: CounselingCase, now: dt.datetime) -> None:
        c = case.concerns[-1]
        await self.session.execute(insert(t.counseling_concerns).values(
            case_id=uuid.UUID(case.id), seq=len(case.concerns), kind=str(c.kind), noted_on=c.noted_on,
            action=c.action, help=[str(h) for h in c.help], reported_at=c.report.reported_at if c.report else None,
            report_reference=c.report.reference if c.report else "", recorded_at=now))
        await self._touch(case, now)

    async def save_outcome(self, case: CounselingCase, now: dt.datetime) -> None:
        await self.session.execute(update(t.counseling_cases).where(t.counseling_cases.c.id == uuid.UUID(case.id))
                                   .values(outcome=str(case.outcome), closed_on=case.closed_on, updated_at=now))

    async def _touch(self, case: CounselingCase, now: dt.datetime) -> None:
        await self.session.execute(update(t.counseling_cases).where(t.counseling_cases.c.id == uuid.UUID(case.id))
                                   .values(updated_at=now))

    async def get(self, case_id: str, *, for_update: bool = False) -> tuple[CounselingCase, str] | None:
        query = select(t.counseling_cases).where(t.counseling_cases.c.id == uuid.UUID(case_id))
        rows = (await self.session.execute(query.with_for_update() if for_update else query)).all()
        found = await self._cases(rows)
        return found[0] if found else None

    async def list(self, office_prefix: str, open_only: bool, seek: Seek, *, with_concern: bool = False,
                   concern: ConcernKind | None = None) -> tuple[list[tuple[CounselingCase, str]], str]:
        """One page of cases with their topics, and the next page's token; `with_concern` keeps the
        cases with a concern recorded, `concern` those with one of that kind."""
        c = t.counseling_cases.c
        query = select(t.counseling_cases)
        if office_prefix:
            query = query.where(c.office_code.startswith(office_prefix, autoescape=True))
        if open_only:
            query = query.where(c.outcome.is_(None))
        if with_concern or concern is not None:
            k = t.counseling_concerns.c
            found = k.case_id == c.id
            query = query.where(exists().where(found & (k.kind == str(concern)) if concern else found))
        rows, token = await seek.fetch(self.session, query)
        return await self._cases(rows), token

    async def _cases(self, rows) -> list[tuple[CounselingCase, str]]:
        if not rows:
            return []
        sessions: dict[uuid.UUID, list[CounselingSession]] = defaultdict(list)
        for s in await self.session.execute(
                select(t.counseling_sessions).where(t.counseling_sessions.c.case_id.in_([r.id for r in rows]))
                .order_by(t.counseling_sessions.c.case_id, t.counseling_sessions.c.seq)):
            sessions[s.case_id].append(CounselingSession(s.held_on, s.counselor, s.summary))
        concerns: dict[uuid.UUID, list[CounselingConcern]] = defaultdict(list)
        for k in await self.session.execute(
                select(t.counseling_concerns).where(t.counseling_concerns.c.case_id.in_([r.id for r in rows]))
                .order_by(t.counseling_concerns.c.case_id, t.counseling_concerns.c.seq)):
            concerns[k.case_id].append(CounselingConcern(
                ConcernKind(k.kind), k.noted_on, k.action, tuple(VictimHelp(h) for h in k.help),
                PoliceReport(k.reported_at, k.report_reference) if k.reported_at else None))
        return [(CounselingCase(str(r.id), r.office_code, r.received_on, application_name(r.divorce_application_id),
                                sessions[r.id], CounselingOutcome(r.outcome) if r.outcome else None, r.closed_on,
                                concerns[r.id]),
                 r.topic) for r in rows]
