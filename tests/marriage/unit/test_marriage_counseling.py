import datetime as dt

import pytest
from marriage.domain.counseling import (
    ConcernKind,
    CounselingCase,
    CounselingConcern,
    CounselingOutcome,
    PoliceReport,
    VictimHelp,
)
from marriage.domain.events import (
    CounselingCaseClosed,
    CounselingCaseOpened,
    CounselingConcernRecorded,
    CounselingSessionHeld,
)
from servicekit.clock import BUREAU_TZ
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


# Concerns (rules.md §1.9): what each kind requires, and its boundaries.
NOW = dt.datetime(2024, 3, 5, 10, 0, tzinfo=BUREAU_TZ)


def violence(help=(VictimHelp.POLICE,), action="制止并陪同报警", report=None, noted_on=D(2024, 3, 5)):
    return CounselingConcern(ConcernKind.DOMESTIC_VIOLENCE, noted_on, action, tuple(help), report)


def trafficking(at=dt.datetime(2024, 3, 5, 9, 30, tzinfo=BUREAU_TZ), reference="赤公接警0305号", help=()):
    return CounselingConcern(ConcernKind.TRAFFICKING_SUSPECTED, D(2024, 3, 5), "",
                             tuple(help), PoliceReport(at, reference) if at else None)


def test_domestic_violence_is_recorded_with_the_help_the_victim_was_told_of(case):
    case.record_concern(violence(help=(VictimHelp.PROTECTION_ORDER, VictimHelp.LEGAL_AID, VictimHelp.LEGAL_AID),
                                 action=" 制止 "), NOW)
    [recorded] = case.concerns
    assert (recorded.help, recorded.action) == ((VictimHelp.PROTECTION_ORDER, VictimHelp.LEGAL_AID), "制止")
    assert case.events[-1] == CounselingConcernRecorded("k1", "DOMESTIC_VIOLENCE", D(2024, 3, 5))


def test_suspected_trafficking_is_recorded_with_its_police_report_up_to_now(case):
    case.record_concern(trafficking(at=NOW, reference=" 蒲圻派出所 "), NOW)  # reported this very minute
    assert case.concerns[0].report == PoliceReport(NOW, "蒲圻派出所")
    case.close(CounselingOutcome.REFERRED, D(2024, 3, 5))  # nothing left to require: it closes


@pytest.mark.parametrize(("concern", "reason", "field_name"), [
    (violence(help=()), "HELP_REQUIRED", "concern.help"),
    (violence(action="  "), "INTERVENTION_REQUIRED", "concern.action"),
    (violence(report=PoliceReport(NOW, "110")), "FIELD_NOT_FOR_CONCERN", "concern.police_report"),
    (violence(noted_on=D(2024, 2, 29)), "DATE_BEFORE_RECEIPT", "concern.date"),
    (trafficking(at=None), "POLICE_REPORT_REQUIRED", "concern.police_report.report_time"),
    (trafficking(reference=" "), "POLICE_REPORT_REQUIRED", "concern.police_report.reference"),
    (trafficking(help=(VictimHelp.SHELTER,)), "FIELD_NOT_FOR_CONCERN", "concern.help"),
    (trafficking(at=NOW + dt.timedelta(minutes=1)), "DATE_IN_FUTURE", "concern.police_report.report_time"),
    # Receipt on 1 March in Beijing: 00:00 that day is the first moment allowed, 23:59 the day before not
    # (16:00 UTC on 29 February is already 1 March in Beijing).
    (trafficking(at=dt.datetime(2024, 2, 29, 23, 59, tzinfo=BUREAU_TZ)), "DATE_BEFORE_RECEIPT",
     "concern.police_report.report_time"),
])
def test_a_concern_lacking_what_its_kind_requires_is_refused(case, concern, reason, field_name):
    with pytest.raises(DomainError) as caught:
        case.record_concern(concern, NOW)
    assert (caught.value.reason, [v.field for v in caught.value.violations]) == (reason, [field_name])
    assert case.concerns == []


@pytest.mark.parametrize("at", [dt.datetime(2024, 3, 1, 0, 0, tzinfo=BUREAU_TZ),
                                dt.datetime(2024, 2, 29, 16, 0, tzinfo=dt.timezone.utc)])
def test_a_report_on_the_receipt_day_in_beijing_is_accepted(case, at):
    case.record_concern(trafficking(at=at), NOW)
    assert len(case.concerns) == 1


def test_no_concern_on_a_closed_case(case):
    case.close(CounselingOutcome.PROCEEDED, D(2024, 3, 2))
    with pytest.raises(DomainError) as caught:
        case.record_concern(violence(), NOW)
    assert caught.value.reason == "CASE_CLOSED"
