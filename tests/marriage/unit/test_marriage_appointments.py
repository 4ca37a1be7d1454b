import datetime as dt

import pytest
from marriage.domain.appointments import (
    DayPlan,
    OfficeHours,
    a_year_on,
    check_bookable,
    check_capacity,
    check_etag,
    check_servable,
    check_special_dates_period,
    contact_phone,
    day_plan,
    hours_etag,
)
from servicekit.errors import DomainError, ErrorKind

D, T = dt.date, dt.time
OFFICE = OfficeHours(T(8, 30), T(17, 0), 40, T(7, 30), T(19, 0), rush_multiplier=3)


def test_ordinary_working_day(cal):
    assert day_plan(OFFICE, D(2024, 6, 12), cal) == DayPlan(D(2024, 6, 12), T(8, 30), T(17, 0), 40, False)


@pytest.mark.parametrize("day", [D(2024, 6, 15), D(2024, 10, 1)])
def test_weekends_and_holidays_are_closed(cal, day):
    plan = day_plan(OFFICE, day, cal)
    assert (plan.is_open, plan.capacity, plan.opens) == (False, 0, None)


def test_make_up_working_saturday_is_an_ordinary_day(cal):
    assert day_plan(OFFICE, D(2024, 10, 12), cal).capacity == 40


@pytest.mark.parametrize("day", [
    D(2024, 5, 20),  # 5·20, Monday
    D(2024, 2, 14),  # 2·14 inside the Spring Festival holiday
    D(2027, 8, 8),  # 七夕 on a Sunday
])
def test_rush_dates_open_longer_with_more_places(cal, day):
    assert day_plan(OFFICE, day, cal) == DayPlan(day, T(7, 30), T(19, 0), 120, True)


def test_administrator_added_date_is_a_rush_date(cal):
    assert day_plan(OFFICE, D(2024, 6, 16), cal, {D(2024, 6, 16)}).rush


def test_last_place_can_be_booked_then_the_day_is_full():
    check_capacity(39, 40)
    with pytest.raises(DomainError) as caught:
        check_capacity(40, 40)
    assert (caught.value.reason, caught.value.kind) == ("CAPACITY_EXHAUSTED", ErrorKind.RESOURCE_EXHAUSTED)


def test_closed_day_cannot_be_booked(cal):
    with pytest.raises(DomainError) as caught:
        check_bookable(day_plan(OFFICE, D(2024, 10, 1), cal), 0)
    assert caught.value.reason == "OFFICE_CLOSED"
    check_bookable(day_plan(OFFICE, D(2024, 5, 20), cal), 119)


@pytest.mark.parametrize(("hours", "reason"), [
    ((T(17, 0), T(8, 30), 40, T(7, 30), T(19, 0)), "INVALID_OPENING_HOURS"),
    ((T(8, 30), T(17, 0), 0, T(7, 30), T(19, 0)), "INVALID_CAPACITY"),
])
def test_office_hours_are_checked(hours, reason):
    with pytest.raises(DomainError) as caught:
        OfficeHours(*hours)
    assert caught.value.reason == reason


@pytest.mark.parametrize(("typed", "kept"), [
    ("13812345678", "13812345678"),
    ("138 1234 5678", "13812345678"),
    ("１３８１２３４５６７８", "13812345678"),  # full-width digits from a Chinese input method
    ("0715-5321234", "07155321234"),
    ("(027) 8765 4321", "02787654321"),
    ("+852 9123 4567", "+85291234567"),
    ("", ""),
])
def test_a_contact_number_is_kept_in_one_form(typed, kept):
    assert contact_phone(typed) == kept


@pytest.mark.parametrize("typed", ["12345", "1381234567", "138123456789", "23812345678", "0715-12", "电话",
                                   "+0123456789", "13812345678x"])
def test_a_number_no_phone_could_have_is_refused(typed):
    with pytest.raises(DomainError) as caught:
        contact_phone(typed)
    assert (caught.value.reason, caught.value.kind) == ("INVALID_PHONE", ErrorKind.INVALID_ARGUMENT)
    assert [v.field for v in caught.value.violations] == ["appointment.contact_phone"]


@pytest.mark.parametrize(("kind", "day", "reason"), [
    ("DIVORCE", D(2024, 3, 5), "APPOINTMENT_KIND_MISMATCH"),
    ("REISSUE", D(2024, 3, 5), "APPOINTMENT_KIND_MISMATCH"),
    ("MARRIAGE", D(2024, 3, 4), "APPOINTMENT_NOT_TODAY"),
    ("MARRIAGE", D(2024, 3, 6), "APPOINTMENT_NOT_TODAY"),
])
def test_a_booking_is_served_by_its_own_business_on_its_own_day(kind, day, reason):
    check_servable("MARRIAGE", D(2024, 3, 5), "MARRIAGE", D(2024, 3, 5))
    with pytest.raises(DomainError) as caught:
        check_servable(kind, day, "MARRIAGE", D(2024, 3, 5))
    assert (caught.value.reason, caught.value.kind) == (reason, ErrorKind.FAILED_PRECONDITION)
    assert "预约" in caught.value.message


@pytest.mark.parametrize(("day", "year_on"), [(D(2024, 3, 1), D(2025, 3, 1)), (D(2024, 2, 29), D(2025, 3, 1)),
                                               (D(2025, 12, 31), D(2026, 12, 31))])
def test_a_year_on_is_the_same_date_a_year_later(day, year_on):
    assert a_year_on(day) == year_on


@pytest.mark.parametrize("days", [0, 1, 365, 731])
def test_a_special_dates_period_of_up_to_731_days_is_listed(days):
    check_special_dates_period(D(2024, 3, 1), D(2024, 3, 1) + dt.timedelta(days=days))


@pytest.mark.parametrize(("start", "end", "reason", "field"), [
    (D(2024, 3, 2), D(2024, 3, 1), "INVALID_DATE_RANGE", "from_date"),
    (D(2024, 3, 1), D(2024, 3, 1) + dt.timedelta(days=732), "DATE_RANGE_TOO_LONG", "to_date"),
])
def test_a_reversed_or_longer_period_is_refused_at_its_field(start, end, reason, field):
    with pytest.raises(DomainError) as err:
        check_special_dates_period(start, end)
    assert (err.value.kind, err.value.reason, err.value.violations[0].field) == (ErrorKind.INVALID_ARGUMENT, reason, field)


def test_an_offices_etag_is_its_settings_version():
    """The same settings give the same etag whoever saves them; any one setting changed gives another;
    a save read with an old etag is refused ABORTED, one without an etag is not checked."""
    base = hours_etag("赤壁市婚姻登记处", OFFICE, False)
    assert hours_etag("赤壁市婚姻登记处", OfficeHours(T(8, 30), T(17, 0), 40, T(7, 30), T(19, 0), rush_multiplier=3),
                      False) == base
    others = {hours_etag("赤壁市民政局婚姻登记处", OFFICE, False), hours_etag("赤壁市婚姻登记处", OFFICE, True)}
    for changed in (OfficeHours(T(9, 0), T(17, 0), 40, T(7, 30), T(19, 0), 3),
                    OfficeHours(T(8, 30), T(17, 30), 40, T(7, 30), T(19, 0), 3),
                    OfficeHours(T(8, 30), T(17, 0), 41, T(7, 30), T(19, 0), 3),
                    OfficeHours(T(8, 30), T(17, 0), 40, T(7, 0), T(19, 0), 3),
                    OfficeHours(T(8, 30), T(17, 0), 40, T(7, 30), T(20, 0), 3),
                    OfficeHours(T(8, 30), T(17, 0), 40, T(7, 30), T(19, 0), 2)):
        others.add(hours_etag("赤壁市婚姻登记处", changed, False))
    assert base not in others and len(others) == 8
    check_etag(base, base)
    check_etag("", base)
    with pytest.raises(DomainError) as err:
        check_etag(base, hours_etag("赤壁市婚姻登记处", OFFICE, True))
    assert err.value.kind is ErrorKind.ABORTED and err.value.reason == "OFFICE_CHANGED"
