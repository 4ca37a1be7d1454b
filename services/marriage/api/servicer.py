"""The MarriageService servicer: proto → command → use case → proto, one mixin per area."""
from __future__ import annotations

from civic.marriage.v1 import marriage_service_pb2_grpc

from marriage.api.appointments import AppointmentsApi
from marriage.api.audit import AuditApi
from marriage.api.blanks import BlanksApi
from marriage.api.calendar import CalendarApi
from marriage.api.counseling import CounselingApi
from marriage.api.divorces import DivorcesApi
from marriage.api.imports import ImportsApi
from marriage.api.marriages import MarriagesApi
from marriage.api.revocation import RevocationApi
from marriage.api.verification import VerificationApi


class MarriageServicer(ImportsApi, MarriagesApi, RevocationApi, DivorcesApi, AppointmentsApi, CalendarApi, CounselingApi,
                       BlanksApi, VerificationApi, AuditApi, marriage_service_pb2_grpc.MarriageServiceServicer):
    """Every RPC of civic.marriage.v1.MarriageService (historical imports and corrections in ImportsApi,
    the audit trail in AuditApi)."""
