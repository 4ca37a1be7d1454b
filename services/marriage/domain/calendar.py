"""Working days, statutory holidays and the registration rush dates.

The calendar is data (``marriage/data/holidays-cn.csv``, from the State Council holiday notices):
``holiday`` rows are statutory rest days, ``workday`` rows the make-up working days (调休上班) that
fall on weekends, ``special`` rows the rush dates. A year the file does not cover yet (its notice is
published each November) still has its weekends and the days the 全国年节及纪念日放假办法 fixes for
every year (``statutory_days``, from 2025 as revised on 2024-11-10 — the law the file's own rows cite):
only the notice's bridging days and make-up working days are unknown until the file lists the year.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache, cached_property
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


def fixed_rush_names(year: int) -> dict[dt.date, str]:
    """2·14, 5·20, 5·21 and 七夕: the dates couples choose every year, named as the file names them."""
    return {dt.date(year, 2, 14): "2·14 情人节（结婚登记热门日）", dt.date(year, 5, 20): "5·20（结婚登记热门日）",
            dt.date(year, 5, 21): "5·21（结婚登记热门日）", qixi(year): "七夕（农历七月初七，结婚登记热门日）"}


# The 全国年节及纪念日放假办法 as revised on 2024-11-10 (国务院令第795号), in force from 2025-01-01.
STATUTORY_DAYS_FROM = 2025


def qingming(year: int) -> dt.date:
    """清明: the day of the solar term, 4 or 5 April in this century (the usual [Y×D+C]−L rule with
    D = 0.2422, C = 4.81 for 2001–2099)."""
    y = year % 100
    return dt.date(year, 4, int(y * 0.2422 + 4.81) - y // 4)


def statutory_holidays(year: int) -> dict[dt.date, str]:
    """The days off that 全国年节及纪念日放假办法 (2024 revision) gives every year, whatever the
    year's notice adds around them, with their festivals: 元旦; 春节 (除夕 and 初一 to 初三); 清明;
    劳动节 (1–2 May); 端午; 中秋; 国庆 (1–3 October)."""
    new_year = LunarDate(year, 1, 1).to_solar_date()
    return {
        dt.date(year, 1, 1): "元旦",
        **{new_year + dt.timedelta(days=n): "春节" for n in range(-1, 3)},
        qingming(year): "清明节",
        dt.date(year, 5, 1): "劳动节", dt.date(year, 5, 2): "劳动节",
        LunarDate(year, 5, 5).to_solar_date(): "端午节",
        LunarDate(year, 8, 15).to_solar_date(): "中秋节",
        **{dt.date(year, 10, day): "国庆节" for day in (1, 2, 3)},
    }


@cache
def statutory_days(year: int) -> frozenset[dt.date]:
    """The days of ``statutory_holidays``."""
    return frozenset(statutory_holidays(year))


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[dt.date]
    make_up_workdays: frozenset[dt.date]
    rush: frozenset[dt.date]
    # The file's ``name`` of each (kind, date) row, and the ``source_notice`` of each year's holiday
    # and make-up rows (its State Council notice): what GetWorkCalendar shows; no rule reads them.
    names: Mapping[tuple[DayKind, dt.date], str] = field(default_factory=dict, compare=False)
    notices: Mapping[int, str] = field(default_factory=dict, compare=False)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, str]]) -> WorkCalendar:
        """Build from rows with ``date`` and ``kind`` (and optionally ``name`` and ``source_notice``);
        an unknown kind is a data error."""
        days: dict[DayKind, set[dt.date]] = {kind: set() for kind in DayKind}
        names: dict[tuple[DayKind, dt.date], str] = {}
        notices: dict[int, dict[str, None]] = {}  # year → its notices in file order, once each
        for row in rows:
            kind, day = DayKind(row["kind"].strip()), dt.date.fromisoformat(row["date"].strip())
            days[kind].add(day)
            names[kind, day] = (row.get("name") or "").strip()
            if kind is not DayKind.RUSH and (row.get("source_notice") or "").strip():
                notices.setdefault(day.year, {})[row["source_notice"].strip()] = None
        return cls(frozenset(days[DayKind.HOLIDAY]), frozenset(days[DayKind.MAKE_UP_WORKDAY]),
                   frozenset(days[DayKind.RUSH]), names,
                   {year: "；".join(sources) for year, sources in notices.items()})

    @classmethod
    def from_csv_text(cls, text: str) -> WorkCalendar:
        return cls.from_rows(csv.DictReader(io.StringIO(text)))

    def is_rest_day(self, day: dt.date) -> bool:
        """法定休假日: a weekend or statutory holiday, unless it is a make-up working day."""
        if day in self.make_up_workdays:
            return False
        if day in self.holidays or day.weekday() >= 5:
            return True
        # A year without its notice yet: the days the law itself fixes are rest days all the same.
        return day.year >= STATUTORY_DAYS_FROM and day.year not in self.covered_years \
            and day in statutory_days(day.year)

    def roll_to_working_day(self, day: dt.date) -> dt.date:
        """The day itself when it is a working day, else the next working day."""
        while self.is_rest_day(day):
            day += _ONE_DAY
        return day

    @cached_property
    def covered_years(self) -> frozenset[int]:
        """Years whose holiday notice the calendar holds (it lists their statutory holidays). In any
        other year only weekends and the law's fixed days (``statutory_days``) are rest days: a
        period ending on one of the notice's bridging days may end too early until the file has it."""
        return frozenset(day.year for day in self.holidays)

    def notice_loaded(self, year: int) -> bool:
        """Whether the calendar holds the year's holiday notice (``covered_years``)."""
        return year in self.covered_years

    def rush_dates(self, year: int) -> frozenset[dt.date]:
        """The listed rush dates of a year, plus the yearly ones for years the file does not cover."""
        return frozenset(day for day in self.rush if day.year == year) | frozenset(fixed_rush_names(year))


@cache
def bundled_calendar() -> WorkCalendar:
    """The calendar shipped with the service (read once per process)."""
    text = files("marriage.data").joinpath(CALENDAR_FILE).read_text(encoding="utf-8")
    return WorkCalendar.from_csv_text(text)
