"""Marriage and family counseling cases (婚姻家庭辅导, rules.md §1.9)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from servicekit.clock import BUREAU_TZ
from servicekit.errors import invalid, precondition

from marriage.domain.events import (
    CounselingCaseClosed,
    CounselingCaseOpened,
    CounselingConcernRecorded,
    CounselingSessionHeld,
    DomainEvent,
)


class CounselingOutcome(StrEnum):
    RECONCILED = "RECONCILED"  # 劝和: the couple stays together
    PROCEEDED = "PROCEEDED"  # went on with the divorce
    REFERRED = "REFERRED"  # handed to another body (women's federation, police, medical help)


class ConcernKind(StrEnum):
    """What staff must act on when counseling brings it up (rules.md §1.9, 条例 2025)."""
    DOMESTIC_VIOLENCE = "DOMESTIC_VIOLENCE"  # 家庭暴力: intervene, tell the victim where to get help
    TRAFFICKING_SUSPECTED = "TRAFFICKING_SUSPECTED"  # 疑似拐卖、绑架: report it to the police


class VictimHelp(StrEnum):
    """Where a victim of domestic violence was told to get help (rules.md §1.9)."""
    POLICE = "POLICE"  # 公安机关报警（110）
    WOMENS_FEDERATION = "WOMENS_FEDERATION"  # 妇联
    PROTECTION_ORDER = "PROTECTION_ORDER"  # 向人民法院申请人身安全保护令
    SHELTER = "SHELTER"  # 庇护、救助机构
    LEGAL_AID = "LEGAL_AID"  # 法律援助


@dataclass(frozen=True)
class PoliceReport:
    """The report of suspected trafficking or abduction to the police (公安机关)."""
    reported_at: dt.datetime  # aware
    reference: str  # 接警回执号, or the police station that took the report


@dataclass(frozen=True)
class CounselingConcern:
    """A concern recorded on a case with what was done about it (rules.md §1.9). It is recorded
    complete or not at all: domestic violence with at least one place of help the victim was told
    of, suspected trafficking once reported to the police, with the report's time and reference.
    So no case holds a concern still lacking what it requires, and closing needs no check of its own."""
    kind: ConcernKind
    noted_on: dt.date
    action: str = ""  # what staff did (the intervention), as typed
    help: tuple[VictimHelp, ...] = ()
    report: PoliceReport | None = None

    def check(self) -> None:
        if self.kind is ConcernKind.DOMESTIC_VIOLENCE:
            if self.report is not None:
                raise invalid("FIELD_NOT_FOR_CONCERN", "向公安机关报案的时间和回执只对疑似拐卖、绑架录入；"
                              "家庭暴力请录入已告知受害人的求助途径", "concern.police_report")
            if not self.action.strip():
                raise invalid("INTERVENTION_REQUIRED", "须录入对家庭暴力采取的干预措施", "concern.action")
            if not self.help:
                raise invalid("HELP_REQUIRED", "须选择已告知受害人的求助途径（至少一项：110 报警、妇联、"
                              "人身安全保护令、庇护救助机构、法律援助）", "concern.help")
        else:
            if self.help:
                raise invalid("FIELD_NOT_FOR_CONCERN", "求助途径只对家庭暴力录入；疑似拐卖、绑架请录入向公安机关"
                              "报案的时间和接警回执号", "concern.help")
            if self.report is None:
                raise invalid("POLICE_REPORT_REQUIRED", "疑似拐卖、绑架须向公安机关报案：请录入报案时间和接警"
                              "回执号（或受理的公安机关）", "concern.police_report.report_time")
            if not self.report.reference.strip():
                raise invalid("POLICE_REPORT_REQUIRED", "须录入接警回执号（或受理的公安机关）",
                              "concern.police_report.reference")


@dataclass(frozen=True)
class CounselingSession:
    held_on: dt.date
    counselor: str
    summary: str


@dataclass
class CounselingCase:
    id: str
    office_code: str
    received_on: dt.date
    divorce_application: str | None = None  # resource name, when counseling during cooling-off
    sessions: list[CounselingSession] = field(default_factory=list)
    outcome: CounselingOutcome | None = None
    closed_on: dt.date | None = None
    concerns: list[CounselingConcern] = field(default_factory=list)
    events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def open(cls, id: str, office_code: str, received_on: dt.date,
             divorce_application: str | None = None) -> CounselingCase:
        case = cls(id, office_code, received_on, divorce_application)
        case.events.append(CounselingCaseOpened(id, office_code, received_on))
        return case

    def _require_open(self) -> None:
        if self.outcome is not None:
            raise precondition("CASE_CLOSED", f"该辅导个案已于 {self.closed_on} 结案",
                               outcome=str(self.outcome))

    def _require_not_before_receipt(self, day: dt.date, field_name: str) -> None:
        if day < self.received_on:
            raise invalid("DATE_BEFORE_RECEIPT", "日期早于个案接待日期", field_name)

    def add_session(self, held_on: dt.date, counselor: str, summary: str) -> None:
        self._require_open()
        self._require_not_before_receipt(held_on, "session.date")
        if not counselor.strip():
            raise invalid("COUNSELOR_REQUIRED", "须录入辅导员", "counselor")
        self.sessions.append(CounselingSession(held_on, counselor.strip(), summary.strip()))
        self.events.append(CounselingSessionHeld(self.id, held_on, counselor.strip()))

    def record_concern(self, concern: CounselingConcern, now: dt.datetime) -> None:
        """Record a concern on the open case, with what was done (rules.md §1.9)."""
        self._require_open()
        self._require_not_before_receipt(concern.noted_on, "concern.date")
        concern.check()
        if concern.report is not None:
            at = concern.report.reported_at
            if at > now:
                raise invalid("DATE_IN_FUTURE", "报案时间不能晚于现在", "concern.police_report.report_time")
            self._require_not_before_receipt(at.astimezone(BUREAU_TZ).date(), "concern.police_report.report_time")
        concern = CounselingConcern(concern.kind, concern.noted_on, concern.action.strip(),
                                    tuple(dict.fromkeys(concern.help)),
                                    PoliceReport(concern.report.reported_at, concern.report.reference.strip())
                                    if concern.report else None)
        self.concerns.append(concern)
        self.events.append(CounselingConcernRecorded(self.id, str(concern.kind), concern.noted_on))

    def close(self, outcome: CounselingOutcome, closed_on: dt.date) -> None:
        self._require_open()
        self._require_not_before_receipt(closed_on, "close_date")
        self.outcome, self.closed_on = outcome, closed_on
        self.events.append(CounselingCaseClosed(self.id, closed_on, str(outcome)))
