"""VerifyRecord over gRPC: the public verification behind a certificate's QR code."""
from __future__ import annotations

import grpc
from civic.marriage.v1 import resources_pb2 as pb
from servicekit.errors import invalid

from marriage.api.base import ApiBase
from marriage.api.convert import resource_id
from marriage.app import verification as uc


class VerificationApi(ApiBase):
    async def VerifyRecord(self, request: pb.VerifyRecordRequest,
                           context: grpc.aio.ServicerContext) -> pb.RecordVerification:
        if request.name.startswith("divorceApplications/"):
            if request.document_number:
                raise invalid("DOCUMENT_NOT_OF_APPLICATION", "离婚登记申请只核验其受理回执或离婚证，无需证书字号",
                              "document_number")
            application_id = resource_id(request.name, "divorceApplications")
            async with self.infra.uow() as uow:
                return await uc.verify_application(uow, self.infra.cipher, application_id)
        if request.name.startswith("marriages/"):
            marriage_id = resource_id(request.name, "marriages")
            async with self.infra.uow() as uow:
                return await uc.verify_marriage(uow, self.infra.cipher, marriage_id, request.document_number)
        raise invalid("INVALID_NAME", "资源名应为 marriages/{id} 或 divorceApplications/{id}", "name")
