"""Opening hours and booking capacity of a registry, day by day (预约, rules.md §1.10).

Rest days are closed except rush dates (2·14, 5·20, 5·21, 七夕) and dates an administrator adds;
those open with extended hours and a multiple of the usual capacity, on any day of the week.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass

from servicekit.errors import aborted, exhausted, invalid, precondition

from marriage.domain.calendar import WorkCalendar


# A contact number the office can call back: a mainland mobile (11 digits), a landline with its area
# code (0715-5321234), or an international one (+852 …, +1 …). Separators are dropped.
_PHONE_FORMS = (re.compile(r"1[3-9][0-9]{9}"), re.compile(r"0[1-9][0-9]{1,2}[2-9][0-9]{6,7}"),
                re.compile(r"\+[1-9][0-9]{6,14}"))
_SEPARATORS = re.compile(r"[\s\-()（）]")


def contact_phone(raw: str) -> str:
    """The booking's contact number, normalized (full-width digits from a Chinese input method become
    ASCII, separators go), or '' when none is given; a number no phone could have is refused."""
    number = _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw))
    if number and not any(form.fullmatch(number) for form in _PHONE_FORMS):
        raise invalid("INVALID_PHONE", "联系电话应为11位手机号码、带区号的固定电话（如0715-5321234）或以+开头的国际号码",
                      "appointment.contact_phone")
    return number


@dataclass(frozen=True)
class OfficeHours:
    opens: dt.time
    closes: dt.time
    capacity: int  # bookings per ordinary working day
    rush_opens: dt.time
    rush_closes: dt.time
    rush_multiplier: int = 2

    def __post_init__(self) -> None:
        if not (self.opens < self.closes and self.rush_opens < self.rush_closes):
            raise invalid("INVALID_OPENING_HOURS", "办公时间的开始时间须早于结束时间", "hours")
        if self.capacity < 1 or self.rush_multiplier < 1:
            raise invalid("INVALID_CAPACITY", "每日预约名额和热门日倍数须为正整数", "capacity")


def hours_etag(name: str, hours: OfficeHours, foreign_cases: bool) -> str:
    """The version of an office's settings: the same settings give the same etag (whoever saved
    them, and however often), other settings another (UpsertOffice's check against lost updates)."""
    fields = (name, hours.opens.isoformat(), hours.closes.isoformat(), hours.capacity, hours.rush_opens.isoformat(),
              hours.rush_closes.isoformat(), hours.rush_multiplier, foreign_cases)
    return hashlib.sha256(repr(fields).encode()).hexdigest()[:16]


def check_etag(given: str, current: str) -> None:
    """A save that says which version it was read with is refused when that is no longer the current one."""
    if given and given != current:
        raise aborted("OFFICE_CHANGED", "该登记机关的设置已被他人修改：请重新打开本页，查看最新设置后再修改（本次未作任何更改）",
                      etag=current)


@dataclass(frozen=True)
class DayPlan:
    day: dt.date
    opens: dt.time | None
    closes: dt.time | None
    capacity: int
    rush: bool

    @property
    def is_open(self) -> bool:
        return self.capacity > 0


def day_plan(office: OfficeHours, day: dt.date, cal: WorkCalendar,
             special_dates: Collection[dt.date] = ()) -> DayPlan:
    """Hours and capacity of ``office`` on ``day``."""
    if day in special_dates or day in cal.rush_dates(day.year):
        capacity = office.capacity * office.rush_multiplier
        return DayPlan(day, office.rush_opens, office.rush_closes, capacity, True)
    if cal.is_rest_day(day):
        return DayPlan(day, None, None, 0, False)
    return DayPlan(day, office.opens, office.closes, office.capacity, False)


def check_capacity(booked: int, capacity: int) -> None:
    """Refuse a booking once every place of the day is taken."""
    if booked >= capacity:
        raise exhausted("CAPACITY_EXHAUSTED", "当日预约名额已满，请选择其他日期", capacity=str(capacity))


def check_bookable(plan: DayPlan, booked: int) -> None:
    """A booking is possible on an open day with a place left."""
    if not plan.is_open:
        raise precondition("OFFICE_CLOSED", f"{plan.day} 为休息日，婚姻登记机关不办公",
                           day=plan.day.isoformat())
    check_capacity(booked, plan.capacity)


# ListSpecialDates: a year from the first day unless asked otherwise, two at most (731 days: a
# period starting on 29 February or spanning one still fits).
SPECIAL_DATES_SPAN = dt.timedelta(days=731)


def a_year_on(day: dt.date) -> dt.date:
    """The same date a year later (29 February → 1 March)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return dt.date(day.year + 1, 3, 1)


def check_special_dates_period(d_from: dt.date, d_to: dt.date) -> None:
    """A period of special dates to list: in order, and two years at most."""
    if d_from > d_to:
        raise invalid("INVALID_DATE_RANGE", "查询期间的开始日期不能晚于结束日期，请重新选择", "from_date")
    if d_to - d_from > SPECIAL_DATES_SPAN:
        raise invalid("DATE_RANGE_TOO_LONG",
                      f"查询期间最长两年（{SPECIAL_DATES_SPAN.days} 天）：请缩短期间，分次查询", "to_date")


APPOINTMENT_STATE_WORDS = {"BOOKED": "已预约", "CANCELLED": "已取消", "SERVED": "已办理"}
APPOINTMENT_KIND_WORDS = {"MARRIAGE": "结婚登记", "DIVORCE": "离婚登记", "REISSUE": "补领婚姻登记证"}


def check_servable(kind: str, day: dt.date, wanted_kind: str, today: dt.date) -> None:
    """A booking is served by the business it was made for, on its own day: a divorce or a 补领
    booking does not stand for a marriage registration, nor yesterday's missed one for today's
    (that couple is registered without it, or books again)."""
    if kind != wanted_kind:
        raise precondition("APPOINTMENT_KIND_MISMATCH",
                           f"该预约为{APPOINTMENT_KIND_WORDS.get(kind, kind)}预约，不能用于"
                           f"{APPOINTMENT_KIND_WORDS.get(wanted_kind, wanted_kind)}", kind=kind)
    if day != today:
        raise precondition("APPOINTMENT_NOT_TODAY",
                           f"该预约的日期为 {day.isoformat()}，不是今天（{today.isoformat()}）；"
                           "可不关联预约直接办理", date=day.isoformat())
