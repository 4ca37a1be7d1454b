"""Marriage records over gRPC: register, look up, end, revoke, reissue."""
from __future__ import annotations

import grpc
from civic.marriage.v1 import resources_pb2 as pb

from marriage.adapters.repository import MARRIAGE_LIST, MarriageFilter, MarriageRepository
from marriage.api.base import ApiBase
from marriage.api.convert import (
    PB_ANNULMENT_GROUND,
    PB_ANNULMENT_KIND,
    PB_AUTHORITY,
    PB_MARRIAGE_STATE,
    id_type,
    optional_date,
    optional_resource_id,
    parse_date,
    party_input,
    required_enum,
    resource_id,
)
from marriage.app import marriages as uc
from marriage.app import revocation as revocation_uc
from marriage.app.access import require_read_jurisdiction, visible_marriages
from marriage.app.messages import marriage_pb
from marriage.domain.certificates import ReissueOutcome
from marriage.domain.eligibility import Declarations
from marriage.domain.marriages import Annulment
from marriage.domain.status import MaritalStatus

STATUS_PB = {MaritalStatus.UNMARRIED: pb.MARITAL_STATUS_UNMARRIED, MaritalStatus.MARRIED: pb.MARITAL_STATUS_MARRIED,
             MaritalStatus.DIVORCED: pb.MARITAL_STATUS_DIVORCED, MaritalStatus.WIDOWED: pb.MARITAL_STATUS_WIDOWED}


class MarriagesApi(ApiBase):
    async def RegisterMarriage(self, request: pb.RegisterMarriageRequest,
                               context: grpc.aio.ServicerContext) -> pb.Marriage:
        cmd = uc.RegisterMarriage(
            request.office_code, tuple(party_input(i, p) for i, p in enumerate(request.parties)),
            Declarations(request.declarations.no_spouse, request.declarations.no_prohibited_kinship),
            optional_resource_id(request.appointment, "appointments", "appointment"),
            optional_date(request.cohabitation_start_date, "cohabitation_start_date"))

        async def work(uow):
            return marriage_pb(await uc.register(uow, self.infra.cipher, cmd))

        return await self.change("RegisterMarriage", request, pb.Marriage, work)

    async def GetMarriage(self, request: pb.GetMarriageRequest, context: grpc.aio.ServicerContext) -> pb.Marriage:
        marriage_id = resource_id(request.name, "marriages")
        async with self.read() as session:
            repo = MarriageRepository(session, self.infra.cipher)
            record = await uc.load(repo, marriage_id)
            await require_read_jurisdiction(repo, record)
            return marriage_pb(record)

    async def PrintCertificate(self, request: pb.PrintCertificateRequest,
                               context: grpc.aio.ServicerContext) -> pb.Marriage:
        marriage_id = resource_id(request.name, "marriages")
        async with self.infra.uow() as uow:  # the audit row commits before the numbers leave
            record = await uc.print_certificate(uow, self.infra.cipher, marriage_id, request.purpose,
                                                request.document_number)
        return marriage_pb(record, full_ids=True)

    async def ListMarriages(self, request: pb.ListMarriagesRequest,
                            context: grpc.aio.ServicerContext) -> pb.ListMarriagesResponse:
        seek = MARRIAGE_LIST.seek(request)
        flt = MarriageFilter(
            state=PB_MARRIAGE_STATE.get(request.state, ""),
            date_from=optional_date(request.register_date_from, "register_date_from"),
            date_to=optional_date(request.register_date_to, "register_date_to"), party_name=request.party_name.strip())
        async with self.read() as session:
            repo = MarriageRepository(session, self.infra.cipher)
            found, token = await repo.list(await visible_marriages(repo, flt, request.office_code), seek)
        return pb.ListMarriagesResponse(marriages=[marriage_pb(r) for r in found], next_page_token=token)

    async def GetMaritalStatus(self, request: pb.GetMaritalStatusRequest,
                               context: grpc.aio.ServicerContext) -> pb.GetMaritalStatusResponse:
        async with self.read() as session:
            view = await uc.marital_status_of(session, self.infra.cipher, id_type(request.id_type), request.id_number)
        return pb.GetMaritalStatusResponse(
            status=STATUS_PB[view.status], marriage=marriage_pb(view.basis) if view.basis else None,
            records=[marriage_pb(r) for r in view.records])

    async def RecordCourtDivorce(self, request: pb.RecordCourtDivorceRequest,
                                 context: grpc.aio.ServicerContext) -> pb.Marriage:
        marriage_id = resource_id(request.marriage, "marriages", "marriage")
        effective = parse_date(request.effective_date, "effective_date")

        async def work(uow):
            return marriage_pb(await uc.record_court_divorce(
                uow, self.infra.cipher, marriage_id, request.document_number, request.court, effective))

        return await self.change("RecordCourtDivorce", request, pb.Marriage, work)

    async def RecordCourtAnnulment(self, request: pb.RecordCourtAnnulmentRequest,
                                   context: grpc.aio.ServicerContext) -> pb.Marriage:
        marriage_id = resource_id(request.marriage, "marriages", "marriage")
        judgment = Annulment(
            required_enum(PB_ANNULMENT_KIND, request.kind, "ANNULMENT_KIND_REQUIRED",
                          "须选择判决类型（宣告婚姻无效或撤销婚姻）", "kind"),
            required_enum(PB_ANNULMENT_GROUND, request.ground, "ANNULMENT_GROUND_REQUIRED",
                          "须选择判决认定的事由", "ground"),
            request.court, request.document_number, parse_date(request.judgment_date, "judgment_date"))

        async def work(uow):
            return marriage_pb(await uc.record_court_annulment(uow, self.infra.cipher, marriage_id, judgment))

        return await self.change("RecordCourtAnnulment", request, pb.Marriage, work)

    async def RecordDeath(self, request: pb.RecordDeathRequest,
                          context: grpc.aio.ServicerContext) -> pb.RecordDeathResponse:
        notice = uc.DeathNotice(id_type(request.id_type), request.id_number,
                                parse_date(request.death_date, "death_date"), request.death_certificate_number)

        async def work(uow):
            record = await uc.record_death(uow, self.infra.cipher, notice)
            return pb.RecordDeathResponse(marriage=marriage_pb(record) if record else None)

        return await self.change("RecordDeath", request, pb.RecordDeathResponse, work)

    async def RevokeRegistration(self, request: pb.RevokeRegistrationRequest,
                                 context: grpc.aio.ServicerContext) -> pb.Marriage:
        marriage_id = resource_id(request.name, "marriages")
        case_id = optional_resource_id(request.revocation_case, "revocationCases", "revocation_case")
        authority = PB_AUTHORITY.get(request.authority) if case_id else required_enum(
            PB_AUTHORITY, request.authority, "AUTHORITY_REQUIRED", "须选择作出认定的机关（法院、检察院或公安机关）",
            "authority")

        async def work(uow):
            if case_id:  # the case decides, as DecideRevocation would (its source and document by default)
                return marriage_pb(await revocation_uc.revoke_by_case(
                    uow, self.infra.cipher, marriage_id, case_id, authority, request.document_reference,
                    request.decision_number, request.reason, self.calendar))
            return marriage_pb(await uc.revoke(uow, self.infra.cipher, marriage_id, authority,
                                               request.document_reference, request.reason))

        return await self.change("RevokeRegistration", request, pb.Marriage, work)

    async def ReissueCertificate(self, request: pb.ReissueCertificateRequest,
                                 context: grpc.aio.ServicerContext) -> pb.ReissueCertificateResponse:
        marriage_id = resource_id(request.name, "marriages")
        proxy = request.proxy
        applied = uc.ReissueApplication(
            id_type(request.applicant_id_type), request.applicant_id_number,
            uc.ProxyInput(id_type(proxy.id_type), proxy.id_number, proxy.name, proxy.power_of_attorney)
            if request.HasField("proxy") else None)

        async def work(uow):
            done = await uc.reissue(uow, self.infra.cipher, marriage_id, request.office_code, request.ground,
                                    applied)
            outcome = pb.REISSUE_OUTCOME_CERTIFICATE if done.outcome is ReissueOutcome.REISSUED_CERTIFICATE \
                else pb.REISSUE_OUTCOME_RECORD_CERTIFICATE
            return pb.ReissueCertificateResponse(outcome=outcome, document_number=done.document_number,
                                                 marriage=marriage_pb(done.record), note=done.note)

        return await self.change("ReissueCertificate", request, pb.ReissueCertificateResponse, work)
