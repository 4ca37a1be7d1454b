"""One year of the work calendar as the window reads it (GetWorkCalendar): its holidays and make-up
working days with their names, its rush dates, and whether the year's State Council notice is in the
calendar at all. A year without it lists the days the law fixes (``statutory_days``) as its holidays
and no make-up working days: the rest days the periods are counted by until the notice is loaded."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from servicekit.errors import invalid

from marriage.domain.calendar import STATUTORY_DAYS_FROM, DayKind, WorkCalendar, fixed_rush_names, statutory_holidays


ADDED_DAY_NAME = "特殊办公日"  # an added special date without a label of its own


@dataclass(frozen=True)
class NamedDay:
    day: dt.date
    name: str
    added: bool = False  # a rush date an administrator added for one office (AddSpecialDate)


@dataclass(frozen=True)
class CalendarYear:
    year: int
    notice_loaded: bool
    notice_source: str  # the notice as the calendar file cites it; '' when not loaded
    holidays: tuple[NamedDay, ...]
    make_up_workdays: tuple[NamedDay, ...]
    rush_dates: tuple[NamedDay, ...]


def _listed(cal: WorkCalendar, kind: DayKind, days: frozenset[dt.date], year: int) -> tuple[NamedDay, ...]:
    return tuple(NamedDay(day, cal.names.get((kind, day), "")) for day in sorted(days) if day.year == year)


def _holidays(cal: WorkCalendar, year: int) -> tuple[NamedDay, ...]:
    if cal.notice_loaded(year):
        return _listed(cal, DayKind.HOLIDAY, cal.holidays, year)
    fixed = statutory_holidays(year) if year >= STATUTORY_DAYS_FROM else {}
    return tuple(NamedDay(day, name) for day, name in sorted(fixed.items()))


def rush_days(cal: WorkCalendar, year: int) -> tuple[NamedDay, ...]:
    """The calendar's rush dates of the year (``WorkCalendar.rush_dates``), named as the file names
    them, else by their yearly names."""
    yearly = fixed_rush_names(year)
    return tuple(NamedDay(day, cal.names.get((DayKind.RUSH, day)) or yearly.get(day, ""))
                 for day in sorted(cal.rush_dates(year)))


FIRST_YEAR, LAST_YEAR = 1900, 2099  # the lunar calendar's range (春节, 七夕…)


def check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise invalid("INVALID_YEAR", f"年份须在 {FIRST_YEAR} 至 {LAST_YEAR} 之间", "year")


def calendar_year(cal: WorkCalendar, year: int) -> CalendarYear:
    check_year(year)
    loaded = cal.notice_loaded(year)
    return CalendarYear(year, loaded, cal.notices.get(year, "") if loaded else "", _holidays(cal, year),
                        _listed(cal, DayKind.MAKE_UP_WORKDAY, cal.make_up_workdays, year), rush_days(cal, year))


def with_added_dates(year: CalendarYear, added: dict[dt.date, str]) -> CalendarYear:
    """The year with an office's added special dates (date → label) among its rush dates: a built-in
    date an administrator also added keeps its name unless the office gave it a label."""
    built_in = {d.day: d.name for d in year.rush_dates}
    days = sorted(built_in.keys() | added.keys())
    return replace(year, rush_dates=tuple(
        NamedDay(day, added.get(day) or built_in.get(day) or ADDED_DAY_NAME, day in added) for day in days))
