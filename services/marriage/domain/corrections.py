"""Corrections of archive records: proposed by one person, approved by another (rules.md §1.8).

The original value is kept beside the corrected one; nothing is overwritten silently.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from servicekit.errors import invalid, permission_denied, precondition

from marriage.domain.events import CorrectionDecided, CorrectionProposed, DomainEvent


class CorrectionState(StrEnum):
    PROPOSED = "PROPOSED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


def _required(value: str, reason: str, message: str, field_name: str) -> str:
    text = value.strip()
    if not text:
        raise invalid(reason, message, field_name)
    return text


@dataclass
class Correction:
    id: str
    record: str  # resource name of the corrected record
    field: str
    original: str
    corrected: str
    reason: str
    evidence_ref: str
    proposed_by: str
    approved_by: str | None = None  # the second person, whichever way they decided
    state: CorrectionState = CorrectionState.PROPOSED
    events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def propose(cls, id: str, record: str, field_name: str, original: str, corrected: str, reason: str,
                evidence_ref: str, proposed_by: str) -> Correction:
        if corrected == original:
            raise invalid("NO_CHANGE", "更正后的值与原值相同", "corrected")
        correction = cls(
            id, record, _required(field_name, "FIELD_REQUIRED", "须指明更正的字段", "field"),
            original, corrected,
            _required(reason, "REASON_REQUIRED", "须说明更正理由", "reason"),
            _required(evidence_ref, "EVIDENCE_REQUIRED", "须录入更正依据（证明材料编号）", "evidence_ref"),
            proposed_by,
        )
        correction.events.append(CorrectionProposed(id, record, correction.field, proposed_by))
        return correction

    def approve(self, approver: str) -> None:
        self._decide(approver, CorrectionState.APPROVED)

    def reject(self, approver: str) -> None:
        self._decide(approver, CorrectionState.REJECTED)

    def _decide(self, approver: str, state: CorrectionState) -> None:
        if self.state is not CorrectionState.PROPOSED:
            raise precondition("CORRECTION_DECIDED", f"该更正已处理（{self.state}）", state=str(self.state))
        if approver == self.proposed_by:
            raise permission_denied("SAME_PERSON_APPROVAL", "更正须由提出人以外的另一名工作人员审核")
        self.state, self.approved_by = state, approver
        self.events.append(CorrectionDecided(self.id, self.record, str(state), approver))
