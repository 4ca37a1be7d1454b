"""Historical import and corrections RPCs (ImportHistoricalRecords, ListDefects, Propose/Approve/
Reject/ListCorrections): a mixin of MarriageServicer (see marriage.api.base.ApiBase for
``self.infra``, ``self.read()`` and ``self.change()``)."""
from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
from civic.marriage.v1 import resources_pb2 as pb
from servicekit.errors import invalid
from servicekit.fingerprints import StreamFingerprint

from marriage.api.base import ApiBase
from marriage.app import corrections as corr
from marriage.app import imports as uc


class ImportsApi(ApiBase):
    async def ImportHistoricalRecords(
            self, request_iterator: AsyncIterator[pb.ImportHistoricalRecordsRequest],
            context: grpc.aio.ServicerContext) -> pb.ImportReport:
        chunks = aiter(request_iterator)
        first = await anext(chunks, None)
        if first is None:
            raise invalid("EMPTY_IMPORT", "导入请求没有数据", "data")
        fingerprint = StreamFingerprint(first, chunks, "data")
        return await self.change(
            "ImportHistoricalRecords", first, pb.ImportReport,
            lambda uow: uc.import_archive(uow, self.infra.cipher, first, fingerprint.messages()),
            fingerprint.digest)

    async def ListDefects(self, request: pb.ListDefectsRequest,
                          context: grpc.aio.ServicerContext) -> pb.ListDefectsResponse:
        async with self.read() as session:
            return await uc.list_defects(session, request)

    async def ProposeCorrection(self, request: pb.ProposeCorrectionRequest,
                                context: grpc.aio.ServicerContext) -> pb.Correction:
        return await self.change("ProposeCorrection", request, pb.Correction,
                                 lambda uow: corr.propose(uow, self.infra.cipher, request.correction))

    async def ApproveCorrection(self, request: pb.ApproveCorrectionRequest,
                                context: grpc.aio.ServicerContext) -> pb.Correction:
        return await self.change("ApproveCorrection", request, pb.Correction,
                                 lambda uow: corr.approve(uow, self.infra.cipher, request.name))

    async def RejectCorrection(self, request: pb.RejectCorrectionRequest,
                               context: grpc.aio.ServicerContext) -> pb.Correction:
        return await self.change(
            "RejectCorrection", request, pb.Correction,
            lambda uow: corr.reject(uow, self.infra.cipher, request.name, request.reason))

    async def ListCorrections(self, request: pb.ListCorrectionsRequest,
                              context: grpc.aio.ServicerContext) -> pb.ListCorrectionsResponse:
        async with self.read() as session:
            return await corr.list_corrections(session, self.infra.cipher, request)
