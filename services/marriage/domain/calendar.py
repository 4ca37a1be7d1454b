"""Working days, statutory holidays and the registration rush dates.

The calendar is data (``marriage/data/holidays-cn.csv``, from the State Council holiday notices):
``holiday`` rows are statutory rest days, ``workday`` rows the make-up working days (调休上班) that
fall on weekends, ``special`` rows the rush dates. Years the file does not cover have weekends only.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib.resources import files

from lunardate import LunarDate

CALENDAR_FILE = "holidays-cn.csv"
_ONE_DAY = dt.timedelta(days=1)


class DayKind(StrEnum):
    HOLIDAY = "holiday"
    MAKE_UP_WORKDAY = "workday"
    RUSH = "special"


def qixi(year: int) -> dt.date:
    """七夕: the 7th day of the 7th (non-leap) lunar month."""
    return LunarDate(year, 7, 7).to_solar_date()


def _fixed_rush_dates(year: int) -> frozenset[dt.date]:
    """2·14, 5·20, 5·21 and 七夕: the dates couples choose every year."""
    return frozenset({dt.date(year, 2, 14), dt.date(year, 5, 20), dt.date(year, 5, 21), qixi(year)})


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[dt.date]
    make_up_workdays: frozenset[dt.date]
    rush: frozenset[dt.date]

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, str]]) -> WorkCalendar:
        """Build from rows with ``date`` and ``kind``; an unknown kind is a data error."""
        days: dict[DayKind, set[dt.date]] = {kind: set() for kind in DayKind}
        for row in rows:
            days[DayKind(row["kind"].strip())].add(dt.date.fromisoformat(row["date"].strip()))
        return cls(frozenset(days[DayKind.HOLIDAY]), frozenset(days[DayKind.MAKE_UP_WORKDAY]),
                   frozenset(days[DayKind.RUSH]))

    @classmethod
    def from_csv_text(cls, text: str) -> WorkCalendar:
        return cls.from_rows(csv.DictReader(io.StringIO(text)))

    def is_rest_day(self, day: dt.date) -> bool:
        """法定休假日: a weekend or statutory holiday, unless it is a make-up working day."""
        if day in self.make_up_workdays:
            return False
        return day in self.holidays or day.weekday() >= 5

    def roll_to_working_day(self, day: dt.date) -> dt.date:
        """The day itself when it is a working day, else the next working day."""
        while self.is_rest_day(day):
            day += _ONE_DAY
        return day

    @property
    def covered_years(self) -> frozenset[int]:
        """Years whose holiday notice the calendar holds (it lists their statutory holidays). In any
        other year only weekends are rest days: a period ending there may end too early."""
        return frozenset(day.year for day in self.holidays)

    def rush_dates(self, year: int) -> frozenset[dt.date]:
        """The listed rush dates of a year, plus the yearly ones for years the file does not cover."""
        return frozenset(day for day in self.rush if day.year == year) | _fixed_rush_dates(year)


@cache
def bundled_calendar() -> WorkCalendar:
    """The calendar shipped with the service (read once per process)."""
    text = files("marriage.data").joinpath(CALENDAR_FILE).read_text(encoding="utf-8")
    return WorkCalendar.from_csv_text(text)
