"""GetWorkCalendar over gRPC: a year's holidays, make-up working days and rush dates, whether its
State Council notice is loaded, and the periods a divorce accepted today gets; and the divorce
application's periods_provisional while a period reaches a year without its notice."""
import datetime as dt

import grpc
import pytest
from civic.marriage.v1 import resources_pb2 as pb
from servicekit.testing.plugin import unique

from tests.marriage.api.test_appointments_api import new_office
from tests.marriage.api.test_divorce_api import apply, married
from tests.marriage.integration.marriage_support import REGISTRAR, office_code, reason_of, stub

COUNSELOR = ("marriage_counselor",)


async def work_calendar(service, secrets, year: int, office: str = "", *, roles=REGISTRAR,
                        **caller) -> pb.WorkCalendar:
    return await stub(service).GetWorkCalendar(pb.GetWorkCalendarRequest(year=year, office_code=office),
                                               metadata=secrets.caller_metadata(*roles, **caller))


def days(listed) -> dict[str, str]:
    return {d.date: d.name for d in listed}


async def test_2026_has_its_notice_loaded_with_holidays_and_make_up_days(marriage, secrets):
    cal = await work_calendar(marriage, secrets, 2026, roles=COUNSELOR)
    assert cal.year == 2026 and cal.notice_loaded
    assert "国务院办公厅关于2026年部分节假日安排的通知" in cal.notice_source
    assert days(cal.holidays)["2026-10-01"] == "国庆节"
    assert days(cal.make_up_workdays)["2026-02-14"] == "春节"  # a Saturday worked for 春节
    assert "2026-02-14" not in days(cal.holidays)
    assert days(cal.rush_dates) == {
        "2026-02-14": "2·14 情人节（结婚登记热门日）", "2026-05-20": "5·20（结婚登记热门日）",
        "2026-05-21": "5·21（结婚登记热门日）", "2026-08-19": "七夕（农历七月初七，结婚登记热门日）"}


async def test_2027_without_its_notice_keeps_the_laws_fixed_days(marriage, secrets):
    cal = await work_calendar(marriage, secrets, 2027)
    assert not cal.notice_loaded and cal.notice_source == ""
    holidays = days(cal.holidays)
    assert holidays["2027-01-01"] == "元旦" and holidays["2027-10-01"] == "国庆节"
    assert len(holidays) == 13 and not cal.make_up_workdays
    assert list(days(cal.rush_dates)) == ["2027-02-14", "2027-05-20", "2027-05-21", "2027-08-08"]
    assert days(cal.rush_dates)["2027-08-08"].startswith("七夕")


async def test_the_periods_accepted_today_say_when_they_are_provisional(marriage, secrets, fake_clock):
    fake_clock.set(dt.date(2026, 10, 15))
    periods = (await work_calendar(marriage, secrets, 2026)).divorce_periods_today
    assert (periods.accept_date, periods.cooling_off_end_date, periods.issue_deadline_date, periods.provisional) \
        == ("2026-10-15", "2026-11-16", "2026-12-16", False)
    fake_clock.set(dt.date(2026, 12, 2))
    periods = (await work_calendar(marriage, secrets, 2026)).divorce_periods_today
    assert (periods.cooling_off_end_date, periods.issue_deadline_date, periods.provisional) \
        == ("2027-01-04", "2027-02-03", True)


async def test_a_divorce_accepted_today_has_provisional_periods_until_2027s_notice(marriage, secrets, fake_clock):
    office = office_code()
    fake_clock.set(dt.date(2026, 10, 15))
    m, _, _ = await married(marriage, secrets, office)
    settled = await apply(marriage, secrets, m, office)
    assert settled.issue_deadline_date == "2026-12-16" and not settled.periods_provisional
    fake_clock.set(dt.date(2026, 12, 2))  # another couple, accepted today
    m, _, _ = await married(marriage, secrets, office)
    provisional = await apply(marriage, secrets, m, office)
    assert provisional.cooling_off_end_date == "2027-01-04" and provisional.periods_provisional
    read = await stub(marriage).GetDivorceApplication(pb.GetDivorceApplicationRequest(name=provisional.name),
                                                      metadata=secrets.caller_metadata(*REGISTRAR))
    assert read.periods_provisional


async def test_with_an_office_its_added_dates_are_rush_dates(marriage, secrets, fake_clock):
    fake_clock.set(dt.date(2026, 12, 2))
    office = await new_office(marriage, secrets, capacity=3)
    await stub(marriage).AddSpecialDate(pb.AddSpecialDateRequest(
        request_id=unique("s-"), office_code=office, special_date=pb.SpecialDate(date="2027-09-09", label="久久")),
        metadata=secrets.caller_metadata("supervisor"))
    cal = await work_calendar(marriage, secrets, 2027, office)
    assert cal.office_code == office
    assert [(d.date, d.name, d.added) for d in cal.rush_dates][-2:] == [
        ("2027-08-08", "七夕（农历七月初七，结婚登记热门日）", False), ("2027-09-09", "久久", True)]
    assert "2027-09-09" not in days((await work_calendar(marriage, secrets, 2027)).rush_dates)


async def test_refusals(marriage, secrets):
    for call, code, reason in [
        (work_calendar(marriage, secrets, 2100), grpc.StatusCode.INVALID_ARGUMENT, "INVALID_YEAR"),
        (work_calendar(marriage, secrets, 2027, "421281", jurisdiction="420102"), grpc.StatusCode.PERMISSION_DENIED,
         "OUT_OF_JURISDICTION"),
        (work_calendar(marriage, secrets, 2027, roles=("funeral_officer",)), grpc.StatusCode.PERMISSION_DENIED,
         "PERMISSION_DENIED"),
    ]:
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await call
        assert (err.value.code(), reason_of(err.value)) == (code, reason)
