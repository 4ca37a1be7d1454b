"""Divorce by agreement over gRPC: apply, withdraw, register or refuse, print the certificate, look up."""
from __future__ import annotations

import grpc
from civic.marriage.v1 import resources_pb2 as pb

from marriage.adapters.divorces import APPLICATION_LIST, ApplicationFilter
from marriage.api.base import ApiBase
from marriage.api.convert import PB_CERTIFICATES, PB_DIVORCE_STATE, id_type, optional_date, resource_id
from marriage.app import divorces as uc
from marriage.app.access import visible_prefix
from marriage.app.messages import application_pb
from marriage.domain.divorce import CertificatesPresented, DivorceAgreement, DivorceDeclarations, DivorceState


class DivorcesApi(ApiBase):
    def _pb(self, app: uc.Application) -> pb.DivorceApplication:
        return application_pb(app.record, self.infra.clock.today(), app.marriage, cal=self.calendar)

    async def ApplyDivorce(self, request: pb.ApplyDivorceRequest,
                           context: grpc.aio.ServicerContext) -> pb.DivorceApplication:
        marriage_id = resource_id(request.marriage, "marriages", "marriage")
        a = request.agreement
        agreement = DivorceAgreement(a.children_arrangement, a.property_division, a.debt_handling, a.voluntary)
        declarations = DivorceDeclarations(request.declarations.full_civil_capacity)
        presented = PB_CERTIFICATES.get(request.certificates_presented)
        certificates = CertificatesPresented(presented) if presented else None

        async def work(uow):
            return self._pb(await uc.apply(uow, self.infra.cipher, self.calendar, marriage_id, request.office_code,
                                           agreement, declarations, certificates))

        return await self.change("ApplyDivorce", request, pb.DivorceApplication, work)

    async def GetDivorceApplication(self, request: pb.GetDivorceApplicationRequest,
                                    context: grpc.aio.ServicerContext) -> pb.DivorceApplication:
        application_id = resource_id(request.name, "divorceApplications")
        async with self.read() as session:
            return self._pb(await uc.get(session, self.infra.cipher, application_id))

    async def ListDivorceApplications(self, request: pb.ListDivorceApplicationsRequest,
                                      context: grpc.aio.ServicerContext) -> pb.ListDivorceApplicationsResponse:
        seek = APPLICATION_LIST.seek(request)
        state = PB_DIVORCE_STATE.get(request.state)
        flt = ApplicationFilter(visible_prefix(request.office_code), DivorceState(state) if state else None,
                                optional_date(request.cooling_off_end_from, "cooling_off_end_from"),
                                optional_date(request.cooling_off_end_to, "cooling_off_end_to"))
        async with self.read() as session:
            found, token = await uc.list_applications(session, self.infra.cipher, flt, self.infra.clock.today(),
                                                      seek)
        return pb.ListDivorceApplicationsResponse(applications=[self._pb(a) for a in found], next_page_token=token)

    async def WithdrawDivorce(self, request: pb.WithdrawDivorceRequest,
                              context: grpc.aio.ServicerContext) -> pb.DivorceApplication:
        application_id = resource_id(request.name, "divorceApplications")

        async def work(uow):
            return self._pb(await uc.withdraw(uow, self.infra.cipher, application_id, id_type(request.id_type),
                                              request.id_number))

        return await self.change("WithdrawDivorce", request, pb.DivorceApplication, work)

    async def RegisterDivorce(self, request: pb.RegisterDivorceRequest,
                              context: grpc.aio.ServicerContext) -> pb.DivorceApplication:
        application_id = resource_id(request.name, "divorceApplications")

        async def work(uow):
            return self._pb(await uc.register(uow, self.infra.cipher, application_id, request.office_code,
                                              request.both_present))

        return await self.change("RegisterDivorce", request, pb.DivorceApplication, work)

    async def RefuseDivorce(self, request: pb.RefuseDivorceRequest,
                            context: grpc.aio.ServicerContext) -> pb.DivorceApplication:
        application_id = resource_id(request.name, "divorceApplications")

        async def work(uow):
            return self._pb(await uc.refuse(uow, self.infra.cipher, application_id, request.office_code,
                                            request.reason))

        return await self.change("RefuseDivorce", request, pb.DivorceApplication, work)

    async def PrintDivorceCertificate(self, request: pb.PrintDivorceCertificateRequest,
                                      context: grpc.aio.ServicerContext) -> pb.DivorceApplication:
        application_id = resource_id(request.name, "divorceApplications")
        async with self.infra.uow() as uow:  # the audit row commits before the numbers leave
            app = await uc.print_certificate(uow, self.infra.cipher, application_id, request.purpose)
        return application_pb(app.record, self.infra.clock.today(), app.marriage, full_ids=True, cal=self.calendar)
