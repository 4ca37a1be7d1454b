"""Shared by the marriage API and integration tests: the service fixture, unique people and
offices, request builders and checks of reasons, audit rows and outbox events."""
from __future__ import annotations

import datetime as dt
import itertools
import random
import uuid
from collections.abc import AsyncIterator

import grpc
import pytest_asyncio
from civic.marriage.v1 import events_pb2, marriage_service_pb2_grpc
from civic.marriage.v1 import resources_pb2 as pb
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from marriage.bootstrap import MIGRATIONS, build_spec
from marriage.seed import load_seed
from marriage.settings import MarriageSettings
from servicekit.testing.plugin import unique
from sqlalchemy import text

from tests.marriage.unit.marriage_ids import resident_id

REGISTRAR = ("marriage_registrar",)
TODAY = dt.date(2024, 3, 1)  # the FakeClock's start, in Beijing time
_rng = random.Random()
_sequence = itertools.count(1)
_issued_ids: set[str] = set()
_issued_offices: set[str] = set()


@pytest_asyncio.fixture
async def marriage(start_service, fake_clock):
    """The marriage service in-process on a fake clock, with the Chibi office seeded; the lapse
    sweep ticks rarely here (tests call it directly)."""
    service = await start_service(build_spec(), MarriageSettings, MIGRATIONS, clock=fake_clock,
                                  lapse_sweep_interval_s=3600)
    await load_seed(service.infra.uow)
    return service


def stub(service) -> marriage_service_pb2_grpc.MarriageServiceStub:
    return marriage_service_pb2_grpc.MarriageServiceStub(service.channel)


async def pages(list_method, request, metadata) -> AsyncIterator:
    """Every page of a List call, following next_page_token with the request's other fields kept.
    A caller may act between pages (the next one is asked for when it is wanted)."""
    while True:
        page = await list_method(request, metadata=metadata)
        yield page
        if not page.next_page_token:
            return
        following = type(request)()
        following.CopyFrom(request)
        following.page_token = page.next_page_token
        request = following


def person_id(sex: str, birth: dt.date | None = None, age: int = 30) -> str:
    """A fresh valid resident ID, never handed out before in this run."""
    while True:
        born = birth or TODAY.replace(year=TODAY.year - age) - dt.timedelta(days=_rng.randrange(1, 3000))
        number = resident_id(born, sex, address=_rng.choice(["421281", "420102", "110105", "440305"]),
                             sequence=f"{next(_sequence) % 100:02d}")
        if number not in _issued_ids:
            _issued_ids.add(number)
            return number


def office_code() -> str:
    """A fresh, structurally valid county code in Hubei (42xxyy), for serials that start at 1."""
    while True:
        code = f"42{_rng.randrange(1, 71):02d}{_rng.randrange(1, 100):02d}"
        if code != "421281" and code not in _issued_offices:
            _issued_offices.add(code)
            return code


def party(number: str, name: str = "张三", **extra) -> pb.Party:
    return pb.Party(id_type=pb.ID_TYPE_RESIDENT_ID, id_number=number, name=name, nationality="CHN", **extra)


def proof(kind: str = "NOTARIZED_DECLARATION", issued: dt.date | None = None) -> pb.NoSpouseProof:
    """A no-spouse proof as a party who is not a mainland resident presents it (rules.md §1.3)."""
    return pb.NoSpouseProof(kind=pb.NoSpouseProofKind.Value(f"NO_SPOUSE_PROOF_KIND_{kind}"),
                            issuer="香港律师公证" if kind == "NOTARIZED_DECLARATION" else "德国驻华大使馆",
                            document_number=f"NP-{_rng.randrange(10**6):06d}",
                            issue_date=(issued or TODAY - dt.timedelta(days=20)).isoformat())


def archive_volume() -> str:
    """A volume of a test's own for archive certificate numbers (鄂蒲婚字(1984){volume}第000001号):
    every test's imports stay in the shared registry, and a number already imported by another test
    is rightly flagged DUPLICATE_CERTIFICATE."""
    return f"{_rng.randrange(10**9)}卷"


def register_request(man: str | None = None, woman: str | None = None, office: str = "421281",
                     **overrides) -> pb.RegisterMarriageRequest:
    fields = {
        "request_id": unique("rq-"), "office_code": office,
        "parties": [party(man or person_id("M"), "张伟"), party(woman or person_id("F"), "李娜")],
        "declarations": pb.Declarations(no_spouse=True, no_prohibited_kinship=True),
    }
    return pb.RegisterMarriageRequest(**{**fields, **overrides})


def reissue_request(name: str, applicant: str, office: str = "421281", ground: str = "遗失",
                    **overrides) -> pb.ReissueCertificateRequest:
    """补领 on the record ``name`` for its party holding the resident ID ``applicant``, in person."""
    return pb.ReissueCertificateRequest(request_id=unique("ri-"), name=name, office_code=office, ground=ground,
                                        applicant_id_type=pb.ID_TYPE_RESIDENT_ID, applicant_id_number=applicant,
                                        **overrides)


def agreement() -> pb.DivorceAgreement:
    return pb.DivorceAgreement(voluntary=True, children_arrangement="无子女", property_division="各自所有",
                               debt_handling="无共同债务")


def acceptance(certificates: int = pb.CERTIFICATES_PRESENTED_BOTH) -> dict:
    """ApplyDivorceRequest's acceptance fields: capacity confirmed, the certificates presented."""
    return {"declarations": pb.DivorceDeclarations(full_civil_capacity=True),
            "certificates_presented": certificates}


def error_info(err: grpc.aio.AioRpcError) -> error_details_pb2.ErrorInfo:
    status = rpc_status.from_call(err)
    for detail in status.details if status else ():
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            return info
    return error_details_pb2.ErrorInfo()


def reason_of(err: grpc.aio.AioRpcError) -> str:
    return error_info(err).reason


def violations_of(err: grpc.aio.AioRpcError) -> list[str]:
    status = rpc_status.from_call(err)
    fields: list[str] = []
    for detail in status.details if status else ():
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            fields += [v.field for v in bad.field_violations]
    return fields


async def rows(service, sql: str, **params) -> list:
    async with service.infra.db.transaction() as session:
        return (await session.execute(text(sql), params)).all()


async def audit_rows(service, resource: str, action: str | None = None) -> list:
    query = "SELECT action, actor, before, after, reason FROM audit_log WHERE resource = :r"
    if action:
        query += " AND action = :a"
    return await rows(service, query + " ORDER BY at, id", r=resource, a=action)


async def outbox_events(service, event: str, message_type):
    """The committed events of one kind, decoded, oldest first."""
    return [message for message, _ in await outbox_events_with_headers(service, event, message_type)]


async def outbox_events_with_headers(service, event: str, message_type) -> list[tuple[object, dict]]:
    """The committed events of one kind, decoded, oldest first, each with its headers."""
    found = await rows(service, "SELECT payload, headers FROM outbox WHERE subject = :s ORDER BY id",
                       s=f"civic.marriage.{event}")
    return [(message_type.FromString(r.payload), r.headers) for r in found]


async def marriage_ended_events(service, name: str) -> list[events_pb2.MarriageEnded]:
    return [e for e in await outbox_events(service, "marriage_ended", events_pb2.MarriageEnded)
            if e.marriage.name == name]


def new_request_id() -> str:
    return f"rq-{uuid.uuid4().hex}"
