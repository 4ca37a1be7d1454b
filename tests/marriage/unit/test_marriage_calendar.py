import csv
import datetime as dt
import io
from importlib.resources import files

import pytest
from marriage.domain.calendar import WorkCalendar, qixi

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
