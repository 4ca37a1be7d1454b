"""Marriage and family counseling cases (婚姻家庭辅导)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from civic.marriage.v1 import events_pb2
from servicekit.errors import invalid, not_found
from servicekit.paging import Seek
from servicekit.pii import mask_text
from servicekit.uow import UnitOfWork
from servicekit.uuid7 import uuid7
from sqlalchemy.ext.asyncio import AsyncSession

from marriage.adapters.counseling import CounselingRepository
from marriage.adapters.divorces import DivorceRepository
from marriage.app.access import require_jurisdiction
from marriage.app.inputs import office_code
from marriage.app.messages import counseling_pb
from marriage.domain.counseling import ConcernKind, CounselingCase, CounselingConcern, CounselingOutcome


@dataclass(frozen=True)
class OpenCase:
    office_code: str
    received_on: dt.date
    divorce_application_id: str | None
    topic: str


@dataclass(frozen=True)
class Case:
    case: CounselingCase
    topic: str


def _changed(uow: UnitOfWork, c: Case, action: str) -> None:
    case = c.case
    uow.audit(action, f"counselingCases/{case.id}", office_code=case.office_code, after={
        "office_code": case.office_code, "received_on": case.received_on.isoformat(),
        "divorce_application": case.divorce_application or "", "sessions": len(case.sessions),
        "outcome": str(case.outcome) if case.outcome else "",
        "closed_on": case.closed_on.isoformat() if case.closed_on else "",
        "concerns": [_concern_audit(k) for k in case.concerns]})
    shown = counseling_pb(case, c.topic)
    # What was said stays with the office's counselors: the event — the province's change feed —
    # says a session was held, when and by whom (as a divorce agreement's terms stay out of it).
    for session in shown.sessions:
        session.summary = ""
    shown.topic = mask_text(shown.topic)  # typed text: an ID number in it leaves masked
    # A concern leaves as its kind and day only: what staff did, where a victim of domestic violence
    # was told to seek help and the police report stay with the office (a victim's safety may depend
    # on it: the case names a divorce application, and so the couple).
    for concern in shown.concerns:
        concern.action = ""
        del concern.help[:]
        concern.ClearField("police_report")
    uow.emit("counseling_case_changed", events_pb2.CounselingCaseChanged(counseling_case=shown),
              office_code=case.office_code)


def _concern_audit(k: CounselingConcern) -> dict:
    """A concern as its audit row shows it (typed text is masked by uow.audit)."""
    return {"kind": str(k.kind), "noted_on": k.noted_on.isoformat(), "action": k.action,
            "help": [str(h) for h in k.help],
            "reported_at": k.report.reported_at.isoformat() if k.report else "",
            "report_reference": k.report.reference if k.report else ""}


def _not_in_future(day: dt.date, today: dt.date, field_name: str) -> None:
    if day > today:
        raise invalid("DATE_IN_FUTURE", "日期不能晚于今天", field_name)


async def open_case(uow: UnitOfWork, cmd: OpenCase) -> Case:
    code = office_code(cmd.office_code, "counseling_case.office_code")
    require_jurisdiction(code)
    _not_in_future(cmd.received_on, uow.clock.today(), "counseling_case.received_date")
    link = None
    if cmd.divorce_application_id:
        if await DivorceRepository(uow.session).marriage_id_of(cmd.divorce_application_id) is None:
            raise not_found("APPLICATION_NOT_FOUND", "离婚申请不存在",
                            application=f"divorceApplications/{cmd.divorce_application_id}")
        link = f"divorceApplications/{cmd.divorce_application_id}"
    case = CounselingCase.open(str(uuid7()), code, cmd.received_on, link)
    await CounselingRepository(uow.session).add(case, cmd.topic.strip(), uow.clock.now())
    result = Case(case, cmd.topic.strip())
    _changed(uow, result, "counseling.open")
    return result


async def _load(repo: CounselingRepository, case_id: str) -> Case:
    found = await repo.get(case_id, for_update=True)
    if found is None:
        raise not_found("CASE_NOT_FOUND", "辅导个案不存在", case=f"counselingCases/{case_id}")
    case, topic = found
    require_jurisdiction(case.office_code)
    return Case(case, topic)


async def add_session(uow: UnitOfWork, case_id: str, held_on: dt.date, counselor: str, summary: str) -> Case:
    repo = CounselingRepository(uow.session)
    c = await _load(repo, case_id)
    _not_in_future(held_on, uow.clock.today(), "session.date")
    c.case.add_session(held_on, counselor, summary)
    await repo.add_session(c.case, uow.clock.now())
    _changed(uow, c, "counseling.session")
    return c


async def record_concern(uow: UnitOfWork, case_id: str, concern: CounselingConcern) -> Case:
    """Domestic violence or suspected trafficking met in counseling, with what was done (rules.md §1.9)."""
    repo = CounselingRepository(uow.session)
    c = await _load(repo, case_id)
    _not_in_future(concern.noted_on, uow.clock.today(), "concern.date")
    c.case.record_concern(concern, uow.clock.now())
    await repo.add_concern(c.case, uow.clock.now())
    _changed(uow, c, "counseling.concern")
    return c


async def close_case(uow: UnitOfWork, case_id: str, outcome: CounselingOutcome, closed_on: dt.date) -> Case:
    repo = CounselingRepository(uow.session)
    c = await _load(repo, case_id)
    _not_in_future(closed_on, uow.clock.today(), "close_date")
    c.case.close(outcome, closed_on)
    await repo.save_outcome(c.case, uow.clock.now())
    _changed(uow, c, "counseling.close")
    return c


async def list_cases(session: AsyncSession, office_prefix: str, open_only: bool, seek: Seek, *,
                     with_concern: bool = False, concern: ConcernKind | None = None) -> tuple[list[Case], str]:
    found, token = await CounselingRepository(session).list(office_prefix, open_only, seek,
                                                            with_concern=with_concern, concern=concern)
    return [Case(case, topic) for case, topic in found], token
