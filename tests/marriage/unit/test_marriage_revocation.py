"""Revocation cases (撤销婚姻登记, rules.md §1.4, §1.7): 审查 → 告知 → 决定 → 送达 → 归档, each
other step refused with the case's state, and the objection period (the bureau's decision: 15 days,
30 after a 公告, its last day moved past rest days)."""
import datetime as dt

import pytest
from marriage.domain.calendar import WorkCalendar
from marriage.domain.events import RevocationCaseChanged
from marriage.domain.marriages import RevokingAuthority
from marriage.domain.revocation import (
    NoticeMethod,
    RevocationCase,
    RevocationCaseState,
    RevocationOutcome,
    objection_deadline,
)
from servicekit.errors import DomainError, ErrorKind

D = dt.date
S = RevocationCaseState


def opened() -> RevocationCase:
    return RevocationCase.open("c1", "m1", RevokingAuthority.POLICE, " 赤公认〔2024〕3号 ", D(2024, 3, 1), "421281",
                               D(2020, 5, 20))


def notified(cal, method=NoticeMethod.IN_PERSON, on=D(2024, 3, 4)) -> RevocationCase:
    case = opened()
    case.record_notice(method, on, cal)
    return case


def decided(cal, outcome=RevocationOutcome.REVOKE) -> RevocationCase:
    case = notified(cal)
    case.decide(outcome, "赤民撤字〔2024〕1号", D(2024, 3, 20), cal,
                "证据不足" if outcome is RevocationOutcome.DECLINE else "")
    return case


def refused(step) -> DomainError:
    with pytest.raises(DomainError) as caught:
        step()
    return caught.value


def test_a_case_opens_under_review_with_the_finding():
    case = opened()
    assert case.state is S.REVIEWING and case.is_open and case.document_number == "赤公认〔2024〕3号"
    assert case.events == [RevocationCaseChanged("c1", "m1", "OPENED", "REVIEWING", D(2024, 3, 1))]


def test_a_case_needs_the_findings_number_and_a_date_not_before_the_registration():
    assert refused(lambda: RevocationCase.open("c", "m", RevokingAuthority.COURT, " ", D(2024, 3, 1), "421281",
                                               D(2020, 1, 1))).reason == "DOCUMENT_REF_REQUIRED"
    assert refused(lambda: RevocationCase.open("c", "m", RevokingAuthority.COURT, "x", D(2019, 3, 1), "421281",
                                               D(2020, 1, 1))).reason == "DATE_BEFORE_REGISTRATION"


def test_the_full_path_to_revoked_then_served_and_filed(cal):
    case = notified(cal)
    assert case.state is S.NOTIFIED and case.is_open
    assert case.notice.objection_deadline == D(2024, 3, 19)  # 4 March + 15 = Tuesday 19 March
    case.decide(RevocationOutcome.REVOKE, "赤民撤字〔2024〕1号", D(2024, 3, 20), cal)
    assert case.state is S.REVOKED and not case.is_open and case.decision.number == "赤民撤字〔2024〕1号"
    case.record_service(D(2024, 3, 22))
    assert case.state is S.SERVED and case.served_on == D(2024, 3, 22)
    case.file(D(2024, 3, 25))
    assert case.state is S.FILED and case.filed_on == D(2024, 3, 25)
    assert [e.step for e in case.events] == ["OPENED", "NOTIFIED", "REVOKED", "SERVED", "FILED"]


def test_the_path_to_declined_keeps_the_reason(cal):
    case = decided(cal, RevocationOutcome.DECLINE)
    assert case.state is S.DECLINED and case.decision.declined_reason == "证据不足" and not case.is_open
    case.record_service(D(2024, 3, 21))
    assert case.state is S.SERVED


def test_declining_needs_a_reason_and_every_decision_a_number(cal):
    case = notified(cal)
    assert refused(lambda: case.decide(RevocationOutcome.DECLINE, "赤民字1号", D(2024, 3, 20), cal, " ")).reason \
        == "DECLINE_REASON_REQUIRED"
    assert refused(lambda: case.decide(RevocationOutcome.REVOKE, " ", D(2024, 3, 20), cal)).reason \
        == "DECISION_NUMBER_REQUIRED"
    assert case.state is S.NOTIFIED


def test_no_decision_until_the_objection_period_has_elapsed(cal):
    case = notified(cal)
    err = refused(lambda: case.decide(RevocationOutcome.REVOKE, "n", D(2024, 3, 19), cal))  # the last day itself
    assert err.reason == "OBJECTION_PERIOD_NOT_ELAPSED" and err.metadata["objection_deadline"] == "2024-03-19"
    assert err.kind is ErrorKind.FAILED_PRECONDITION and case.state is S.NOTIFIED
    case.decide(RevocationOutcome.REVOKE, "n", D(2024, 3, 20), cal)


@pytest.mark.parametrize(("state_of", "step"), [
    # 审查中: only the notice
    (opened, lambda c, cal: c.decide(RevocationOutcome.REVOKE, "n", D(2024, 6, 1), cal)),
    (opened, lambda c, cal: c.record_service(D(2024, 6, 1))),
    (opened, lambda c, cal: c.file(D(2024, 6, 1))),
    # 已告知: only the decision
    (notified, lambda c, cal: c.record_notice(NoticeMethod.MAIL, D(2024, 3, 5), cal)),
    (notified, lambda c, cal: c.record_service(D(2024, 6, 1))),
    (notified, lambda c, cal: c.file(D(2024, 6, 1))),
    # 已撤销 / 不予撤销: only the service
    (decided, lambda c, cal: c.record_notice(NoticeMethod.MAIL, D(2024, 3, 21), cal)),
    (decided, lambda c, cal: c.decide(RevocationOutcome.DECLINE, "n", D(2024, 6, 1), cal, "r")),
    (decided, lambda c, cal: c.file(D(2024, 6, 1))),
    (lambda cal: decided(cal, RevocationOutcome.DECLINE), lambda c, cal: c.file(D(2024, 6, 1))),
])
def test_every_step_out_of_order_is_refused_with_the_state(cal, state_of, step):
    case = state_of() if state_of is opened else state_of(cal)
    before = case.state
    err = refused(lambda: step(case, cal))
    assert err.reason == "REVOCATION_CASE_STATE" and err.metadata["state"] == str(before)
    assert err.kind is ErrorKind.FAILED_PRECONDITION and case.state is before


def test_after_service_only_filing_and_after_filing_nothing(cal):
    case = decided(cal)
    case.record_service(D(2024, 3, 21))
    assert refused(lambda: case.record_service(D(2024, 3, 22))).reason == "REVOCATION_CASE_STATE"
    assert refused(lambda: case.decide(RevocationOutcome.REVOKE, "n", D(2024, 6, 1), cal)).reason == "REVOCATION_CASE_STATE"
    case.file(D(2024, 3, 22))
    for step in (lambda: case.file(D(2024, 3, 23)), lambda: case.record_service(D(2024, 3, 23)),
                 lambda: case.record_notice(NoticeMethod.MAIL, D(2024, 3, 23), cal)):
        err = refused(step)
        assert err.reason == "REVOCATION_CASE_STATE" and "已归档" in err.message


def test_each_step_is_dated_not_before_the_one_it_follows(cal):
    assert refused(lambda: notified(cal, on=D(2024, 2, 29))).reason == "DATE_OUT_OF_ORDER"
    case = decided(cal)
    assert refused(lambda: case.record_service(D(2024, 3, 19))).reason == "DATE_OUT_OF_ORDER"
    case.record_service(D(2024, 3, 22))
    assert refused(lambda: case.file(D(2024, 3, 21))).reason == "DATE_OUT_OF_ORDER"


def test_the_objection_period_is_15_days_or_30_after_a_public_notice(cal):
    assert objection_deadline(D(2024, 3, 4), NoticeMethod.IN_PERSON, cal) == D(2024, 3, 19)
    assert objection_deadline(D(2024, 3, 4), NoticeMethod.MAIL, cal) == D(2024, 3, 19)
    assert objection_deadline(D(2024, 3, 4), NoticeMethod.PUBLIC_NOTICE, cal) == D(2024, 4, 3)


def test_a_deadline_on_a_weekend_or_holiday_moves_to_the_next_working_day(cal):
    # 1 March + 15 = Saturday 16 March → Monday 18 March.
    assert objection_deadline(D(2024, 3, 1), NoticeMethod.IN_PERSON, cal) == D(2024, 3, 18)
    # 16 September + 15 = 1 October, 国庆 (1–7 October) → Tuesday 8 October.
    assert objection_deadline(D(2024, 9, 16), NoticeMethod.MAIL, cal) == D(2024, 10, 8)
    # A 公告 of 1 September: + 30 = 1 October → 8 October.
    assert objection_deadline(D(2024, 9, 1), NoticeMethod.PUBLIC_NOTICE, cal) == D(2024, 10, 8)
    # 27 September + 15 = Saturday 12 October, a make-up working day (调休上班): it stays.
    assert objection_deadline(D(2024, 9, 27), NoticeMethod.IN_PERSON, cal) == D(2024, 10, 12)


def test_a_decision_waits_past_a_deadline_moved_by_a_holiday(cal):
    case = notified(cal, NoticeMethod.MAIL, D(2024, 9, 16))
    assert refused(lambda: case.decide(RevocationOutcome.REVOKE, "n", D(2024, 10, 2), cal)).reason \
        == "OBJECTION_PERIOD_NOT_ELAPSED"
    assert refused(lambda: case.decide(RevocationOutcome.REVOKE, "n", D(2024, 10, 8), cal)).reason \
        == "OBJECTION_PERIOD_NOT_ELAPSED"
    case.decide(RevocationOutcome.REVOKE, "n", D(2024, 10, 9), cal)
    assert case.state is S.REVOKED


def test_the_etag_changes_with_every_step_and_a_stale_one_is_refused(cal):
    case = opened()
    first = case.etag
    assert opened().etag == first  # the same case read twice: the same version
    case.check_etag("")  # without an etag: the state decides
    case.check_etag(first)
    case.record_notice(NoticeMethod.IN_PERSON, D(2024, 3, 4), cal)
    assert case.etag != first
    err = refused(lambda: case.check_etag(first))
    assert err.reason == "REVOCATION_CASE_CHANGED" and err.kind is ErrorKind.ABORTED
    assert err.metadata["etag"] == case.etag


def test_a_holiday_notice_published_since_extends_the_period_never_shortens_it(cal):
    """The deadline is judged by the calendar in force at the decision, as the divorce periods are."""
    case = notified(cal)  # 4 March + 15: Tuesday 19 March
    later = WorkCalendar(cal.holidays | {D(2024, 3, 19)}, cal.make_up_workdays, cal.rush)
    err = refused(lambda: case.decide(RevocationOutcome.REVOKE, "n", D(2024, 3, 20), later))
    assert err.reason == "OBJECTION_PERIOD_NOT_ELAPSED" and err.metadata["objection_deadline"] == "2024-03-20"
    case.decide(RevocationOutcome.REVOKE, "n", D(2024, 3, 21), later)
    assert case.notice.objection_deadline == D(2024, 3, 20) and case.state is S.REVOKED
    # A make-up working day added later takes no day back: 1 March + 15 = Saturday 16 → Monday 18 stays.
    case = notified(cal, on=D(2024, 3, 1))
    shorter = WorkCalendar(cal.holidays, cal.make_up_workdays | {D(2024, 3, 16)}, cal.rush)
    err = refused(lambda: case.decide(RevocationOutcome.REVOKE, "n", D(2024, 3, 17), shorter))
    assert err.metadata["objection_deadline"] == "2024-03-18"
