import csv
import datetime as dt
import io
from importlib.resources import files

import pytest
from marriage.domain.calendar import STATUTORY_DAYS_FROM, WorkCalendar, qingming, qixi, statutory_days

D = dt.date


def csv_rows():
    text = files("marriage.data").joinpath("holidays-cn.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("year", range(2023, 2028))
def test_qixi_matches_the_rush_date_listed_in_the_calendar_file(year):
    listed = [D.fromisoformat(row["date"]) for row in csv_rows()
              if row["kind"] == "special" and row["name"].startswith("七夕")
              and row["date"].startswith(str(year))]
    assert listed == [qixi(year)]


def test_calendar_file_has_only_known_kinds():
    assert {row["kind"] for row in csv_rows()} == {"holiday", "workday", "special"}


@pytest.mark.parametrize(("day", "rest"), [
    (D(2024, 6, 8), True),  # Saturday
    (D(2024, 6, 10), True),  # 端午节, Monday
    (D(2024, 10, 1), True),  # 国庆节
    (D(2024, 10, 12), False),  # Saturday, make-up working day
    (D(2024, 2, 18), False),  # Sunday, make-up working day after 春节
    (D(2024, 6, 12), False),  # ordinary Wednesday
])
def test_rest_days(cal, day, rest):
    assert cal.is_rest_day(day) is rest


@pytest.mark.parametrize(("day", "rolled"), [
    (D(2024, 6, 12), D(2024, 6, 12)),
    (D(2024, 7, 6), D(2024, 7, 8)),  # weekend
    (D(2024, 10, 1), D(2024, 10, 8)),  # National Day week
    (D(2024, 2, 10), D(2024, 2, 18)),  # Spring Festival, ends on a make-up Sunday
    (D(2024, 10, 12), D(2024, 10, 12)),  # make-up Saturday is a working day
])
def test_roll_to_working_day(cal, day, rolled):
    assert cal.roll_to_working_day(day) == rolled


def test_rush_dates_of_a_listed_year(cal):
    assert cal.rush_dates(2025) == {D(2025, 2, 14), D(2025, 5, 20), D(2025, 5, 21), D(2025, 8, 29)}


def test_rush_dates_of_a_year_beyond_the_file_are_computed(cal):
    assert cal.rush_dates(2030) == {D(2030, 2, 14), D(2030, 5, 20), D(2030, 5, 21), qixi(2030)}


def test_unknown_kind_in_the_file_is_a_data_error():
    with pytest.raises(ValueError):
        WorkCalendar.from_csv_text("date,kind,name,source_notice\n2024-01-01,bridge,元旦,x\n")


def listed_holidays(year: int) -> set[dt.date]:
    return {D.fromisoformat(row["date"]) for row in csv_rows()
            if row["kind"] == "holiday" and row["date"].startswith(str(year))}


@pytest.mark.parametrize("year", range(STATUTORY_DAYS_FROM, 2027))
def test_the_days_the_law_fixes_are_days_off_in_every_notice_the_file_holds(year):
    """元旦, 除夕 to 初三, 清明, 1–2 May, 端午, 中秋, 1–3 October (放假办法, 2024 revision): each one a
    holiday in that year's State Council notice, as the file lists it."""
    assert len(statutory_days(year)) == 13
    assert statutory_days(year) <= listed_holidays(year)


@pytest.mark.parametrize("year", range(2023, 2027))
def test_qingming_is_the_listed_qingming_day(year):
    assert qingming(year) in listed_holidays(year)


def test_a_year_without_its_notice_still_rests_on_the_days_the_law_fixes():
    """2027 before its notice (the file lists only its rush dates): 元旦 is a Friday, and 除夕 to 初三
    (5–8 February) are days off whatever the notice adds; the Tuesday after is a working day."""
    cal = WorkCalendar(frozenset(d for d in listed_holidays(2026)), frozenset(), frozenset())
    assert 2027 not in cal.covered_years
    assert [cal.is_rest_day(d) for d in (D(2027, 1, 1), D(2027, 2, 5), D(2027, 2, 8), D(2027, 2, 9))] == \
        [True, True, True, False]
    assert cal.roll_to_working_day(D(2027, 1, 1)) == D(2027, 1, 4)
    once_listed = WorkCalendar(frozenset({D(2027, 10, 8)}), frozenset(), frozenset())  # the year's notice decides
    assert once_listed.is_rest_day(D(2027, 1, 1)) is False


def test_before_the_revision_an_unlisted_year_has_weekends_only():
    cal = WorkCalendar(frozenset(), frozenset(), frozenset())
    assert cal.is_rest_day(D(2024, 10, 1)) is False  # a Tuesday; 2024 is listed in the file, not here
