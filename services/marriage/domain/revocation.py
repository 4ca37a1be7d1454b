"""Revocation cases (撤销婚姻登记, rules.md §1.4, §1.7): a finding of identity fraud (被结婚) — a
court's 司法建议书, a procuratorate's 检察建议书, a police finding — is reviewed (审查), the parties
are told (告知) and may object, the bureau decides (决定: revoke or decline), serves the decision
(送达) and files the case (归档). Each step follows the one before; any other is refused with the
case's state (REVOCATION_CASE_STATE).

The objection period is the bureau's decision, not the rules' (rules.md names the steps only): 15
days after the notice, 30 after a 公告 (a party who cannot be reached needs longer to learn of it),
counted from the day after the notice like the divorce periods (民发〔2020〕116号): a last day on a
rest day moves to the next working day. A decision is made after the last day, never on it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from enum import StrEnum

from servicekit.errors import aborted, invalid, precondition

from marriage.domain.calendar import WorkCalendar
from marriage.domain.events import DomainEvent, RevocationCaseChanged
from marriage.domain.marriages import RevokingAuthority

OBJECTION_PERIOD = dt.timedelta(days=15)
PUBLIC_NOTICE_OBJECTION_PERIOD = dt.timedelta(days=30)


class RevocationCaseState(StrEnum):
    REVIEWING = "REVIEWING"  # 审查中
    NOTIFIED = "NOTIFIED"  # 已告知
    REVOKED = "REVOKED"  # 已撤销
    DECLINED = "DECLINED"  # 不予撤销
    SERVED = "SERVED"  # 已送达
    FILED = "FILED"  # 已归档


# Undecided: the case still bears on the marriage (one per marriage; a direct revocation must name it).
OPEN_STATES = frozenset({RevocationCaseState.REVIEWING, RevocationCaseState.NOTIFIED})

STATE_WORDS = {
    RevocationCaseState.REVIEWING: "审查中", RevocationCaseState.NOTIFIED: "已告知",
    RevocationCaseState.REVOKED: "已撤销", RevocationCaseState.DECLINED: "不予撤销",
    RevocationCaseState.SERVED: "已送达", RevocationCaseState.FILED: "已归档",
}

# The step each state waits for, as the window is told when another is tried.
NEXT_STEP_WORDS = {
    RevocationCaseState.REVIEWING: "告知当事人", RevocationCaseState.NOTIFIED: "作出决定",
    RevocationCaseState.REVOKED: "送达决定", RevocationCaseState.DECLINED: "送达决定",
    RevocationCaseState.SERVED: "归档", RevocationCaseState.FILED: "无（已办结）",
}


class NoticeMethod(StrEnum):
    IN_PERSON = "IN_PERSON"  # 当面告知
    MAIL = "MAIL"  # 邮寄告知
    PUBLIC_NOTICE = "PUBLIC_NOTICE"  # 公告


class RevocationOutcome(StrEnum):
    REVOKE = "REVOKE"
    DECLINE = "DECLINE"


def objection_deadline(notice_date: dt.date, method: NoticeMethod, cal: WorkCalendar) -> dt.date:
    """The last day the parties may object: 15 days after the notice (30 after a 公告), counted from
    the next day; a last day on a rest day moves to the next working day."""
    period = PUBLIC_NOTICE_OBJECTION_PERIOD if method is NoticeMethod.PUBLIC_NOTICE else OBJECTION_PERIOD
    return cal.roll_to_working_day(notice_date + period)


@dataclass(frozen=True)
class Notice:
    method: NoticeMethod
    notice_date: dt.date
    objection_deadline: dt.date


@dataclass(frozen=True)
class Decision:
    outcome: RevocationOutcome
    number: str
    decided_on: dt.date
    declined_reason: str = ""


def _text(value: str, reason: str, message: str, field_name: str) -> str:
    text = value.strip()
    if not text:
        raise invalid(reason, message, field_name)
    return text


@dataclass
class RevocationCase:
    id: str
    marriage_id: str
    source: RevokingAuthority
    document_number: str
    received_on: dt.date
    office_code: str
    state: RevocationCaseState = RevocationCaseState.REVIEWING
    notice: Notice | None = None
    decision: Decision | None = None
    served_on: dt.date | None = None
    filed_on: dt.date | None = None
    events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def open(cls, id: str, marriage_id: str, source: RevokingAuthority, document_number: str,
             received_on: dt.date, office_code: str, register_date: dt.date) -> RevocationCase:
        """A case under review on a finding received on ``received_on`` (not before the registration
        it concerns)."""
        number = _text(document_number, "DOCUMENT_REF_REQUIRED", "须录入司法建议书、检察建议书或公安认定文书编号",
                       "revocation_case.document_number")
        if received_on < register_date:
            raise invalid("DATE_BEFORE_REGISTRATION", "收到日期早于结婚登记日期", "revocation_case.received_date")
        case = cls(id, marriage_id, source, number, received_on, office_code)
        case._changed("OPENED", received_on)
        return case

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def etag(self) -> str:
        """The version of the case: every step changes it (AIP-154)."""
        n, d = self.notice, self.decision
        fields = (self.id, str(self.state), n and (str(n.method), n.notice_date.isoformat()),
                  d and (str(d.outcome), d.number, d.decided_on.isoformat(), d.declined_reason),
                  self.served_on and self.served_on.isoformat(), self.filed_on and self.filed_on.isoformat())
        return hashlib.sha256(repr(fields).encode()).hexdigest()[:16]

    def check_etag(self, given: str) -> None:
        """A step sent with the version it was read at is refused when the case has moved on since."""
        if given and given != self.etag:
            raise aborted("REVOCATION_CASE_CHANGED", "该撤销案件已被他人办理或更改：请重新打开本页，查看最新状态后再办理"
                          "（本次未作任何更改）", etag=self.etag, state=str(self.state))

    def _require(self, *states: RevocationCaseState, step: str) -> None:
        if self.state not in states:
            raise precondition(
                "REVOCATION_CASE_STATE",
                f"该撤销案件当前为“{STATE_WORDS[self.state]}”，不能{step}；下一步应为：{NEXT_STEP_WORDS[self.state]}",
                state=str(self.state))

    def _not_before(self, day: dt.date, earlier: dt.date, what: str, field_name: str) -> None:
        if day < earlier:
            raise invalid("DATE_OUT_OF_ORDER", f"日期早于{what}（{earlier.isoformat()}）", field_name)

    def record_notice(self, method: NoticeMethod, notice_date: dt.date, cal: WorkCalendar) -> None:
        """告知: 审查中 → 已告知; the objection period starts the next day."""
        self._require(RevocationCaseState.REVIEWING, step="告知当事人")
        self._not_before(notice_date, self.received_on, "收到建议书/认定文书的日期", "notice.notice_date")
        self.notice = Notice(method, notice_date, objection_deadline(notice_date, method, cal))
        self.state = RevocationCaseState.NOTIFIED
        self._changed("NOTIFIED", notice_date)

    def decide(self, outcome: RevocationOutcome, number: str, decided_on: dt.date, cal: WorkCalendar,
               declined_reason: str = "") -> None:
        """决定 after the objection period: 已告知 → 已撤销 (the caller revokes the registration in the
        same transaction) or 不予撤销 (with the reason). The period is judged by the calendar in force:
        a holiday notice published since the notice that makes its last day a rest day extends it (the
        later deadline is kept); a period is never shortened."""
        self._require(RevocationCaseState.NOTIFIED, step="作出决定")
        assert self.notice is not None
        n = self.notice
        ends = max(n.objection_deadline, objection_deadline(n.notice_date, n.method, cal))
        number = _text(number, "DECISION_NUMBER_REQUIRED", "须录入决定书文号", "decision.decision_number")
        if decided_on <= ends:
            raise precondition("OBJECTION_PERIOD_NOT_ELAPSED",
                               f"当事人陈述、申辩期限至 {ends.isoformat()} 届满，届满后方可作出决定",
                               objection_deadline=ends.isoformat())
        self.notice = Notice(n.method, n.notice_date, ends)
        reason = ""
        if outcome is RevocationOutcome.DECLINE:
            reason = _text(declined_reason, "DECLINE_REASON_REQUIRED", "不予撤销须录入理由", "decision.declined_reason")
        self.decision = Decision(outcome, number, decided_on, reason)
        self.state = RevocationCaseState.REVOKED if outcome is RevocationOutcome.REVOKE \
            else RevocationCaseState.DECLINED
        self._changed(str(self.state), decided_on)

    def record_service(self, served_on: dt.date) -> None:
        """送达: 已撤销 / 不予撤销 → 已送达."""
        self._require(RevocationCaseState.REVOKED, RevocationCaseState.DECLINED, step="登记送达")
        assert self.decision is not None
        self._not_before(served_on, self.decision.decided_on, "决定日期", "service_date")
        self.served_on, self.state = served_on, RevocationCaseState.SERVED
        self._changed("SERVED", served_on)

    def file(self, filed_on: dt.date) -> None:
        """归档: 已送达 → 已归档."""
        self._require(RevocationCaseState.SERVED, step="归档")
        assert self.served_on is not None
        self._not_before(filed_on, self.served_on, "送达日期", "filed_date")
        self.filed_on, self.state = filed_on, RevocationCaseState.FILED
        self._changed("FILED", filed_on)

    def _changed(self, step: str, on: dt.date) -> None:
        self.events.append(RevocationCaseChanged(self.id, self.marriage_id, step, str(self.state), on))
