"""ListSpecialDates: an office's coming special dates — the calendar's rush dates (2·14, 5·20, 5·21,
七夕 by the lunar calendar; rules.md §1.10 peak days) and those an administrator added — each with
the hours and capacity a booking on it gets (the same plan ListAppointments gives the day)."""
import grpc
import pytest
from civic.marriage.v1 import resources_pb2 as pb
from servicekit.testing.plugin import unique

from tests.marriage.api.test_appointments_api import day, new_office
from tests.marriage.integration.marriage_support import REGISTRAR, reason_of, stub, violations_of


async def listed(service, secrets, office: str, from_date: str = "", to_date: str = "", *,
                 roles=REGISTRAR, **caller) -> pb.ListSpecialDatesResponse:
    return await stub(service).ListSpecialDates(pb.ListSpecialDatesRequest(
        office_code=office, from_date=from_date, to_date=to_date), metadata=secrets.caller_metadata(*roles, **caller))


def dates(found: pb.ListSpecialDatesResponse) -> list[tuple]:
    return [(d.date, d.label, d.opens_at, d.closes_at, d.capacity, d.built_in, d.added) for d in found.special_dates]


async def add(service, secrets, office: str, date: str, **fields) -> pb.SpecialDate:
    return await stub(service).AddSpecialDate(pb.AddSpecialDateRequest(
        request_id=unique("s-"), office_code=office, special_date=pb.SpecialDate(date=date, **fields)),
        metadata=secrets.caller_metadata("supervisor"))


async def test_a_year_lists_2_14_5_20_5_21_and_qixi_by_the_lunar_calendar(marriage, secrets):
    office = await new_office(marriage, secrets, capacity=3)
    rush = ("08:00", "18:00", 6, True, False)  # the office's rush hours, twice its capacity
    assert dates(await listed(marriage, secrets, office, "2027-01-01", "2027-12-31")) == [
        ("2027-02-14", "2·14", *rush), ("2027-05-20", "5·20", *rush), ("2027-05-21", "5·21", *rush),
        ("2027-08-08", "七夕", *rush)]
    assert [(d.date, d.label) for d in (await listed(marriage, secrets, office, "2026-06-01", "2026-12-31"))
            .special_dates] == [("2026-08-19", "七夕")]
    # Beyond the holiday file's years 七夕 is still computed (2028: 七月初七 is 26 August).
    assert [(d.date, d.label) for d in (await listed(marriage, secrets, office, "2028-08-01", "2028-08-31"))
            .special_dates] == [("2028-08-26", "七夕")]
    # The plan a booking gets on the day is the one listed.
    qixi = await day(marriage, secrets, office, "2027-08-08")
    assert (qixi.day_label, qixi.opens_at, qixi.closes_at, qixi.capacity) == ("七夕", "08:00", "18:00", 6)


async def test_an_added_date_shows_with_its_hours_and_capacity(marriage, secrets):
    office = await new_office(marriage, secrets, capacity=3)
    await add(marriage, secrets, office, "2024-06-15", label="集体婚礼", opens_at="09:00", closes_at="16:00",
              capacity=5)
    await add(marriage, secrets, office, "2024-05-20", capacity=10)  # a rush date given more places
    await add(marriage, secrets, office, "2025-06-01", label="周年庆")  # a year and more away
    found = await listed(marriage, secrets, office)  # today (the clock's 2024-03-01) to a year on
    assert (found.from_date, found.to_date) == ("2024-03-01", "2025-03-01")
    assert dates(found) == [
        ("2024-05-20", "5·20", "08:00", "18:00", 10, True, True),
        ("2024-05-21", "5·21", "08:00", "18:00", 6, True, False),
        ("2024-06-15", "集体婚礼", "09:00", "16:00", 5, False, True),
        ("2024-08-10", "七夕", "08:00", "18:00", 6, True, False),
        ("2025-02-14", "2·14", "08:00", "18:00", 6, True, False)]
    for listed_day in found.special_dates:
        booked = await day(marriage, secrets, office, listed_day.date)
        assert (booked.day_label, booked.opens_at, booked.closes_at, booked.capacity) == \
            (listed_day.label, listed_day.opens_at, listed_day.closes_at, listed_day.capacity)
    later = await listed(marriage, secrets, office, "2025-05-01", "2025-06-30")
    assert [(d.date, d.label, d.capacity, d.added) for d in later.special_dates] == [
        ("2025-05-20", "5·20", 6, False), ("2025-05-21", "5·21", 6, False), ("2025-06-01", "周年庆", 6, True)]
    # Page by page, as every list: the same dates, each once.
    paged, token = [], ""
    while True:
        page = await stub(marriage).ListSpecialDates(pb.ListSpecialDatesRequest(
            office_code=office, page_size=2, page_token=token), metadata=secrets.caller_metadata(*REGISTRAR))
        paged += [d.date for d in page.special_dates]
        if not (token := page.next_page_token):
            break
    assert paged == [d.date for d in found.special_dates]
    # An office's added dates are its own.
    other = await new_office(marriage, secrets, capacity=3)
    assert [d.date for d in (await listed(marriage, secrets, other, "2024-06-01", "2024-06-30")).special_dates] == []


async def test_the_period_is_in_order_and_two_years_at_most(marriage, secrets):
    office = await new_office(marriage, secrets, capacity=3)
    two_years = await listed(marriage, secrets, office, "2025-01-01", "2027-01-01")  # 730 days
    assert two_years.special_dates[0].date == "2025-02-14" and two_years.special_dates[-1].date == "2026-08-19"
    assert len(two_years.special_dates) == 8
    await listed(marriage, secrets, office, "2024-03-01", "2026-03-02")  # 731 days: the longest
    for from_date, to_date, reason, field in (
            ("2024-03-02", "2024-03-01", "INVALID_DATE_RANGE", "from_date"),
            ("2024-03-01", "2026-03-03", "DATE_RANGE_TOO_LONG", "to_date"),
            ("2024-13-01", "", "INVALID_DATE", "from_date")):
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await listed(marriage, secrets, office, from_date, to_date)
        assert (err.value.code(), reason_of(err.value)) == (grpc.StatusCode.INVALID_ARGUMENT, reason)
        assert violations_of(err.value) == [field]


async def test_who_reads_an_offices_special_dates(marriage, secrets):
    office = await new_office(marriage, secrets, capacity=3)
    for roles in (("marriage_counselor",), ("supervisor",), ("admin",)):
        assert len((await listed(marriage, secrets, office, roles=roles)).special_dates) == 4
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await listed(marriage, secrets, office, roles=("auditor",))
    assert (err.value.code(), reason_of(err.value)) == (grpc.StatusCode.PERMISSION_DENIED, "PERMISSION_DENIED")
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await listed(marriage, secrets, "421281", jurisdiction="420102")
    assert reason_of(err.value) == "OUT_OF_JURISDICTION"
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await listed(marriage, secrets, "430102")  # office_code() makes 42xxyy only
    assert (err.value.code(), reason_of(err.value)) == (grpc.StatusCode.NOT_FOUND, "OFFICE_NOT_FOUND")
