"""Revocation cases (撤销婚姻登记, rules.md §1.4, §1.7): open, notify, decide, serve, file.

Locks are taken in one order — the marriage, then its case — by every use case that touches both
(opening, deciding, a direct RevokeRegistration), so two windows acting on one marriage wait for
each other instead of deadlocking, and "one open case per marriage" is decided under the marriage's
lock (the partial unique index uq_revocation_cases_open holds it in the database as well).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from civic.marriage.v1 import events_pb2
from servicekit.errors import invalid, not_found, precondition
from servicekit.paging import Seek
from servicekit.pii import PiiCipher, mask_text
from servicekit.uow import UnitOfWork
from servicekit.uuid7 import uuid7
from sqlalchemy.ext.asyncio import AsyncSession

from marriage.adapters.repository import MarriageRecord, MarriageRepository
from marriage.adapters.revocation import CaseFilter, CaseRecord, RevocationRepository
from marriage.app.access import record_office, require_jurisdiction, require_record_jurisdiction
from marriage.app.inputs import office_code as checked_office_code
from marriage.app.marriages import require_no_open_case, revoke_record
from marriage.app.messages import revocation_case_pb
from marriage.app.records import load
from marriage.domain.calendar import WorkCalendar
from marriage.domain.marriages import MarriageState, RevokingAuthority
from marriage.domain.revocation import NoticeMethod, RevocationCase, RevocationOutcome


@dataclass(frozen=True)
class OpenCase:
    marriage_id: str
    source: RevokingAuthority
    document_number: str
    received_on: dt.date
    office_code: str = ""  # default: the office the marriage's records fall under


@dataclass(frozen=True)
class DecisionInput:
    outcome: RevocationOutcome
    number: str
    decided_on: dt.date
    declined_reason: str = ""
    reason: str = ""  # why the registration is revoked (the revocation's audit row)


def _not_in_future(day: dt.date, today: dt.date, field_name: str) -> None:
    if day > today:
        raise invalid("DATE_IN_FUTURE", "日期不能晚于今天", field_name)


def _view(case: RevocationCase) -> dict:
    """A case as its audit rows keep it (typed text is masked by uow.audit)."""
    n, d = case.notice, case.decision
    return {
        "marriage": f"marriages/{case.marriage_id}", "source": str(case.source),
        "document_number": case.document_number, "received_on": case.received_on.isoformat(),
        "office_code": case.office_code, "state": str(case.state),
        "notice": {"method": str(n.method), "notice_date": n.notice_date.isoformat(),
                   "objection_deadline": n.objection_deadline.isoformat()} if n else None,
        "decision": {"outcome": str(d.outcome), "number": d.number, "decided_on": d.decided_on.isoformat(),
                     "declined_reason": d.declined_reason} if d else None,
        "served_on": case.served_on.isoformat() if case.served_on else "",
        "filed_on": case.filed_on.isoformat() if case.filed_on else "",
    }


def _changed(uow: UnitOfWork, record: CaseRecord, action: str, before: dict | None) -> None:
    case = record.case
    uow.audit(action, f"revocationCases/{case.id}", office_code=case.office_code, before=before, after=_view(case))
    shown = revocation_case_pb(record)
    # Typed text leaves with any ID number in it masked, as the audit keeps it.
    shown.document_number = mask_text(shown.document_number)
    shown.decision.declined_reason = mask_text(shown.decision.declined_reason)
    uow.emit("revocation_case_changed", events_pb2.RevocationCaseChanged(revocation_case=shown),
             office_code=case.office_code)


async def open_case(uow: UnitOfWork, cipher: PiiCipher, cmd: OpenCase) -> CaseRecord:
    repo = MarriageRepository(uow.session, cipher)
    marriage = await load(repo, cmd.marriage_id, for_update=True)
    await require_record_jurisdiction(repo, marriage)
    office = (checked_office_code(cmd.office_code, "revocation_case.office_code") if cmd.office_code
              else await record_office(repo, marriage))
    require_jurisdiction(office)
    _not_in_future(cmd.received_on, uow.clock.today(), "revocation_case.received_date")
    if marriage.marriage.state is MarriageState.REVOKED:
        raise precondition("ALREADY_REVOKED", "该婚姻登记已被撤销，不能再立撤销案件",
                           marriage=f"marriages/{marriage.id}")
    # A court already judged it void or annulled (rules.md §1.7): nothing is left to revoke.
    marriage.marriage.require_not_annulled("，不能再立撤销案件")
    await require_no_open_case(uow.session, marriage.id)
    case = RevocationCase.open(str(uuid7()), marriage.id, cmd.source, cmd.document_number, cmd.received_on,
                               office, marriage.marriage.register_date)
    record = await RevocationRepository(uow.session).add(case, uow.clock.now())
    _changed(uow, record, "revocation.open", None)
    return record


async def _load(repo: RevocationRepository, case_id: str, *, for_update: bool = False) -> CaseRecord:
    record = await repo.get(case_id, for_update=for_update)
    if record is None:
        raise not_found("REVOCATION_CASE_NOT_FOUND", "撤销案件不存在", revocation_case=f"revocationCases/{case_id}")
    require_jurisdiction(record.case.office_code)
    return record


async def get_case(session: AsyncSession, case_id: str) -> CaseRecord:
    return await _load(RevocationRepository(session), case_id)


async def record_notice(uow: UnitOfWork, case_id: str, method: NoticeMethod, notice_date: dt.date, etag: str,
                        cal: WorkCalendar) -> CaseRecord:
    repo = RevocationRepository(uow.session)
    record = await _load(repo, case_id, for_update=True)
    record.case.check_etag(etag)
    _not_in_future(notice_date, uow.clock.today(), "notice.notice_date")
    before = _view(record.case)
    record.case.record_notice(method, notice_date, cal)
    await repo.save(record, uow.clock.now())
    _changed(uow, record, "revocation.notify", before)
    return record


async def _decide(uow: UnitOfWork, cipher: PiiCipher, case_id: str, decision: DecisionInput, etag: str,
                  cal: WorkCalendar) -> tuple[CaseRecord, MarriageRecord | None]:
    """Decide the case; revoking revokes the registration in the same transaction (the marriage
    locked before the case, as everywhere)."""
    cases = RevocationRepository(uow.session)
    marriage_id = (await _load(cases, case_id)).case.marriage_id
    marriages = MarriageRepository(uow.session, cipher)
    marriage = await load(marriages, marriage_id, for_update=True)
    record = await _load(cases, case_id, for_update=True)
    case = record.case
    case.check_etag(etag)
    _not_in_future(decision.decided_on, uow.clock.today(), "decision.decision_date")
    before = _view(case)
    case.decide(decision.outcome, decision.number, decision.decided_on, cal, decision.declined_reason)
    await cases.save(record, uow.clock.now())
    _changed(uow, record, "revocation.decide", before)
    if decision.outcome is not RevocationOutcome.REVOKE:
        return record, None
    await require_record_jurisdiction(marriages, marriage)
    await revoke_record(uow, marriages, marriage, case.source, case.document_number, decision.reason,
                        revocation_case=f"revocationCases/{case.id}", decision_number=case.decision.number,
                        revoked_on=case.decision.decided_on)
    return record, marriage


async def decide(uow: UnitOfWork, cipher: PiiCipher, case_id: str, decision: DecisionInput, etag: str,
                 cal: WorkCalendar) -> CaseRecord:
    return (await _decide(uow, cipher, case_id, decision, etag, cal))[0]


async def revoke_by_case(uow: UnitOfWork, cipher: PiiCipher, marriage_id: str, case_id: str,
                         authority: RevokingAuthority | None, document_reference: str, decision_number: str,
                         reason: str, cal: WorkCalendar) -> MarriageRecord:
    """RevokeRegistration naming the marriage's case: the case decided REVOKED as DecideRevocation
    does (after the objection period, with the decision's number), today."""
    found = await _load(RevocationRepository(uow.session), case_id)
    case = found.case
    if case.marriage_id != marriage_id:
        raise invalid("REVOCATION_CASE_MISMATCH", "所选撤销案件不是该婚姻登记的案件", "revocation_case")
    if (authority is not None and authority is not case.source) or \
            (document_reference.strip() and document_reference.strip() != case.document_number):
        raise invalid("REVOCATION_CASE_MISMATCH", "作出认定的机关和文书编号须与撤销案件所载一致", "document_reference")
    decided = DecisionInput(RevocationOutcome.REVOKE, decision_number, uow.clock.today(), reason=reason)
    _, marriage = await _decide(uow, cipher, case_id, decided, "", cal)
    assert marriage is not None
    return marriage


async def _dated_step(uow: UnitOfWork, case_id: str, day: dt.date, etag: str, field_name: str, action: str,
                     step: Callable[[RevocationCase, dt.date], None]) -> CaseRecord:
    """A step that records the day it was done (送达, 归档): the case locked, its etag checked."""
    repo = RevocationRepository(uow.session)
    record = await _load(repo, case_id, for_update=True)
    record.case.check_etag(etag)
    _not_in_future(day, uow.clock.today(), field_name)
    before = _view(record.case)
    step(record.case, day)
    await repo.save(record, uow.clock.now())
    _changed(uow, record, action, before)
    return record


async def record_service(uow: UnitOfWork, case_id: str, served_on: dt.date, etag: str) -> CaseRecord:
    return await _dated_step(uow, case_id, served_on, etag, "service_date", "revocation.serve",
                             RevocationCase.record_service)


async def file_case(uow: UnitOfWork, case_id: str, filed_on: dt.date, etag: str) -> CaseRecord:
    return await _dated_step(uow, case_id, filed_on, etag, "filed_date", "revocation.file", RevocationCase.file)


async def list_cases(session: AsyncSession, flt: CaseFilter, seek: Seek) -> tuple[list[CaseRecord], str]:
    return await RevocationRepository(session).list(flt, seek)
