"""Provisional divorce periods (a last day in a year without its State Council notice) and one year
of the work calendar as GetWorkCalendar shows it."""
import dataclasses
import datetime as dt

import pytest
from marriage.domain.calendar import WorkCalendar, qixi, statutory_days
from marriage.domain.calendar_year import NamedDay, calendar_year, with_added_dates
from marriage.domain.divorce import (
    CertificatesPresented,
    DivorceAgreement,
    DivorceApplication,
    DivorceDeclarations,
    divorce_periods,
    periods_provisional,
)
from marriage.domain.eligibility import Declarations
from marriage.domain.marriages import Marriage
from servicekit.errors import DomainError

D = dt.date
OFFICE = "421281"
AGREEMENT = DivorceAgreement(children="无子女", property="各自名下财产归各自所有", debts="无共同债务", voluntary=True)
ACCEPTANCE = (DivorceDeclarations(full_civil_capacity=True), CertificatesPresented.BOTH)


@pytest.fixture
def marriage(person):
    parties = (person(D(1990, 1, 1), "M", "张三"), person(D(1992, 1, 1), "F", "李四"))
    return Marriage.register("m1", "J421281-2015-000001", OFFICE, D(2015, 5, 20), parties,
                             Declarations(True, True), set())


def accept(marriage, on: dt.date, cal: WorkCalendar) -> DivorceApplication:
    return DivorceApplication.accept("d1", marriage, OFFICE, on, AGREEMENT, *ACCEPTANCE, cal)


def with_2027_notice(cal: WorkCalendar) -> WorkCalendar:
    """The bundled calendar as the release carrying the 2027 notice would have it (元旦 only here)."""
    return dataclasses.replace(cal, holidays=cal.holidays | {D(2027, 1, 1)})


def test_the_bundled_calendar_holds_2026s_notice_and_not_2027s(cal):
    assert cal.notice_loaded(2026) and not cal.notice_loaded(2027)


@pytest.mark.parametrize(("accepted", "ends"), [
    (D(2026, 10, 15), (D(2026, 11, 16), D(2026, 12, 16))),
    (D(2026, 11, 1), (D(2026, 12, 1), D(2026, 12, 31))),  # the last acceptance both of whose ends stay in 2026
])
def test_periods_ending_in_a_year_with_its_notice_are_not_provisional(marriage, cal, accepted, ends):
    app = accept(marriage, accepted, cal)
    assert (app.cooling_off_end, app.issue_deadline) == ends
    assert app.periods_provisional(cal) is False


@pytest.mark.parametrize(("accepted", "ends"), [
    (D(2026, 11, 2), (D(2026, 12, 2), D(2027, 1, 4))),  # the issue deadline alone reaches 2027
    (D(2026, 12, 2), (D(2027, 1, 4), D(2027, 2, 3))),  # both: day 30 is 元旦 2027, a rest day by the law
])
def test_periods_reaching_a_year_without_its_notice_are_provisional(marriage, cal, accepted, ends):
    app = accept(marriage, accepted, cal)
    assert (app.cooling_off_end, app.issue_deadline) == ends
    assert app.periods_provisional(cal) is True
    assert periods_provisional(cal, *divorce_periods(accepted, cal)) is True


def test_once_the_notice_is_loaded_the_same_periods_are_settled(marriage, cal):
    app = accept(marriage, D(2026, 12, 2), cal)
    assert app.periods_provisional(with_2027_notice(cal)) is False


def test_a_closed_applications_periods_are_not_provisional(marriage, cal):
    app = accept(marriage, D(2026, 12, 2), cal)
    app.withdraw(app.party_keys[0], D(2026, 12, 3))
    assert app.periods_provisional(cal) is False


def test_a_year_with_its_notice_lists_the_notices_days_with_their_names(cal):
    year = calendar_year(cal, 2026)
    assert year.notice_loaded and "2026年部分节假日安排" in year.notice_source
    assert NamedDay(D(2026, 10, 1), "国庆节") in year.holidays
    assert NamedDay(D(2026, 2, 14), "春节") in year.make_up_workdays
    assert [d.day for d in year.holidays] == sorted(d for d in cal.holidays if d.year == 2026)
    assert {d.day for d in year.rush_dates} == {D(2026, 2, 14), D(2026, 5, 20), D(2026, 5, 21), qixi(2026)}


def test_a_year_without_its_notice_lists_the_laws_fixed_days_and_no_make_up_days(cal):
    year = calendar_year(cal, 2027)
    assert not year.notice_loaded and year.notice_source == ""
    assert {d.day for d in year.holidays} == statutory_days(2027)
    assert NamedDay(D(2027, 1, 1), "元旦") in year.holidays and cal.is_rest_day(D(2027, 1, 1))
    assert year.make_up_workdays == ()
    assert NamedDay(D(2027, 8, 8), "七夕（农历七月初七，结婚登记热门日）") in year.rush_dates


def test_an_offices_added_dates_join_the_rush_dates(cal):
    year = with_added_dates(calendar_year(cal, 2027), {D(2027, 5, 20): "", D(2027, 9, 9): "久久"})
    assert [(d.day, d.added) for d in year.rush_dates] == [
        (D(2027, 2, 14), False), (D(2027, 5, 20), True), (D(2027, 5, 21), False), (D(2027, 8, 8), False),
        (D(2027, 9, 9), True)]
    assert year.rush_dates[1].name == "5·20（结婚登记热门日）" and year.rush_dates[-1].name == "久久"


@pytest.mark.parametrize("year", [1899, 2100])
def test_a_year_outside_the_lunar_calendar_is_refused(cal, year):
    with pytest.raises(DomainError) as caught:
        calendar_year(cal, year)
    assert caught.value.reason == "INVALID_YEAR"
