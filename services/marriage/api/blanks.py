"""Blank certificate booklets (空白证书) over gRPC: receive, use, void, list with the stock."""
from __future__ import annotations

import grpc
from civic.marriage.v1 import resources_pb2 as pb

from marriage.adapters.blanks import BLANK_LIST
from marriage.api.base import ApiBase
from marriage.api.convert import optional_resource_id, parse_date, required_enum
from marriage.app import blanks as uc
from marriage.app.access import visible_prefix
from marriage.app.messages import BLANK_KIND_PB, BLANK_STATE_PB, blank_pb, blank_stock_pb
from marriage.domain.blanks import BlankKind

PB_BLANK_KIND = {v: k for k, v in BLANK_KIND_PB.items()}
PB_BLANK_STATE = {v: k for k, v in BLANK_STATE_PB.items()}


def _kind(value: int) -> BlankKind:
    return required_enum(PB_BLANK_KIND, value, "BLANK_KIND_REQUIRED", "须选择空白证书种类（结婚证或离婚证）", "kind")


class BlanksApi(ApiBase):
    async def ReceiveCertificateBlanks(self, request: pb.ReceiveCertificateBlanksRequest,
                                       context: grpc.aio.ServicerContext) -> pb.ReceiveCertificateBlanksResponse:
        cmd = uc.Receive(request.office_code, _kind(request.kind), request.first_serial, request.last_serial,
                         parse_date(request.received_date, "received_date", self.infra.clock.today()))

        async def work(uow):
            r = await uc.receive(uow, cmd)
            return pb.ReceiveCertificateBlanksResponse(
                office_code=r.office_code, kind=BLANK_KIND_PB[r.kind], first_serial=r.serials[0],
                last_serial=r.serials[-1], count=len(r.serials), received_date=r.received_on.isoformat(),
                stock=blank_stock_pb(r.kind, r.stock[r.kind]))

        return await self.change("ReceiveCertificateBlanks", request, pb.ReceiveCertificateBlanksResponse, work)

    async def UseCertificateBlank(self, request: pb.UseCertificateBlankRequest,
                                  context: grpc.aio.ServicerContext) -> pb.CertificateBlank:
        kind = _kind(request.kind)
        marriage_id = optional_resource_id(request.marriage, "marriages", "marriage")

        async def work(uow):
            return blank_pb(await uc.use_blank(uow, request.office_code, kind, request.serial,
                                               request.document_number, marriage_id))

        return await self.change("UseCertificateBlank", request, pb.CertificateBlank, work)

    async def VoidCertificateBlank(self, request: pb.VoidCertificateBlankRequest,
                                   context: grpc.aio.ServicerContext) -> pb.CertificateBlank:
        kind = _kind(request.kind)

        async def work(uow):
            return blank_pb(await uc.void_blank(uow, request.office_code, kind, request.serial, request.reason))

        return await self.change("VoidCertificateBlank", request, pb.CertificateBlank, work)

    async def ListCertificateBlanks(self, request: pb.ListCertificateBlanksRequest,
                                    context: grpc.aio.ServicerContext) -> pb.ListCertificateBlanksResponse:
        seek = BLANK_LIST.seek(request)
        prefix = visible_prefix(request.office_code)
        kind, state = PB_BLANK_KIND.get(request.kind), PB_BLANK_STATE.get(request.state)
        async with self.read() as session:
            found, token, stock = await uc.list_blanks(session, prefix, kind, state, seek)
        return pb.ListCertificateBlanksResponse(
            blanks=[blank_pb(b) for b in found], next_page_token=token,
            stock=[blank_stock_pb(k, counts) for k, counts in stock.items()])
