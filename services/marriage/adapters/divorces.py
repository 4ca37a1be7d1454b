"""Loads and saves divorce applications (the open states follow from the dates, so only the
closing outcome is stored)."""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from servicekit.paging import Keyset, Seek
from sqlalchemy import Select, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from marriage.adapters import tables as t
from marriage.domain.divorce import (
    CertificatesPresented,
    DivorceAgreement,
    DivorceApplication,
    DivorceDeclarations,
    DivorceState,
)


# The soonest end of the cooling-off period first (ListDivorceApplications).
APPLICATION_LIST = Keyset("divorceApplications", t.divorce_applications.c.cooling_off_end,
                          t.divorce_applications.c.id)


@dataclass
class ApplicationRecord:
    application: DivorceApplication
    receipt_number: str
    certificate_number: str = ""
    withdrawn_by: int | None = None

    @property
    def id(self) -> str:
        return self.application.id


@dataclass(frozen=True)
class ApplicationFilter:
    office_prefix: str = ""
    state: DivorceState | None = None
    cooling_off_end_from: dt.date | None = None
    cooling_off_end_to: dt.date | None = None


def _agreement_json(a: DivorceAgreement) -> dict:
    return {"children": a.children, "property": a.property, "debts": a.debts, "voluntary": a.voluntary}


def _agreement(raw: dict) -> DivorceAgreement:
    return DivorceAgreement(raw["children"], raw["property"], raw["debts"], raw["voluntary"])


class DivorceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, record: ApplicationRecord, now: dt.datetime) -> None:
        a = record.application
        await self.session.execute(insert(t.divorce_applications).values(
            id=uuid.UUID(a.id), marriage_id=uuid.UUID(a.marriage_id), office_code=a.office_code,
            receipt_number=record.receipt_number, accepted_on=a.accepted_on, cooling_off_end=a.cooling_off_end,
            issue_deadline=a.issue_deadline, agreement=_agreement_json(a.agreement),
            full_civil_capacity=a.declarations.full_civil_capacity if a.declarations else None,
            certificates_presented=str(a.certificates), created_at=now, updated_at=now))

    async def save(self, record: ApplicationRecord, now: dt.datetime) -> None:
        a = record.application
        await self.session.execute(update(t.divorce_applications)
                                   .where(t.divorce_applications.c.id == uuid.UUID(a.id)).values(
            outcome=str(a.outcome) if a.outcome else None, closed_on=a.closed_on,
            cooling_off_end=a.cooling_off_end, issue_deadline=a.issue_deadline,
            withdrawn_by=record.withdrawn_by, certificate_number=record.certificate_number,
            refusal_reason=a.refusal_reason, updated_at=now))

    async def get(self, application_id: str, party_keys: tuple[str, str] | None = None, *,
                  for_update: bool = False) -> ApplicationRecord | None:
        query = select(t.divorce_applications).where(t.divorce_applications.c.id == uuid.UUID(application_id))
        row = (await self.session.execute(query.with_for_update() if for_update else query)).first()
        return record_from_row(row, party_keys or ("", "")) if row else None

    async def open_of(self, marriage_id: str, party_keys: tuple[str, str]) -> ApplicationRecord | None:
        """The marriage's open application (at most one: a partial unique index), locked."""
        row = (await self.session.execute(select(t.divorce_applications).where(
            t.divorce_applications.c.marriage_id == uuid.UUID(marriage_id),
            t.divorce_applications.c.outcome.is_(None)).with_for_update())).first()
        return record_from_row(row, party_keys) if row else None

    async def marriage_id_of(self, application_id: str) -> str | None:
        value = (await self.session.execute(select(t.divorce_applications.c.marriage_id).where(
            t.divorce_applications.c.id == uuid.UUID(application_id)))).scalar()
        return str(value) if value else None

    async def lapsed_ids(self, today: dt.date, limit: int) -> list[str]:
        """Open applications whose issue deadline has passed; rows another sweeper holds are skipped."""
        c = t.divorce_applications.c
        rows = await self.session.execute(
            select(c.id, c.marriage_id).where(c.outcome.is_(None), c.issue_deadline < today)
            .order_by(c.issue_deadline, c.id).limit(limit).with_for_update(skip_locked=True))
        return [str(r.id) for r in rows]

    async def open_ids(self) -> list[str]:
        """Every open application (the partial index of open deadlines serves it)."""
        c = t.divorce_applications.c
        rows = await self.session.execute(select(c.id).where(c.outcome.is_(None)).order_by(c.issue_deadline, c.id))
        return [str(r.id) for r in rows]

    async def list(self, flt: ApplicationFilter, today: dt.date, seek: Seek) -> tuple[Sequence, str]:
        """One page of rows (not records: the caller joins the marriages it needs for the parties)
        and the next page's token."""
        return await seek.fetch(self.session, _filtered(select(t.divorce_applications), flt, today))


def record_from_row(row, party_keys: tuple[str, str]) -> ApplicationRecord:
    application = DivorceApplication(
        str(row.id), str(row.marriage_id), party_keys, row.office_code, row.accepted_on, row.cooling_off_end,
        row.issue_deadline, _agreement(row.agreement),
        DivorceState(row.outcome) if row.outcome else None, row.closed_on,
        None if row.full_civil_capacity is None else DivorceDeclarations(row.full_civil_capacity),
        CertificatesPresented(row.certificates_presented), row.refusal_reason)
    return ApplicationRecord(application, row.receipt_number, row.certificate_number, row.withdrawn_by)


def _filtered(query: Select, flt: ApplicationFilter, today: dt.date) -> Select:
    c = t.divorce_applications.c
    if flt.office_prefix:
        query = query.where(c.office_code.startswith(flt.office_prefix, autoescape=True))
    if flt.cooling_off_end_from:
        query = query.where(c.cooling_off_end >= flt.cooling_off_end_from)
    if flt.cooling_off_end_to:
        query = query.where(c.cooling_off_end <= flt.cooling_off_end_to)
    state = flt.state
    if state is DivorceState.COOLING_OFF:
        query = query.where(c.outcome.is_(None), c.cooling_off_end >= today)
    elif state is DivorceState.AWAITING_ISSUE:
        query = query.where(c.outcome.is_(None), c.cooling_off_end < today, c.issue_deadline >= today)
    elif state is DivorceState.DEEMED_WITHDRAWN:
        # Lapsed, whether or not the sweep has run yet.
        query = query.where(or_(c.outcome == str(state), (c.outcome.is_(None)) & (c.issue_deadline < today)))
    elif state is not None:
        query = query.where(c.outcome == str(state))
    return query
