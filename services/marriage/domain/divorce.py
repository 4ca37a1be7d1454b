"""Divorce by agreement with the 30-day cooling-off (民法典 1076–1078; rules.md §1.5).

Day counting (民发〔2020〕116号): a period starts the day after acceptance; when its last day is a
rest day it ends on the next working day. The issue period starts the day after the cooling-off end.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from servicekit.errors import DomainError, ErrorKind, Violation, invalid, precondition

from marriage.domain.calendar import WorkCalendar
from marriage.domain.events import (
    DivorceApplied,
    DivorceLapsed,
    DivorceRefused,
    DivorceRegistered,
    DivorceTerminated,
    DivorceWithdrawn,
    DomainEvent,
)
from marriage.domain.marriages import Marriage

COOLING_OFF = dt.timedelta(days=30)
ISSUE_PERIOD = dt.timedelta(days=30)


class DivorceState(StrEnum):
    COOLING_OFF = "COOLING_OFF"
    AWAITING_ISSUE = "AWAITING_ISSUE"
    WITHDRAWN = "WITHDRAWN"
    DEEMED_WITHDRAWN = "DEEMED_WITHDRAWN"
    DIVORCED = "DIVORCED"
    REFUSED = "REFUSED"
    TERMINATED = "TERMINATED"  # the marriage ended otherwise (court, death, revocation) while open


# How a closed application is named to the window (the state itself stays in the error's metadata).
OUTCOME_WORDS = {
    DivorceState.WITHDRAWN: "已撤回离婚登记申请", DivorceState.DEEMED_WITHDRAWN: "已视为撤回离婚登记申请",
    DivorceState.DIVORCED: "已办理离婚登记", DivorceState.REFUSED: "不予离婚登记",
    DivorceState.TERMINATED: "婚姻关系已另行解除，申请终止办理",
}


@dataclass(frozen=True)
class DivorceAgreement:
    """The written agreement the registry requires before accepting (rules.md §1.5)."""

    children: str  # custody and support, or a statement that there are no minor children
    property: str
    debts: str
    voluntary: bool

    def __post_init__(self) -> None:
        missing = [name for name in ("children", "property", "debts") if not getattr(self, name).strip()]
        if not self.voluntary:
            missing.append("voluntary")
        if missing:
            raise DomainError("AGREEMENT_INCOMPLETE",
                              "离婚协议须载明双方自愿离婚的意思表示及子女抚养、财产和债务处理",
                              ErrorKind.INVALID_ARGUMENT,
                              [Violation(f"agreement.{name}", "离婚协议缺少此项内容") for name in missing])


@dataclass(frozen=True)
class DivorceDeclarations:
    """What the registrar confirms before accepting, having read it aloud to the couple (rules.md
    §1.5): a divorce by agreement needs both parties of full civil capacity."""

    full_civil_capacity: bool


class CertificatesPresented(StrEnum):
    """What the couple presented for their marriage certificates (结婚证) (rules.md §1.3, §1.5)."""

    BOTH = "BOTH"  # 双方的结婚证
    ONE_WITH_LOSS_DECLARATION = "ONE_WITH_LOSS_DECLARATION"  # 一本遗失：书面声明 + 另一本结婚证
    ARCHIVE_COPY_WITH_LOSS_DECLARATION = "ARCHIVE_COPY_WITH_LOSS_DECLARATION"  # 两本遗失：书面声明 + 查档专用章档案复印件
    # Accepted before Civic recorded it (migration 0013): shown, never accepted on an application.
    NOT_RECORDED = "NOT_RECORDED"


ACCEPTED_CERTIFICATES = frozenset(CertificatesPresented) - {CertificatesPresented.NOT_RECORDED}


def check_acceptance(declarations: DivorceDeclarations, certificates: CertificatesPresented | None) -> None:
    """Raise the reason the registry must refuse to accept (不予受理), capacity first; return when
    the application may be accepted (rules.md §1.5; the agreement is checked as it is made,
    DivorceAgreement). A party of no or limited civil capacity cannot divorce by agreement: the
    couple goes to court. Without a marriage certificate the couple presents a written declaration
    of the loss with the other certificate (one lost) or with the archive copy stamped 查档专用章
    (both lost)."""
    if not declarations.full_civil_capacity:
        raise invalid("DECLARATION_MISSING",
                      "双方须具有完全民事行为能力；一方无民事行为能力或为限制民事行为能力人的，不予受理，"
                      "可向人民法院提起诉讼", "declarations.full_civil_capacity")
    if certificates not in ACCEPTED_CERTIFICATES:
        raise invalid("CERTIFICATES_NOT_PRESENTED",
                      "须出具双方的结婚证；一本遗失的，出具遗失声明和另一本结婚证；两本均遗失的，出具遗失声明和"
                      "加盖查档专用章的婚姻登记档案复印件", "certificates_presented")


def divorce_periods(accepted: dt.date, cal: WorkCalendar) -> tuple[dt.date, dt.date]:
    """(last day of cooling-off, last day to register the divorce), both rolled past rest days."""
    cooling_off_end = cal.roll_to_working_day(accepted + COOLING_OFF)
    return cooling_off_end, cal.roll_to_working_day(cooling_off_end + ISSUE_PERIOD)


def periods_provisional(cal: WorkCalendar, *ends: dt.date) -> bool:
    """Whether a period's last day falls in a year whose holiday notice the calendar lacks: it was
    counted by weekends and the law's fixed days only, and moves to the next working day should the
    notice make it a rest day (extend_periods, once the notice is loaded)."""
    return any(not cal.notice_loaded(end.year) for end in ends)


@dataclass
class DivorceApplication:
    id: str
    marriage_id: str
    party_keys: tuple[str, str]
    office_code: str
    accepted_on: dt.date
    cooling_off_end: dt.date
    issue_deadline: dt.date
    agreement: DivorceAgreement
    outcome: DivorceState | None = None  # set once the application is closed; open states are derived
    closed_on: dt.date | None = None
    # What the acceptance rested on; None / NOT_RECORDED on applications accepted before Civic
    # recorded them (migration 0013).
    declarations: DivorceDeclarations | None = None
    certificates: CertificatesPresented = CertificatesPresented.NOT_RECORDED
    refusal_reason: str = ""  # the review's findings, as the registrar wrote them, once REFUSED
    events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def accept(cls, id: str, marriage: Marriage, office_code: str, accepted_on: dt.date,
               agreement: DivorceAgreement, declarations: DivorceDeclarations,
               certificates: CertificatesPresented, cal: WorkCalendar) -> DivorceApplication:
        check_acceptance(declarations, certificates)
        marriage.require_current()
        cooling_off_end, issue_deadline = divorce_periods(accepted_on, cal)
        application = cls(id, marriage.id, marriage.party_keys, office_code, accepted_on, cooling_off_end,
                          issue_deadline, agreement, declarations=declarations, certificates=certificates)
        application.events.append(
            DivorceApplied(id, marriage.id, office_code, accepted_on, cooling_off_end, issue_deadline))
        return application

    def state_on(self, today: dt.date) -> DivorceState:
        if self.outcome is not None:
            return self.outcome
        if today <= self.cooling_off_end:
            return DivorceState.COOLING_OFF
        if today <= self.issue_deadline:
            return DivorceState.AWAITING_ISSUE
        return DivorceState.DEEMED_WITHDRAWN

    def _require_open(self, today: dt.date) -> None:
        if self.outcome is not None:
            raise precondition("APPLICATION_CLOSED", f"该离婚申请已办结（{OUTCOME_WORDS[self.outcome]}）",
                               state=str(self.outcome))
        if today > self.issue_deadline:
            raise precondition("APPLICATION_LAPSED",
                               f"双方未在 {self.issue_deadline} 前申请发给离婚证，视为撤回离婚登记申请",
                               issue_deadline=self.issue_deadline.isoformat())

    def withdraw(self, party_key: str, today: dt.date) -> None:
        """Either party alone may withdraw, but only during the cooling-off."""
        if party_key not in self.party_keys:
            raise invalid("NOT_A_PARTY", "撤回人不是该离婚申请的当事人", "id_number")
        self._require_open(today)
        if today > self.cooling_off_end:
            raise precondition("COOLING_OFF_ENDED",
                               f"离婚冷静期已于 {self.cooling_off_end} 届满，不能再撤回申请",
                               cooling_off_end=self.cooling_off_end.isoformat())
        self._close(DivorceState.WITHDRAWN, today)
        self.events.append(DivorceWithdrawn(self.id, self.marriage_id, today, party_key))

    def _require_issue_period(self, today: dt.date, office_code: str) -> None:
        self._require_open(today)
        if today <= self.cooling_off_end:
            raise precondition("COOLING_OFF_NOT_ELAPSED",
                               f"离婚冷静期至 {self.cooling_off_end} 届满，届满后方可申请发给离婚证",
                               cooling_off_end=self.cooling_off_end.isoformat())
        if office_code != self.office_code:
            raise precondition("NOT_AT_ACCEPTING_OFFICE", "须到受理离婚申请的婚姻登记机关办理",
                               accepting_office=self.office_code)

    def register(self, today: dt.date, office_code: str, both_present: bool, certificate_number: str) -> None:
        """Issue the divorce certificate (both parties in person, at the accepting registry)."""
        self._require_issue_period(today, office_code)
        if not both_present:
            raise precondition("BOTH_PARTIES_REQUIRED", "须双方当事人共同到场申请发给离婚证")
        self._close(DivorceState.DIVORCED, today)
        self.events.append(
            DivorceRegistered(self.id, self.marriage_id, certificate_number, office_code, today))

    def refuse(self, today: dt.date, office_code: str, reason: str) -> None:
        """不予离婚登记 (rules.md §1.5): both parties came in the issue period, at the accepting
        registry, and the review finds the requirements unmet (they no longer agree, one is not
        acting voluntarily, the agreement leaves children, property or debts unsettled, one lacks
        capacity). The application closes REFUSED with the reason kept, the parties are told why;
        the marriage stands, and a new application may follow."""
        self._require_issue_period(today, office_code)
        if not reason.strip():
            raise invalid("REFUSAL_REASON_REQUIRED", "不予登记须说明理由：写明审查发现的不符合离婚登记条件的情形",
                          "reason")
        self.refusal_reason = reason.strip()
        self._close(DivorceState.REFUSED, today)
        self.events.append(DivorceRefused(self.id, self.marriage_id, today, self.refusal_reason))

    def require_divorced(self, today: dt.date) -> None:
        """Only a registered divorce has a certificate (离婚证) to print."""
        state = self.state_on(today)
        if state is not DivorceState.DIVORCED:
            raise precondition("APPLICATION_NOT_DIVORCED", "该离婚申请未办理离婚登记，没有可打印的离婚证",
                               state=str(state))

    def extend_periods(self, cal: WorkCalendar) -> bool:
        """Both periods as ``cal`` ends them, where that is later than they were set: a holiday
        notice published after the acceptance (the State Council's comes each November) can turn a
        period's last day into a rest day, and the period then ends on the next working day (民发
        〔2020〕116号). Never earlier: a day the parties were given is not taken back. Open
        applications only; True when a period moved."""
        if self.outcome is not None:
            return False
        cooling_off_end, issue_deadline = divorce_periods(self.accepted_on, cal)
        cooling_off_end = max(cooling_off_end, self.cooling_off_end)
        issue_deadline = max(issue_deadline, self.issue_deadline,
                             cal.roll_to_working_day(cooling_off_end + ISSUE_PERIOD))
        if (cooling_off_end, issue_deadline) == (self.cooling_off_end, self.issue_deadline):
            return False
        self.cooling_off_end, self.issue_deadline = cooling_off_end, issue_deadline
        return True

    def periods_provisional(self, cal: WorkCalendar) -> bool:
        """An open application's periods, while either ends in a year without its notice
        (``periods_provisional``); a closed one's periods are history."""
        return self.outcome is None and periods_provisional(cal, self.cooling_off_end, self.issue_deadline)

    def lapse_if_due(self, today: dt.date) -> bool:
        """For the daily sweep: close an application whose issue period has passed."""
        if self.outcome is not None or today <= self.issue_deadline:
            return False
        lapsed_on = self.issue_deadline + dt.timedelta(days=1)
        self._close(DivorceState.DEEMED_WITHDRAWN, lapsed_on)
        self.events.append(DivorceLapsed(self.id, self.marriage_id, lapsed_on))
        return True

    def terminate(self, today: dt.date) -> bool:
        """The marriage ended otherwise while the application was open — a court's judgment or
        mediation, a party's death, a revoked registration: nothing is left to register, so the
        application closes (one whose issue period had already passed lapses as it would have).
        True when it changed."""
        if self.lapse_if_due(today):
            return True
        if self.outcome is not None:
            return False
        self._close(DivorceState.TERMINATED, today)
        self.events.append(DivorceTerminated(self.id, self.marriage_id, today))
        return True

    def _close(self, outcome: DivorceState, on: dt.date) -> None:
        self.outcome, self.closed_on = outcome, on
