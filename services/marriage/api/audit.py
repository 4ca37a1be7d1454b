"""The marriage audit trail over gRPC, read by auditors and supervisors (servicekit.audit)."""
from __future__ import annotations

import grpc
from civic.api.v1 import audit_pb2
from servicekit.audit import list_audit_records

from marriage.adapters import tables as t
from marriage.api.base import ApiBase


class AuditApi(ApiBase):
    async def ListAuditRecords(self, request: audit_pb2.ListAuditRecordsRequest,
                               context: grpc.aio.ServicerContext) -> audit_pb2.ListAuditRecordsResponse:
        async with self.read() as session:
            return await list_audit_records(session, t.kit.audit_log, request)
