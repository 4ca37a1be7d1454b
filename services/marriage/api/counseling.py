"""Counseling cases and statistics over gRPC."""
from __future__ import annotations

import grpc
from civic.marriage.v1 import resources_pb2 as pb

from marriage.adapters.counseling import CASE_LIST
from marriage.api.base import ApiBase
from marriage.api.convert import (
    PB_CONCERN_KIND,
    PB_OUTCOME,
    PB_VICTIM_HELP,
    optional_resource_id,
    parse_date,
    parse_date_time,
    required_enum,
    resource_id,
)
from marriage.app import counseling as uc
from marriage.app.access import visible_prefix
from marriage.app.messages import counseling_pb
from marriage.app.statistics import statistics
from marriage.domain.counseling import CounselingConcern, PoliceReport


class CounselingApi(ApiBase):
    async def OpenCounselingCase(self, request: pb.OpenCounselingCaseRequest,
                                 context: grpc.aio.ServicerContext) -> pb.CounselingCase:
        c = request.counseling_case
        cmd = uc.OpenCase(c.office_code, parse_date(c.received_date, "counseling_case.received_date",
                                                    self.infra.clock.today()),
                          optional_resource_id(c.divorce_application, "divorceApplications",
                                               "counseling_case.divorce_application"), c.topic)

        async def work(uow):
            opened = await uc.open_case(uow, cmd)
            return counseling_pb(opened.case, opened.topic)

        return await self.change("OpenCounselingCase", request, pb.CounselingCase, work)

    async def AddCounselingSession(self, request: pb.AddCounselingSessionRequest,
                                   context: grpc.aio.ServicerContext) -> pb.CounselingCase:
        case_id = resource_id(request.name, "counselingCases")
        s = request.session
        held_on = parse_date(s.date, "session.date", self.infra.clock.today())

        async def work(uow):
            c = await uc.add_session(uow, case_id, held_on, s.counselor, s.summary)
            return counseling_pb(c.case, c.topic)

        return await self.change("AddCounselingSession", request, pb.CounselingCase, work)

    async def RecordCounselingConcern(self, request: pb.RecordCounselingConcernRequest,
                                      context: grpc.aio.ServicerContext) -> pb.CounselingCase:
        case_id = resource_id(request.name, "counselingCases")
        k = request.concern
        kind = required_enum(PB_CONCERN_KIND, k.kind, "CONCERN_KIND_REQUIRED",
                             "须选择发现的情况（家庭暴力或疑似拐卖、绑架）", "concern.kind")
        r = k.police_report  # without its time, no report (POLICE_REPORT_REQUIRED where one is due)
        report = (PoliceReport(parse_date_time(r.report_time, "concern.police_report.report_time"), r.reference)
                  if r.report_time else None)
        concern = CounselingConcern(kind, parse_date(k.date, "concern.date", self.infra.clock.today()), k.action,
                                    tuple(PB_VICTIM_HELP[h] for h in k.help if h in PB_VICTIM_HELP), report)

        async def work(uow):
            c = await uc.record_concern(uow, case_id, concern)
            return counseling_pb(c.case, c.topic)

        return await self.change("RecordCounselingConcern", request, pb.CounselingCase, work)

    async def CloseCounselingCase(self, request: pb.CloseCounselingCaseRequest,
                                  context: grpc.aio.ServicerContext) -> pb.CounselingCase:
        case_id = resource_id(request.name, "counselingCases")
        outcome = required_enum(PB_OUTCOME, request.outcome, "OUTCOME_REQUIRED",
                                "须选择辅导结果（和好、继续离婚或转介）", "outcome")
        closed_on = parse_date(request.close_date, "close_date", self.infra.clock.today())

        async def work(uow):
            c = await uc.close_case(uow, case_id, outcome, closed_on)
            return counseling_pb(c.case, c.topic)

        return await self.change("CloseCounselingCase", request, pb.CounselingCase, work)

    async def ListCounselingCases(self, request: pb.ListCounselingCasesRequest,
                                  context: grpc.aio.ServicerContext) -> pb.ListCounselingCasesResponse:
        seek = CASE_LIST.seek(request)
        prefix = visible_prefix(request.office_code)
        async with self.read() as session:
            found, token = await uc.list_cases(
                session, prefix, request.open_only, seek, with_concern=request.with_concern,
                concern=PB_CONCERN_KIND.get(request.concern_kind))
        return pb.ListCounselingCasesResponse(cases=[counseling_pb(c.case, c.topic) for c in found],
                                              next_page_token=token)

    async def GetStatistics(self, request: pb.GetStatisticsRequest,
                            context: grpc.aio.ServicerContext) -> pb.Statistics:
        # Without a start, 1 January of the period's last day's year: the year to date, or asked up
        # to 31 December of an earlier year, that year's report (not a start after the end).
        d_to = parse_date(request.to_date, "to_date", self.infra.clock.today())
        d_from = parse_date(request.from_date, "from_date", d_to.replace(month=1, day=1))
        async with self.read() as session:
            return await statistics(session, request.office_code, d_from, d_to)
