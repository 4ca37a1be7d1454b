"""Marriage and family counseling cases (婚姻家庭辅导, rules.md §1.9)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from servicekit.errors import invalid, precondition

from marriage.domain.events import (
    CounselingCaseClosed,
    CounselingCaseOpened,
    CounselingSessionHeld,
    DomainEvent,
)


class CounselingOutcome(StrEnum):
    RECONCILED = "RECONCILED"  # 劝和: the couple stays together
    PROCEEDED = "PROCEEDED"  # went on with the divorce
    REFERRED = "REFERRED"  # handed to another body (women's federation, police, medical help)


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

    def close(self, outcome: CounselingOutcome, closed_on: dt.date) -> None:
        self._require_open()
        self._require_not_before_receipt(closed_on, "close_date")
        self.outcome, self.closed_on = outcome, closed_on
        self.events.append(CounselingCaseClosed(self.id, closed_on, str(outcome)))
