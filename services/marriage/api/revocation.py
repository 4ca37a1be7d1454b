"""Revocation cases (撤销婚姻登记) over gRPC: open, notify, decide, serve, file, read."""
from __future__ import annotations

import grpc
from civic.marriage.v1 import resources_pb2 as pb

from marriage.adapters.revocation import CASE_LIST, CaseFilter
from marriage.api.base import ApiBase
from marriage.api.convert import (
    PB_AUTHORITY,
    PB_NOTICE_METHOD,
    PB_REVOCATION_OUTCOME,
    PB_REVOCATION_STATE,
    optional_resource_id,
    parse_date,
    required_enum,
    resource_id,
)
from marriage.app import revocation as uc
from marriage.app.access import visible_prefix
from marriage.app.messages import revocation_case_pb


class RevocationApi(ApiBase):
    async def OpenRevocationCase(self, request: pb.OpenRevocationCaseRequest,
                                 context: grpc.aio.ServicerContext) -> pb.RevocationCase:
        c = request.revocation_case
        cmd = uc.OpenCase(
            resource_id(c.marriage, "marriages", "revocation_case.marriage"),
            required_enum(PB_AUTHORITY, c.source, "AUTHORITY_REQUIRED",
                          "须选择作出认定的机关（法院、检察院或公安机关）", "revocation_case.source"),
            c.document_number,
            parse_date(c.received_date, "revocation_case.received_date", self.infra.clock.today()),
            c.office_code.strip())

        async def work(uow):
            return revocation_case_pb(await uc.open_case(uow, self.infra.cipher, cmd))

        return await self.change("OpenRevocationCase", request, pb.RevocationCase, work)

    async def RecordRevocationNotice(self, request: pb.RecordRevocationNoticeRequest,
                                     context: grpc.aio.ServicerContext) -> pb.RevocationCase:
        case_id = resource_id(request.name, "revocationCases")
        method = required_enum(PB_NOTICE_METHOD, request.notice.method, "NOTICE_METHOD_REQUIRED",
                               "须选择告知方式（当面、邮寄或公告）", "notice.method")
        notice_date = parse_date(request.notice.notice_date, "notice.notice_date", self.infra.clock.today())

        async def work(uow):
            return revocation_case_pb(await uc.record_notice(uow, case_id, method, notice_date, request.etag.strip(),
                                                             self.calendar))

        return await self.change("RecordRevocationNotice", request, pb.RevocationCase, work)

    async def DecideRevocation(self, request: pb.DecideRevocationRequest,
                               context: grpc.aio.ServicerContext) -> pb.RevocationCase:
        case_id = resource_id(request.name, "revocationCases")
        d = request.decision
        decision = uc.DecisionInput(
            required_enum(PB_REVOCATION_OUTCOME, d.outcome, "DECISION_OUTCOME_REQUIRED",
                          "须选择决定（撤销婚姻登记或不予撤销）", "decision.outcome"),
            d.decision_number, parse_date(d.decision_date, "decision.decision_date", self.infra.clock.today()),
            d.declined_reason, request.reason)

        async def work(uow):
            return revocation_case_pb(await uc.decide(uow, self.infra.cipher, case_id, decision,
                                                      request.etag.strip(), self.calendar))

        return await self.change("DecideRevocation", request, pb.RevocationCase, work)

    async def _dated_step(self, method: str, request, day_field: str, step) -> pb.RevocationCase:
        """送达 and 归档: a case's step that records its day (today when none is given)."""
        case_id = resource_id(request.name, "revocationCases")
        day = parse_date(getattr(request, day_field), day_field, self.infra.clock.today())

        async def work(uow):
            return revocation_case_pb(await step(uow, case_id, day, request.etag.strip()))

        return await self.change(method, request, pb.RevocationCase, work)

    async def RecordRevocationService(self, request: pb.RecordRevocationServiceRequest,
                                      context: grpc.aio.ServicerContext) -> pb.RevocationCase:
        return await self._dated_step("RecordRevocationService", request, "service_date", uc.record_service)

    async def FileRevocationCase(self, request: pb.FileRevocationCaseRequest,
                                 context: grpc.aio.ServicerContext) -> pb.RevocationCase:
        return await self._dated_step("FileRevocationCase", request, "filed_date", uc.file_case)

    async def GetRevocationCase(self, request: pb.GetRevocationCaseRequest,
                                context: grpc.aio.ServicerContext) -> pb.RevocationCase:
        case_id = resource_id(request.name, "revocationCases")
        async with self.read() as session:
            return revocation_case_pb(await uc.get_case(session, case_id))

    async def ListRevocationCases(self, request: pb.ListRevocationCasesRequest,
                                  context: grpc.aio.ServicerContext) -> pb.ListRevocationCasesResponse:
        seek = CASE_LIST.seek(request)
        flt = CaseFilter(visible_prefix(request.office_code), PB_REVOCATION_STATE.get(request.state),
                         optional_resource_id(request.marriage, "marriages", "marriage"))
        async with self.read() as session:
            found, token = await uc.list_cases(session, flt, seek)
        return pb.ListRevocationCasesResponse(revocation_cases=[revocation_case_pb(r) for r in found],
                                              next_page_token=token)
