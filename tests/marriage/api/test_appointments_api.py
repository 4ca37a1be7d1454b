"""Offices, special dates and appointments over gRPC: capacity per day, rush dates, races on the last slot."""
import asyncio
import datetime as dt

import grpc
import pytest
from civic.marriage.v1 import resources_pb2 as pb
from servicekit.testing.plugin import unique

from tests.marriage.integration.marriage_support import (
    REGISTRAR,
    audit_rows,
    office_code,
    reason_of,
    register_request,
    stub,
    violations_of,
)

WORKDAY = "2024-03-05"  # a Tuesday after the clock's 2024-03-01


async def new_office(service, secrets, capacity: int) -> str:
    code = office_code()
    office = await stub(service).UpsertOffice(pb.UpsertOfficeRequest(request_id=unique("o-"), office=pb.Office(
        office_code=code, display_name=f"测试婚姻登记处{code}", opens_at="08:30", closes_at="17:00",
        daily_capacity=capacity)), metadata=secrets.caller_metadata(*REGISTRAR))
    assert office.name == f"offices/{code}"
    return code


async def book(service, secrets, office: str, day: str = WORKDAY) -> pb.Appointment:
    return await stub(service).CreateAppointment(pb.CreateAppointmentRequest(
        request_id=unique("b-"), appointment=pb.Appointment(
            office_code=office, date=day, kind=pb.APPOINTMENT_KIND_MARRIAGE, contact_name="王小明",
            contact_phone="13812345678")), metadata=secrets.caller_metadata(*REGISTRAR))


async def day(service, secrets, office: str, date: str) -> pb.ListAppointmentsResponse:
    return await stub(service).ListAppointments(pb.ListAppointmentsRequest(office_code=office, date=date),
                                                metadata=secrets.caller_metadata(*REGISTRAR))


async def test_the_seeded_chibi_office(marriage, secrets):
    offices = await stub(marriage).ListOffices(pb.ListOfficesRequest(page_size=1000),
                                               metadata=secrets.caller_metadata("supervisor"))
    chibi = next(o for o in offices.offices if o.office_code == "421281")
    assert (chibi.display_name, chibi.opens_at, chibi.closes_at, chibi.daily_capacity) == \
        ("赤壁市婚姻登记处", "08:30", "17:00", 40)


async def test_a_booking_with_a_number_no_phone_could_have_is_refused_at_the_field(marriage, secrets):
    office = await new_office(marriage, secrets, capacity=5)
    request = pb.CreateAppointmentRequest(request_id=unique("b-"), appointment=pb.Appointment(
        office_code=office, date=WORKDAY, kind=pb.APPOINTMENT_KIND_MARRIAGE, contact_name="王小明",
        contact_phone="12345"))
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub(marriage).CreateAppointment(request, metadata=secrets.caller_metadata(*REGISTRAR))
    assert (err.value.code(), reason_of(err.value)) == (grpc.StatusCode.INVALID_ARGUMENT, "INVALID_PHONE")
    assert violations_of(err.value) == ["appointment.contact_phone"]
    assert (await day(marriage, secrets, office, WORKDAY)).appointments == []
    request.request_id, request.appointment.contact_phone = unique("b-"), "０７１５-５３２１２３４"
    booked = await stub(marriage).CreateAppointment(request, metadata=secrets.caller_metadata(*REGISTRAR))
    assert booked.contact_phone == "071****1234"


async def test_a_full_day_refuses_and_a_cancellation_frees_a_place(marriage, secrets):
    office = await new_office(marriage, secrets, capacity=2)
    first = await book(marriage, secrets, office)
    second = await book(marriage, secrets, office)
    assert (first.queue_number, second.queue_number) == (1, 2)
    assert first.contact_name == "王**" and first.contact_phone == "138****5678"
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await book(marriage, secrets, office)
    assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED and reason_of(err.value) == "CAPACITY_EXHAUSTED"
    cancelled = await stub(marriage).CancelAppointment(pb.CancelAppointmentRequest(
        request_id=unique("c-"), name=first.name), metadata=secrets.caller_metadata(*REGISTRAR))
    assert cancelled.state == pb.APPOINTMENT_STATE_CANCELLED
    third = await book(marriage, secrets, office)
    assert third.queue_number == 3
    listed = await day(marriage, secrets, office, WORKDAY)
    assert (listed.capacity, listed.booked, listed.opens_at, listed.closes_at) == (2, 2, "08:30", "17:00")
    assert [a.queue_number for a in listed.appointments] == [1, 2, 3]
    assert [a.action for a in await audit_rows(marriage, first.name)] == ["appointment.book", "appointment.cancel"]


async def test_rush_dates_open_longer_with_double_capacity_and_rest_days_are_closed(marriage, secrets):
    office = await new_office(marriage, secrets, capacity=3)
    may20 = await day(marriage, secrets, office, "2024-05-20")
    assert (may20.capacity, may20.day_label, may20.opens_at, may20.closes_at) == (6, "5·20", "08:00", "18:00")
    qixi = await day(marriage, secrets, office, "2024-08-10")  # a Saturday: open because it is 七夕
    assert (qixi.capacity, qixi.day_label) == (6, "七夕")
    sunday = await day(marriage, secrets, office, "2024-03-10")
    assert (sunday.capacity, sunday.day_label) == (0, "法定休假日")
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await book(marriage, secrets, office, "2024-03-10")
    assert reason_of(err.value) == "OFFICE_CLOSED"
    special = await stub(marriage).AddSpecialDate(pb.AddSpecialDateRequest(
        request_id=unique("s-"), office_code=office, special_date=pb.SpecialDate(
            date="2024-03-10", label="集体婚礼", opens_at="09:00", closes_at="16:00", capacity=5)),
        metadata=secrets.caller_metadata("admin"))
    assert special.capacity == 5
    sunday = await day(marriage, secrets, office, "2024-03-10")
    assert (sunday.capacity, sunday.day_label, sunday.opens_at) == (5, "集体婚礼", "09:00")
    assert (await book(marriage, secrets, office, "2024-03-10")).queue_number == 1


async def test_racing_bookings_on_the_last_place_give_it_to_exactly_one(marriage, secrets):
    office = await new_office(marriage, secrets, capacity=3)
    await book(marriage, secrets, office)
    await book(marriage, secrets, office)
    results = await asyncio.gather(*(book(marriage, secrets, office) for _ in range(12)), return_exceptions=True)
    won = [r for r in results if isinstance(r, pb.Appointment)]
    lost = [r for r in results if isinstance(r, grpc.aio.AioRpcError)]
    assert len(won) == 1 and len(lost) == 11
    assert {reason_of(e) for e in lost} == {"CAPACITY_EXHAUSTED"}
    listed = await day(marriage, secrets, office, WORKDAY)
    assert listed.booked == 3 and len(listed.appointments) == 3


async def test_registering_serves_the_appointment(marriage, secrets, fake_clock):
    office = await new_office(marriage, secrets, capacity=5)
    appointment = await book(marriage, secrets, office)
    fake_clock.set(dt.date.fromisoformat(WORKDAY))  # the couple come on the day they booked
    await stub(marriage).RegisterMarriage(register_request(office=office, appointment=appointment.name),
                                          metadata=secrets.caller_metadata(*REGISTRAR))
    listed = await day(marriage, secrets, office, WORKDAY)
    assert listed.appointments[0].state == pb.APPOINTMENT_STATE_SERVED
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub(marriage).CancelAppointment(pb.CancelAppointmentRequest(
            request_id=unique("c-"), name=appointment.name), metadata=secrets.caller_metadata(*REGISTRAR))
    assert reason_of(err.value) == "APPOINTMENT_NOT_BOOKED"


async def test_a_booking_serves_only_a_marriage_registration_on_its_own_day(marriage, secrets, fake_clock):
    """A divorce booking does not stand for a marriage registration, nor another day's booking for
    today's: the registration is refused, nothing is written, and the booking stays as it was."""
    office = await new_office(marriage, secrets, capacity=5)
    divorce = await stub(marriage).CreateAppointment(pb.CreateAppointmentRequest(
        request_id=unique("b-"), appointment=pb.Appointment(
            office_code=office, date=WORKDAY, kind=pb.APPOINTMENT_KIND_DIVORCE, contact_name="王小明")),
        metadata=secrets.caller_metadata(*REGISTRAR))
    tomorrows = await book(marriage, secrets, office, "2024-03-06")
    fake_clock.set(dt.date.fromisoformat(WORKDAY))
    for appointment, reason, words in ((divorce, "APPOINTMENT_KIND_MISMATCH", "离婚登记预约"),
                                       (tomorrows, "APPOINTMENT_NOT_TODAY", "2024-03-06")):
        request = register_request(office=office, appointment=appointment.name)
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await stub(marriage).RegisterMarriage(request, metadata=secrets.caller_metadata(*REGISTRAR))
        assert (err.value.code(), reason_of(err.value)) == (grpc.StatusCode.FAILED_PRECONDITION, reason)
        assert words in err.value.details()
        status = await stub(marriage).GetMaritalStatus(pb.GetMaritalStatusRequest(
            id_type=pb.ID_TYPE_RESIDENT_ID, id_number=request.parties[0].id_number),
            metadata=secrets.caller_metadata(*REGISTRAR))
        assert status.status == pb.MARITAL_STATUS_UNMARRIED  # not registered
    assert [a.state for a in (await day(marriage, secrets, office, WORKDAY)).appointments] == \
        [pb.APPOINTMENT_STATE_BOOKED]
    assert [a.state for a in (await day(marriage, secrets, office, "2024-03-06")).appointments] == \
        [pb.APPOINTMENT_STATE_BOOKED]


async def test_a_save_over_settings_changed_since_they_were_read_is_refused(marriage, secrets):
    """Office.etag (AIP-154): two people edit the same office from the same reading — the second save
    is refused ABORTED OFFICE_CHANGED instead of silently writing the first one's change back, and
    changes nothing; read again, it goes through. Without an etag a save replaces the settings."""
    code = await new_office(marriage, secrets, capacity=40)
    md = secrets.caller_metadata(*REGISTRAR)
    read = (await stub(marriage).ListOffices(pb.ListOfficesRequest(page_size=1000), metadata=md))
    office = next(o for o in read.offices if o.office_code == code)
    assert len(office.etag) == 16

    def edited(**changes) -> pb.UpsertOfficeRequest:
        copy = pb.Office()
        copy.CopyFrom(office)
        for key, value in changes.items():
            setattr(copy, key, value)
        return pb.UpsertOfficeRequest(request_id=unique("o-"), office=copy)

    first = await stub(marriage).UpsertOffice(edited(daily_capacity=60), metadata=md)
    assert first.daily_capacity == 60 and first.etag != office.etag
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub(marriage).UpsertOffice(edited(opens_at="09:00"), metadata=md)  # read before the first save
    assert err.value.code() == grpc.StatusCode.ABORTED and reason_of(err.value) == "OFFICE_CHANGED"
    now = next(o for o in (await stub(marriage).ListOffices(pb.ListOfficesRequest(page_size=1000), metadata=md)).offices
               if o.office_code == code)
    assert (now.daily_capacity, now.opens_at, now.etag) == (60, "08:30", first.etag)
    office = now
    again = await stub(marriage).UpsertOffice(edited(opens_at="09:00"), metadata=md)
    assert (again.daily_capacity, again.opens_at) == (60, "09:00")
    unchecked = await stub(marriage).UpsertOffice(edited(etag="", daily_capacity=30), metadata=md)
    assert unchecked.daily_capacity == 30 and unchecked.opens_at == "08:30"  # the whole office, as sent


async def test_offices_outside_the_jurisdiction_are_denied(marriage, secrets):
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub(marriage).CreateAppointment(pb.CreateAppointmentRequest(
            request_id=unique("b-"), appointment=pb.Appointment(
                office_code="421281", date=WORKDAY, kind=pb.APPOINTMENT_KIND_MARRIAGE, contact_name="王小明")),
            metadata=secrets.caller_metadata(*REGISTRAR, jurisdiction="420102"))
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED and reason_of(err.value) == "OUT_OF_JURISDICTION"
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub(marriage).AddSpecialDate(pb.AddSpecialDateRequest(
            request_id=unique("s-"), office_code="421281", special_date=pb.SpecialDate(date="2024-12-31")),
            metadata=secrets.caller_metadata(*REGISTRAR))
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED and reason_of(err.value) == "PERMISSION_DENIED"


async def test_bookings_on_days_a_later_holiday_notice_closes_are_reported(marriage, secrets):
    """A release whose calendar makes booked days holidays: the days are listed for the window to call
    the couples (not cancelled); a day the office opens specially, or a rush date, stays open."""
    from marriage.app.calendar_updates import bookings_on_closed_days
    from marriage.domain.calendar import WorkCalendar, bundled_calendar

    office = await new_office(marriage, secrets, 10)
    for date in ("2024-03-05", "2024-03-05", "2024-03-06", "2024-03-07"):
        await book(marriage, secrets, office, date)
    await stub(marriage).AddSpecialDate(pb.AddSpecialDateRequest(
        request_id=unique("s-"), office_code=office, special_date=pb.SpecialDate(
            date="2024-03-07", label="集体婚礼", opens_at="09:00", closes_at="16:00", capacity=5)),
        metadata=secrets.caller_metadata("admin"))
    cancelled = await book(marriage, secrets, office, "2024-03-06")
    await stub(marriage).CancelAppointment(pb.CancelAppointmentRequest(request_id=unique("c-"), name=cancelled.name),
                                           metadata=secrets.caller_metadata(*REGISTRAR))
    bundled = bundled_calendar()
    notice = WorkCalendar(bundled.holidays | {dt.date(2024, 3, d) for d in (5, 6, 7)}, bundled.make_up_workdays,
                          bundled.rush)

    def mine(found):
        return [(day.isoformat(), n) for code, day, n in found if code == office]

    assert mine(await bookings_on_closed_days(marriage.infra.uow, bundled, dt.date(2024, 3, 1))) == []
    assert mine(await bookings_on_closed_days(marriage.infra.uow, notice, dt.date(2024, 3, 1))) == [
        ("2024-03-05", 2), ("2024-03-06", 1)]
    assert mine(await bookings_on_closed_days(marriage.infra.uow, notice, dt.date(2024, 3, 6))) == [("2024-03-06", 1)]
