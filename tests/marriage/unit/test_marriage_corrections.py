import pytest
from marriage.domain.corrections import Correction, CorrectionState
from marriage.domain.events import CorrectionDecided, CorrectionProposed
from servicekit.errors import DomainError, ErrorKind


def proposal(**changes) -> Correction:
    args = {"id": "c1", "record": "historicalRecords/7", "field_name": "woman_name", "original": "李四",
            "corrected": "李泗", "reason": "与户籍登记不符", "evidence_ref": "赤公户证〔2023〕15号",
            "proposed_by": "clerk-a"}
    return Correction.propose(**(args | changes))


def test_proposal_keeps_the_original_beside_the_correction():
    correction = proposal()
    assert (correction.original, correction.corrected) == ("李四", "李泗")
    assert correction.state is CorrectionState.PROPOSED
    assert correction.events == [CorrectionProposed("c1", "historicalRecords/7", "woman_name", "clerk-a")]


@pytest.mark.parametrize(("changes", "reason"), [
    ({"reason": " "}, "REASON_REQUIRED"),
    ({"evidence_ref": ""}, "EVIDENCE_REQUIRED"),
    ({"field_name": ""}, "FIELD_REQUIRED"),
    ({"corrected": "李四"}, "NO_CHANGE"),
])
def test_proposal_needs_reason_evidence_and_a_change(changes, reason):
    with pytest.raises(DomainError) as caught:
        proposal(**changes)
    assert caught.value.reason == reason


def test_proposer_cannot_approve_their_own_correction():
    correction = proposal()
    with pytest.raises(DomainError) as caught:
        correction.approve("clerk-a")
    assert (caught.value.reason, caught.value.kind) == ("SAME_PERSON_APPROVAL", ErrorKind.PERMISSION_DENIED)
    assert correction.state is CorrectionState.PROPOSED


def test_second_person_approves():
    correction = proposal()
    correction.approve("clerk-b")
    assert (correction.state, correction.approved_by) == (CorrectionState.APPROVED, "clerk-b")
    assert correction.events[-1] == CorrectionDecided("c1", "historicalRecords/7", "APPROVED", "clerk-b")


def test_proposer_cannot_reject_either_and_a_decision_is_final():
    correction = proposal()
    with pytest.raises(DomainError):
        correction.reject("clerk-a")
    correction.reject("clerk-b")
    with pytest.raises(DomainError) as caught:
        correction.approve("clerk-c")
    assert caught.value.reason == "CORRECTION_DECIDED"
