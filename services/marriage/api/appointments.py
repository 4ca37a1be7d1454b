"""Offices, special dates and appointments over gRPC."""
from __future__ import annotations

import grpc
from civic.marriage.v1 import resources_pb2 as pb

from marriage.adapters.appointments import APPOINTMENT_LIST, OFFICE_LIST, SPECIAL_DATE_LIST, SpecialDateRecord
from marriage.api.base import ApiBase
from marriage.api.convert import PB_KIND, optional_time, parse_date, parse_time, resource_id
from marriage.app import appointments as uc
from marriage.app.messages import appointment_pb, hhmm, office_pb, special_date_pb, special_day_pb
from marriage.domain.appointments import a_year_on


class AppointmentsApi(ApiBase):
    async def UpsertOffice(self, request: pb.UpsertOfficeRequest, context: grpc.aio.ServicerContext) -> pb.Office:
        o = request.office
        cmd = uc.UpsertOffice(o.office_code, o.display_name, parse_time(o.opens_at, "office.opens_at"),
                              parse_time(o.closes_at, "office.closes_at"), o.daily_capacity, o.foreign_cases,
                              o.etag.strip())

        async def work(uow):
            return office_pb(await uc.upsert_office(uow, cmd))

        return await self.change("UpsertOffice", request, pb.Office, work)

    async def ListOffices(self, request: pb.ListOfficesRequest,
                          context: grpc.aio.ServicerContext) -> pb.ListOfficesResponse:
        seek = OFFICE_LIST.seek(request)
        async with self.read() as session:
            found, token = await uc.offices(session, seek)
        return pb.ListOfficesResponse(offices=[office_pb(o) for o in found], next_page_token=token)

    async def AddSpecialDate(self, request: pb.AddSpecialDateRequest,
                             context: grpc.aio.ServicerContext) -> pb.SpecialDate:
        s = request.special_date
        sd = SpecialDateRecord(request.office_code or s.office_code, parse_date(s.date, "special_date.date"),
                               s.label, optional_time(s.opens_at, "special_date.opens_at"),
                               optional_time(s.closes_at, "special_date.closes_at"), s.capacity or None)

        async def work(uow):
            return special_date_pb(await uc.add_special_date(uow, sd))

        return await self.change("AddSpecialDate", request, pb.SpecialDate, work)

    async def ListSpecialDates(self, request: pb.ListSpecialDatesRequest,
                               context: grpc.aio.ServicerContext) -> pb.ListSpecialDatesResponse:
        seek = SPECIAL_DATE_LIST.seek(request)
        d_from = parse_date(request.from_date, "from_date", self.infra.clock.today())
        d_to = parse_date(request.to_date, "to_date", a_year_on(d_from))
        async with self.read() as session:
            found = await uc.special_dates(session, self.calendar, request.office_code, d_from, d_to)
        page, token = seek.slice(found, key=lambda d: (d.plan.day,))
        return pb.ListSpecialDatesResponse(special_dates=[special_day_pb(d) for d in page], next_page_token=token,
                                           from_date=d_from.isoformat(), to_date=d_to.isoformat())

    async def CreateAppointment(self, request: pb.CreateAppointmentRequest,
                                context: grpc.aio.ServicerContext) -> pb.Appointment:
        a = request.appointment
        cmd = uc.Booking(a.office_code, parse_date(a.date, "appointment.date"), PB_KIND.get(a.kind, ""),
                         a.contact_name, a.contact_phone)

        async def work(uow):
            return appointment_pb(await uc.book(uow, self.calendar, cmd))

        return await self.change("CreateAppointment", request, pb.Appointment, work)

    async def CancelAppointment(self, request: pb.CancelAppointmentRequest,
                                context: grpc.aio.ServicerContext) -> pb.Appointment:
        appointment_id = resource_id(request.name, "appointments")

        async def work(uow):
            return appointment_pb(await uc.cancel(uow, appointment_id))

        return await self.change("CancelAppointment", request, pb.Appointment, work)

    async def ListAppointments(self, request: pb.ListAppointmentsRequest,
                               context: grpc.aio.ServicerContext) -> pb.ListAppointmentsResponse:
        seek = APPOINTMENT_LIST.seek(request)
        day = parse_date(request.date, "date", self.infra.clock.today())
        async with self.read() as session:
            found = await uc.day_of(session, self.calendar, request.office_code, day, seek)
        return pb.ListAppointmentsResponse(
            appointments=[appointment_pb(a) for a in found.appointments], next_page_token=found.next_page_token,
            capacity=found.plan.capacity, booked=found.booked, opens_at=hhmm(found.plan.opens),
            closes_at=hhmm(found.plan.closes), day_label=found.label)
