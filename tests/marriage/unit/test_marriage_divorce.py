import datetime as dt

import pytest
from marriage.domain.divorce import (
    CertificatesPresented,
    DivorceAgreement,
    DivorceApplication,
    DivorceDeclarations,
    DivorceState,
    check_acceptance,
    divorce_periods,
)
from marriage.domain.eligibility import Declarations
from marriage.domain.calendar import bundled_calendar
from marriage.domain.events import (
    DivorceApplied,
    DivorceLapsed,
    DivorceRefused,
    DivorceRegistered,
    DivorceTerminated,
    DivorceWithdrawn,
)
from marriage.domain.marriages import Marriage
from servicekit.errors import DomainError, ErrorKind

D = dt.date
ACCEPTED = D(2024, 6, 3)  # day 30 = 2024-07-03 (Wed), day 60 = 2024-08-02 (Fri): no rolling
OFFICE = "421281"
AGREEMENT = DivorceAgreement(children="女儿随母亲生活，父亲每月支付抚养费", property="房屋归男方",
                             debts="无共同债务", voluntary=True)
ACCEPTANCE = (DivorceDeclarations(full_civil_capacity=True), CertificatesPresented.BOTH)


def day(n: int) -> dt.date:
    return ACCEPTED + dt.timedelta(days=n)


def refusal(call, *args):
    with pytest.raises(DomainError) as caught:
        call(*args)
    return caught.value


@pytest.fixture
def marriage(person):
    parties = (person(D(1990, 1, 1), "M", "张三"), person(D(1992, 1, 1), "F", "李四"))
    return Marriage.register("m1", "J421281-2015-000001", OFFICE, D(2015, 5, 20), parties,
                             Declarations(True, True), set())


@pytest.fixture
def application(marriage, cal):
    return DivorceApplication.accept("d1", marriage, OFFICE, ACCEPTED, AGREEMENT, *ACCEPTANCE, cal)


def test_cooling_off_counts_from_the_day_after_acceptance(cal):
    assert divorce_periods(D(2024, 1, 1), cal) == (D(2024, 1, 31), D(2024, 3, 1))


def test_period_ending_on_a_weekend_ends_on_monday(cal):
    cooling_off_end, deadline = divorce_periods(D(2024, 6, 6), cal)  # day 30 = Saturday 2024-07-06
    assert (cooling_off_end, deadline) == (D(2024, 7, 8), D(2024, 8, 7))


def test_period_ending_on_national_day_ends_after_the_holiday(cal):
    assert divorce_periods(D(2024, 9, 1), cal) == (D(2024, 10, 8), D(2024, 11, 7))


def test_period_ending_on_a_make_up_working_day_does_not_roll(cal):
    assert divorce_periods(D(2024, 9, 12), cal) == (D(2024, 10, 12), D(2024, 11, 11))


def test_issue_period_ending_in_spring_festival_rolls_to_the_make_up_sunday(cal):
    assert divorce_periods(D(2023, 12, 12), cal) == (D(2024, 1, 11), D(2024, 2, 18))


def test_acceptance_records_the_periods(application):
    assert (application.cooling_off_end, application.issue_deadline) == (day(30), day(60))
    assert application.events == [DivorceApplied("d1", "m1", OFFICE, ACCEPTED, day(30), day(60))]


@pytest.mark.parametrize(("n", "state"), [
    (30, DivorceState.COOLING_OFF),
    (31, DivorceState.AWAITING_ISSUE),
    (60, DivorceState.AWAITING_ISSUE),
    (61, DivorceState.DEEMED_WITHDRAWN),
])
def test_state_on_each_boundary_day(application, n, state):
    assert application.state_on(day(n)) is state


def test_either_party_alone_may_withdraw_on_day_30(application, marriage):
    application.withdraw(marriage.parties[1].key, day(30))
    assert application.state_on(day(31)) is DivorceState.WITHDRAWN
    assert application.events[-1] == DivorceWithdrawn("d1", "m1", day(30), marriage.parties[1].key)


def test_withdrawal_on_day_31_is_refused(application, marriage):
    assert refusal(application.withdraw, marriage.parties[0].key, day(31)).reason == "COOLING_OFF_ENDED"


def test_withdrawal_after_the_issue_period_is_refused_as_lapsed(application, marriage):
    assert refusal(application.withdraw, marriage.parties[0].key, day(61)).reason == "APPLICATION_LAPSED"


def test_only_a_party_may_withdraw(application):
    refused = refusal(application.withdraw, "RESIDENT_ID:x", day(1))
    assert refused.reason == "NOT_A_PARTY"
    # the request's field (WithdrawDivorceRequest.id_number), where the window shows the message
    assert [v.field for v in refused.violations] == ["id_number"]


def test_registration_on_day_30_is_refused(application):
    error = refusal(application.register, day(30), OFFICE, True, "L421281-2024-000001")
    assert (error.reason, error.kind) == ("COOLING_OFF_NOT_ELAPSED", ErrorKind.FAILED_PRECONDITION)


@pytest.mark.parametrize("n", [31, 60])
def test_registration_on_days_31_and_60(application, n):
    application.register(day(n), OFFICE, True, "L421281-2024-000001")
    assert application.state_on(day(n)) is DivorceState.DIVORCED
    assert application.events[-1] == DivorceRegistered("d1", "m1", "L421281-2024-000001", OFFICE, day(n))


def test_registration_on_day_61_is_refused(application):
    assert refusal(application.register, day(61), OFFICE, True, "L").reason == "APPLICATION_LAPSED"


def test_registration_at_another_office_is_refused(application):
    assert refusal(application.register, day(40), "421202", True, "L").reason == "NOT_AT_ACCEPTING_OFFICE"


def test_registration_needs_both_parties(application):
    assert refusal(application.register, day(40), OFFICE, False, "L").reason == "BOTH_PARTIES_REQUIRED"


def test_a_closed_application_cannot_be_registered_again(application):
    application.register(day(40), OFFICE, True, "L421281-2024-000001")
    assert refusal(application.register, day(41), OFFICE, True, "L").reason == "APPLICATION_CLOSED"


@pytest.mark.parametrize("n", [10, 40, 61])  # cooling-off, awaiting issue, lapsed
def test_only_a_registered_divorce_has_a_certificate_to_print(application, n):
    error = refusal(application.require_divorced, day(n))
    assert (error.reason, error.kind) == ("APPLICATION_NOT_DIVORCED", ErrorKind.FAILED_PRECONDITION)
    application.register(day(40), OFFICE, True, "L421281-2024-000001")
    application.require_divorced(day(n))


def test_a_withdrawn_application_has_no_certificate_to_print(application, marriage):
    application.withdraw(marriage.parties[0].key, day(5))
    assert refusal(application.require_divorced, day(5)).metadata == {"state": "WITHDRAWN"}


def test_refusal_after_review(application):
    assert refusal(application.refuse, day(40), OFFICE, " ").reason == "REFUSAL_REASON_REQUIRED"
    assert application.outcome is None and application.refusal_reason == ""
    application.refuse(day(40), OFFICE, "  一方不具有完全民事行为能力 ")
    assert application.state_on(day(40)) is DivorceState.REFUSED
    assert (application.closed_on, application.refusal_reason) == (day(40), "一方不具有完全民事行为能力")
    assert application.events[-1] == DivorceRefused("d1", "m1", day(40), "一方不具有完全民事行为能力")
    assert application.state_on(day(61)) is DivorceState.REFUSED  # closed: it never lapses


@pytest.mark.parametrize("n", [31, 60])
def test_refusal_on_days_31_and_60(application, n):
    application.refuse(day(n), OFFICE, "双方对子女抚养未达成一致")
    assert (application.outcome, application.closed_on) == (DivorceState.REFUSED, day(n))


@pytest.mark.parametrize("n, office, reason", [
    (30, OFFICE, "COOLING_OFF_NOT_ELAPSED"),  # the last day of the cooling-off
    (61, OFFICE, "APPLICATION_LAPSED"),  # the day after the issue period
    (40, "421202", "NOT_AT_ACCEPTING_OFFICE"),
])
def test_refusal_outside_the_issue_period_or_elsewhere_is_refused_and_changes_nothing(application, n, office,
                                                                                     reason):
    error = refusal(application.refuse, day(n), office, "一方不愿离婚")
    assert (error.reason, error.kind) == (reason, ErrorKind.FAILED_PRECONDITION)
    assert (application.outcome, application.refusal_reason, application.events[-1:]) == (
        None, "", [application.events[0]])


def test_a_closed_application_cannot_be_refused(application):
    application.register(day(40), OFFICE, True, "L421281-2024-000001")
    error = refusal(application.refuse, day(40), OFFICE, "一方不愿离婚")
    assert (error.reason, error.metadata) == ("APPLICATION_CLOSED", {"state": "DIVORCED"})
    assert application.refusal_reason == ""


def test_sweep_lapses_only_after_day_60(application):
    assert application.lapse_if_due(day(60)) is False
    assert application.lapse_if_due(day(61)) is True
    assert application.lapse_if_due(day(62)) is False
    assert (application.outcome, application.closed_on) == (DivorceState.DEEMED_WITHDRAWN, day(61))
    assert application.events[-1] == DivorceLapsed("d1", "m1", day(61))


def test_sweep_leaves_a_withdrawn_application_alone(application, marriage):
    application.withdraw(marriage.parties[0].key, day(3))
    assert application.lapse_if_due(day(90)) is False
    assert application.state_on(day(90)) is DivorceState.WITHDRAWN


def test_no_application_for_a_marriage_already_ended(marriage, cal):
    marriage.record_court_divorce(D(2020, 1, 1), "(2019)鄂1281民初123号")
    error = refusal(DivorceApplication.accept, "d2", marriage, OFFICE, ACCEPTED, AGREEMENT, *ACCEPTANCE, cal)
    assert error.reason == "MARRIAGE_NOT_CURRENT"


def test_agreement_must_be_complete():
    with pytest.raises(DomainError) as caught:
        DivorceAgreement(children="", property="房屋归女方", debts=" ", voluntary=False)
    assert (caught.value.reason, caught.value.kind) == ("AGREEMENT_INCOMPLETE", ErrorKind.INVALID_ARGUMENT)
    assert [v.field for v in caught.value.violations] == [
        "agreement.children", "agreement.debts", "agreement.voluntary"]


@pytest.mark.parametrize("certificates", [
    CertificatesPresented.BOTH,  # 双方的结婚证
    CertificatesPresented.ONE_WITH_LOSS_DECLARATION,  # 一本遗失：遗失声明 + 另一本结婚证
    CertificatesPresented.ARCHIVE_COPY_WITH_LOSS_DECLARATION,  # 两本遗失：遗失声明 + 查档专用章档案复印件
])
def test_each_accepted_way_of_presenting_the_certificates_is_accepted_and_kept(marriage, cal, certificates):
    declarations = DivorceDeclarations(full_civil_capacity=True)
    app = DivorceApplication.accept("d3", marriage, OFFICE, ACCEPTED, AGREEMENT, declarations, certificates, cal)
    assert (app.declarations, app.certificates) == (declarations, certificates)
    assert app.state_on(ACCEPTED) is DivorceState.COOLING_OFF


def test_without_full_civil_capacity_the_application_is_not_accepted(marriage, cal):
    """A party of no or limited civil capacity cannot divorce by agreement: the couple goes to court."""
    error = refusal(DivorceApplication.accept, "d4", marriage, OFFICE, ACCEPTED, AGREEMENT,
                    DivorceDeclarations(full_civil_capacity=False), CertificatesPresented.BOTH, cal)
    assert (error.reason, error.kind) == ("DECLARATION_MISSING", ErrorKind.INVALID_ARGUMENT)
    assert error.message == ("双方须具有完全民事行为能力；一方无民事行为能力或为限制民事行为能力人的，不予受理，"
                             "可向人民法院提起诉讼")
    assert [v.field for v in error.violations] == ["declarations.full_civil_capacity"]


@pytest.mark.parametrize("certificates", [None, CertificatesPresented.NOT_RECORDED])
def test_without_the_certificates_or_what_stands_for_them_the_application_is_not_accepted(marriage, cal,
                                                                                           certificates):
    error = refusal(DivorceApplication.accept, "d5", marriage, OFFICE, ACCEPTED, AGREEMENT,
                    DivorceDeclarations(full_civil_capacity=True), certificates, cal)
    assert (error.reason, error.kind) == ("CERTIFICATES_NOT_PRESENTED", ErrorKind.INVALID_ARGUMENT)
    # The three accepted ways, named to the window.
    assert all(words in error.message for words in ("双方的结婚证", "另一本结婚证", "查档专用章"))
    assert [v.field for v in error.violations] == ["certificates_presented"]


def test_capacity_is_refused_before_the_certificates_and_before_the_marriage_is_looked_at(marriage, cal):
    marriage.record_court_divorce(D(2020, 1, 1), "(2019)鄂1281民初123号")
    with pytest.raises(DomainError) as caught:
        check_acceptance(DivorceDeclarations(full_civil_capacity=False), None)
    assert caught.value.reason == "DECLARATION_MISSING"
    error = refusal(DivorceApplication.accept, "d6", marriage, OFFICE, ACCEPTED, AGREEMENT,
                    DivorceDeclarations(full_civil_capacity=True), None, cal)
    assert error.reason == "CERTIFICATES_NOT_PRESENTED"


def calendar(*holidays: dt.date, workdays: tuple[dt.date, ...] = ()):
    from marriage.domain.calendar import WorkCalendar
    return WorkCalendar(frozenset(holidays), frozenset(workdays), frozenset())


def test_a_later_holiday_notice_extends_an_open_application_never_shortens_it(marriage):
    """Accepted 2030-11-29 (Fri) before the 2031 notice was known: day 30 = 2030-12-29 (Sun) → Mon
    12-30; issue period to 2031-01-29 (Wed). Once the notice makes 01-29 a holiday (as 2031's 春节
    might), the period ends on the next working day, Thu 01-30; the parties keep that day even if a
    later calendar took the holiday back."""
    unknown = calendar(D(2030, 10, 1))
    app = DivorceApplication.accept("d9", marriage, OFFICE, D(2030, 11, 29), AGREEMENT, *ACCEPTANCE, unknown)
    assert (app.cooling_off_end, app.issue_deadline) == (D(2030, 12, 30), D(2031, 1, 29))
    assert unknown.covered_years == {2030}
    notice = calendar(D(2030, 10, 1), D(2031, 1, 29))
    assert app.extend_periods(notice) is True
    assert (app.cooling_off_end, app.issue_deadline) == (D(2030, 12, 30), D(2031, 1, 30))
    assert app.extend_periods(notice) is False  # settled
    assert app.extend_periods(unknown) is False  # never earlier
    assert app.issue_deadline == D(2031, 1, 30)
    assert app.state_on(D(2031, 1, 30)) is DivorceState.AWAITING_ISSUE
    assert app.lapse_if_due(D(2031, 1, 30)) is False


def test_a_cooling_off_that_moves_moves_the_issue_period_with_it(marriage):
    """The 2030 notice makes 12-30 and 12-31 days off: the cooling-off ends on the next working day,
    Thu 2031-01-02 (01-01 is 元旦, a day off before 2031's notice is known), and the issue period
    runs 30 days from it, to Sat 02-01 → Mon 02-03."""
    app = DivorceApplication.accept("d8", marriage, OFFICE, D(2030, 11, 29), AGREEMENT, *ACCEPTANCE, calendar())
    assert app.extend_periods(calendar(D(2030, 12, 30), D(2030, 12, 31))) is True
    assert (app.cooling_off_end, app.issue_deadline) == (D(2031, 1, 2), D(2031, 2, 3))


def test_accepted_tomorrow_the_cooling_off_ends_after_new_year_though_2027_is_not_listed_yet(marriage):
    """Accepted 2026-12-02: day 30 is 2027-01-01, 元旦; with the 2027 notice not in the file yet the
    period still ends on the next working day, Mon 01-04 (it ended on the holiday itself before)."""
    from marriage.domain.calendar import bundled_calendar
    cal = bundled_calendar()
    app = DivorceApplication.accept("d7", marriage, OFFICE, D(2026, 12, 2), AGREEMENT, *ACCEPTANCE, cal)
    assert 2027 not in cal.covered_years
    assert app.cooling_off_end == D(2027, 1, 4)


def test_a_closed_application_keeps_its_periods(application):
    application.lapse_if_due(day(61))
    assert application.extend_periods(calendar(application.issue_deadline)) is False


def test_a_calendar_ending_within_the_periods_is_said():
    from structlog.testing import capture_logs

    from marriage.app.divorces import warn_if_calendar_ends
    cal = calendar(D(2030, 10, 1))
    with capture_logs() as logs:
        warn_if_calendar_ends(cal, D(2030, 9, 1))  # 70 days on: still 2030
        warn_if_calendar_ends(cal, D(2030, 11, 30))  # 70 days on: 2031, no notice yet
    assert [(e["event"], e["years"]) for e in logs] == [("holiday_calendar_missing_years", [2031])]


@pytest.mark.parametrize("n", [10, 45])  # in the cooling-off, awaiting issue
def test_an_open_application_ends_when_the_marriage_ends_otherwise(application, n):
    assert application.terminate(day(n)) is True
    assert (application.state_on(day(n)), application.closed_on) == (DivorceState.TERMINATED, day(n))
    assert application.events[-1] == DivorceTerminated("d1", "m1", day(n))
    assert application.terminate(day(n + 1)) is False
    assert refusal(application.register, day(n + 40), OFFICE, True, "L1").reason == "APPLICATION_CLOSED"


def test_a_closed_or_lapsed_application_is_not_terminated(application, marriage):
    application.withdraw(marriage.party_keys[0], day(5))
    assert application.terminate(day(20)) is False and application.state_on(day(20)) is DivorceState.WITHDRAWN
    lapsed = DivorceApplication.accept("d2", marriage, OFFICE, ACCEPTED, AGREEMENT, *ACCEPTANCE, bundled_calendar())
    assert lapsed.terminate(day(70)) is True  # its issue period had passed: it lapsed, as the sweep would say
    assert (lapsed.state_on(day(70)), lapsed.closed_on) == (DivorceState.DEEMED_WITHDRAWN, day(61))


def test_a_closed_application_names_its_outcome_in_chinese(application):
    application.withdraw(application.party_keys[1], day(3))
    error = refusal(application.register, day(40), OFFICE, True, "L")
    assert "已撤回" in error.message and "WITHDRAWN" not in error.message
    assert error.metadata == {"state": "WITHDRAWN"}
