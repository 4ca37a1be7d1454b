import datetime as dt

import pytest
from marriage.domain.counseling import CounselingCase, CounselingOutcome
from marriage.domain.events import CounselingCaseClosed, CounselingCaseOpened, CounselingSessionHeld
from servicekit.errors import DomainError

D = dt.date


@pytest.fixture
def case() -> CounselingCase:
    return CounselingCase.open("k1", "421281", D(2024, 3, 1), "divorceApplications/d1")


def test_case_runs_from_receipt_through_sessions_to_an_outcome(case):
    case.add_session(D(2024, 3, 5), "王老师", "双方同意再沟通")
    case.close(CounselingOutcome.RECONCILED, D(2024, 3, 20))
    assert case.outcome is CounselingOutcome.RECONCILED
    assert case.events == [
        CounselingCaseOpened("k1", "421281", D(2024, 3, 1)),
        CounselingSessionHeld("k1", D(2024, 3, 5), "王老师"),
        CounselingCaseClosed("k1", D(2024, 3, 20), "RECONCILED"),
    ]


def test_case_cannot_be_closed_twice(case):
    case.close(CounselingOutcome.PROCEEDED, D(2024, 3, 2))
    with pytest.raises(DomainError) as caught:
        case.close(CounselingOutcome.REFERRED, D(2024, 3, 3))
    assert caught.value.reason == "CASE_CLOSED"


def test_no_sessions_after_closing(case):
    case.close(CounselingOutcome.REFERRED, D(2024, 3, 2))
    with pytest.raises(DomainError) as caught:
        case.add_session(D(2024, 3, 3), "王老师", "")
    assert caught.value.reason == "CASE_CLOSED"


@pytest.mark.parametrize(("action", "reason"), [
    (lambda c: c.add_session(D(2024, 2, 28), "王老师", ""), "DATE_BEFORE_RECEIPT"),
    (lambda c: c.add_session(D(2024, 3, 2), " ", ""), "COUNSELOR_REQUIRED"),
    (lambda c: c.close(CounselingOutcome.RECONCILED, D(2024, 2, 28)), "DATE_BEFORE_RECEIPT"),
])
def test_dates_and_counselor_are_checked(case, action, reason):
    with pytest.raises(DomainError) as caught:
        action(case)
    assert caught.value.reason == reason


@pytest.mark.parametrize(("action", "field_name"), [
    (lambda c: c.add_session(D(2024, 2, 28), "王老师", ""), "session.date"),
    (lambda c: c.close(CounselingOutcome.RECONCILED, D(2024, 2, 28)), "close_date"),
])
def test_a_date_before_receipt_names_the_request_field(case, action, field_name):
    """The violation names the field the request carries (as the future-date check does), so the
    gateway and the window put the message at the date the user typed."""
    with pytest.raises(DomainError) as caught:
        action(case)
    assert [v.field for v in caught.value.violations] == [field_name]
