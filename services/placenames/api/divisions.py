"""gRPC servicer for DivisionService: proto → command → use case → proto."""
from __future__ import annotations

import datetime as dt

import grpc
from civic.api.v1 import audit_pb2
from civic.placenames.v1 import divisions_pb2 as pb
from civic.placenames.v1 import divisions_pb2_grpc
from google.protobuf.message import Message
from servicekit.audit import list_audit_records
from servicekit.clock import Clock
from servicekit.errors import invalid
from servicekit.identifiers import validate_division_code
from servicekit.jurisdiction import require_jurisdiction
from servicekit.paging import Keyset
from servicekit.uow import UnitOfWorkFactory

from placenames.adapters import tables as t
from placenames.adapters.repository import DivisionRepository
from placenames.app import divisions as uc
from placenames.app.divisions import LEVEL_PB
from placenames.domain.divisions import Division, parse_date

PB_LEVEL = {v: k for k, v in LEVEL_PB.items()}
# By code. The list is read whole (its total and the divisions in force on a day need every one), so
# the page is cut in memory — after the token's code, so that a division created meanwhile shifts nothing.
DIVISION_LIST = Keyset("divisions", t.divisions.c.code)
STATE_PB = {"ACTIVE": pb.DIVISION_STATE_ACTIVE, "MERGED": pb.DIVISION_STATE_MERGED,
            "ABOLISHED": pb.DIVISION_STATE_ABOLISHED}


def code_from_name(name: str) -> str:
    prefix = "divisions/"
    if not name.startswith(prefix):
        raise invalid("INVALID_NAME", "资源名应为 divisions/{区划代码}", "name")
    return validate_division_code(name[len(prefix):], "name")


def to_pb(d: Division, as_of: dt.date) -> pb.Division:
    end = d.ended
    return pb.Division(
        name=f"divisions/{d.code}", code=d.code, display_name=d.name_on(as_of), level=LEVEL_PB[d.level],
        parent_code=d.parent_code or "", state=STATE_PB[d.state.value], effective_date=d.created.isoformat(),
        end_date=end.effective_date.isoformat() if end else "", successor_code=end.successor_code if end else "",
        source=d.source,
        history=[pb.DivisionChange(kind=pb.ChangeKind.Value(f"CHANGE_KIND_{c.kind.value}"),
                                   effective_date=c.effective_date.isoformat(), name=c.name,
                                   successor_code=c.successor_code, reason=c.reason) for c in d.history],
    )


class DivisionServicer(divisions_pb2_grpc.DivisionServiceServicer):
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def GetDivision(self, request: pb.GetDivisionRequest, context: grpc.aio.ServicerContext) -> pb.Division:
        code = code_from_name(request.name)
        as_of = parse_date(request.as_of, "as_of", self._clock.today())
        async with self._uow.db.transaction() as session:
            division = await uc.load(DivisionRepository(session), code)
        return to_pb(division, as_of)

    async def ListDivisions(self, request: pb.ListDivisionsRequest,
                            context: grpc.aio.ServicerContext) -> pb.ListDivisionsResponse:
        seek = DIVISION_LIST.seek(request)
        as_of = parse_date(request.as_of, "as_of", self._clock.today())
        parent = validate_division_code(request.parent_code, "parent_code") if request.parent_code else None
        level = PB_LEVEL.get(request.level)
        async with self._uow.db.transaction() as session:
            found = await DivisionRepository(session).children(parent, level)
        shown = [d for d in found if request.include_retired or d.in_force_on(as_of)]
        page, token = seek.slice(shown, key=lambda d: (d.code,))
        return pb.ListDivisionsResponse(divisions=[to_pb(d, as_of) for d in page], next_page_token=token,
                                        total_size=len(shown))

    async def CreateDivision(self, request: pb.CreateDivisionRequest,
                             context: grpc.aio.ServicerContext) -> pb.Division:
        cmd = uc.CreateDivision(validate_division_code(request.code), request.display_name, request.parent_code,
                                parse_date(request.effective_date, "effective_date", self._clock.today()),
                                request.source, request.reason)
        return await self._change("CreateDivision", request, cmd.code,
                                  lambda uow: uc.create(uow, cmd))

    async def RenameDivision(self, request: pb.RenameDivisionRequest,
                             context: grpc.aio.ServicerContext) -> pb.Division:
        code = code_from_name(request.name)
        effective = parse_date(request.effective_date, "effective_date", self._clock.today())
        return await self._change("RenameDivision", request, code, lambda uow: uc.rename(
            uow, code, request.new_display_name, effective, request.reason))

    async def MergeDivision(self, request: pb.MergeDivisionRequest,
                            context: grpc.aio.ServicerContext) -> pb.Division:
        code = code_from_name(request.name)
        successor = validate_division_code(request.successor_code, "successor_code")
        effective = parse_date(request.effective_date, "effective_date", self._clock.today())
        return await self._change("MergeDivision", request, code, lambda uow: uc.merge(
            uow, code, successor, effective, request.reason))

    async def AbolishDivision(self, request: pb.AbolishDivisionRequest,
                              context: grpc.aio.ServicerContext) -> pb.Division:
        code = code_from_name(request.name)
        effective = parse_date(request.effective_date, "effective_date", self._clock.today())
        return await self._change("AbolishDivision", request, code, lambda uow: uc.abolish(
            uow, code, effective, request.reason))

    async def ListAuditRecords(self, request: audit_pb2.ListAuditRecordsRequest,
                               context: grpc.aio.ServicerContext) -> audit_pb2.ListAuditRecordsResponse:
        async with self._uow.db.transaction() as session:
            return await list_audit_records(session, t.kit.audit_log, request)

    async def _change(self, method: str, request: Message, code: str, use_case) -> pb.Division:  # noqa: ANN001
        require_jurisdiction(code, "区划 ")
        async def work(uow):  # noqa: ANN001, ANN202
            division = await use_case(uow)
            return to_pb(division, self._clock.today())

        return await self._uow.for_request(method, request, pb.Division, work)
