"""The work calendar over gRPC (GetWorkCalendar)."""
from __future__ import annotations

import grpc
from civic.marriage.v1 import resources_pb2 as pb

from marriage.api.base import ApiBase
from marriage.app.messages import work_calendar_pb
from marriage.app.work_calendar import work_calendar


class CalendarApi(ApiBase):
    async def GetWorkCalendar(self, request: pb.GetWorkCalendarRequest,
                              context: grpc.aio.ServicerContext) -> pb.WorkCalendar:
        async with self.read() as session:
            year = await work_calendar(session, self.calendar, request.year, request.office_code)
        return work_calendar_pb(year, request.office_code.strip(), self.infra.clock.today(), self.calendar)
