"""The public verification page and the print endpoints, against an in-test marriage service that
checks the caller token exactly as the real one does (no browser, no suite): the page calls
VerifyRecord as "public-verification" (role public_verifier) and shows masked data and the state."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import grpc
import httpx
import pytest_asyncio
from civic.marriage.v1 import marriage_service_pb2_grpc as pb_grpc
from civic.marriage.v1 import resources_pb2 as pb
from servicekit import context
from servicekit.caller_token import CallerSigner, CallerVerifier, generate_keypair
from servicekit.clock import FakeClock
from servicekit.context import Caller
from servicekit.errors import not_found
from servicekit.interceptors import CallerAuthInterceptor, ErrorInterceptor, RequestContextInterceptor
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response

from gateway.accounts.revocations import Revocations
from gateway.accounts.tokens import TokenIssuer
from gateway.authn import Authenticator, CallerTokens
from gateway.backends import Backends
from gateway.descriptors import load_services
from gateway.middleware import RequestMiddleware
from gateway.ops import Metrics
from gateway.problems import Problem
from gateway.routes import RouteTable
from gateway.ui.printing import PrintApi
from gateway.ui.verification import PublicVerification
from gateway.ui.verify_links import VerifyLinks

KEY = "v" * 48
REGISTERED = "marriages/0190c0de-0000-7000-8000-000000000001"
DIVORCED = "marriages/0190c0de-0000-7000-8000-000000000002"
RECEIPT = "divorceApplications/0190c0de-0000-7000-8000-000000000003"
DIVORCE = "divorceApplications/0190c0de-0000-7000-8000-000000000004"
REFUSED = "divorceApplications/0190c0de-0000-7000-8000-00000000a5c1"
RECORD_CERTIFICATE = "ZM421281-2026-000009"


@dataclass
class FakeMarriages(pb_grpc.MarriageServiceServicer):
    callers: list[tuple[str, Caller]] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    reads: list[tuple[str, Caller]] = field(default_factory=list)  # GetMarriage/GetDivorceApplication

    async def GetMarriage(self, request, ctx):  # noqa: N802, ANN001, ANN201
        self.reads.append((request.name, context.current().caller))
        if request.name not in (REGISTERED, DIVORCED):
            raise not_found("MARRIAGE_NOT_FOUND", "婚姻登记记录不存在")
        return pb.Marriage(name=request.name)

    async def GetDivorceApplication(self, request, ctx):  # noqa: N802, ANN001, ANN201
        self.reads.append((request.name, context.current().caller))
        if request.name == REFUSED:  # refused on 2024-02-20, as the service answers it (names whole)
            return pb.DivorceApplication(
                name=request.name, state=pb.DIVORCE_STATE_REFUSED, office_code="421281", close_date="2024-02-20",
                refusal_reason="男方张伟当场表示不同意离婚",
                parties=[pb.Party(name="张伟", id_number="4212**********0112"),
                         pb.Party(name="王芳", id_number="4212**********0229")])
        if request.name not in (RECEIPT, DIVORCE):
            raise not_found("APPLICATION_NOT_FOUND", "离婚申请不存在")
        return pb.DivorceApplication(name=request.name)

    async def VerifyRecord(self, request, ctx):  # noqa: N802, ANN001, ANN201
        self.callers.append((request.name, context.current().caller))
        self.numbers.append(request.document_number)
        parties = [pb.Party(name="张*", id_number="4212**********0112"), pb.Party(name="李*", id_number="4212**********0229")]
        if request.name == DIVORCED and request.document_number == RECORD_CERTIFICATE:
            return pb.RecordVerification(name=request.name, document_number=RECORD_CERTIFICATE,
                                         record_kind="婚姻登记记录证明", state="MARRIAGE_STATE_DIVORCED",
                                         state_label="已离婚", date="2026-03-02", parties=parties,
                                         office_code="421281", verification_count=2)
        if request.document_number:
            raise not_found("CERTIFICATE_NOT_OF_RECORD", "证书字号不是此婚姻登记记录发出的证书")
        if request.name == REGISTERED:
            return pb.RecordVerification(name=request.name, document_number="J421281-2026-000001", record_kind="结婚登记",
                                         state="MARRIAGE_STATE_REGISTERED", state_label="已登记结婚", date="2026-11-30",
                                         parties=parties, office_code="421281", verification_count=3)
        if request.name == DIVORCED:
            return pb.RecordVerification(name=request.name, document_number="J421281-2020-000007", record_kind="结婚登记",
                                         state="MARRIAGE_STATE_DIVORCED", state_label="已离婚", date="2020-05-20",
                                         parties=parties, office_code="421281", verification_count=1)
        if request.name == RECEIPT:
            return pb.RecordVerification(name=request.name, document_number="SL421281-2026-000001",
                                         record_kind="离婚登记申请", state="DIVORCE_STATE_DEEMED_WITHDRAWN",
                                         state_label="已视为撤回离婚登记申请", date="2026-01-05", parties=parties,
                                         office_code="421281", verification_count=1)
        if request.name == DIVORCE:
            return pb.RecordVerification(name=request.name, document_number="L421281-2026-000002",
                                         record_kind="离婚登记", state="DIVORCE_STATE_DIVORCED",
                                         state_label="已办理离婚登记", date="2026-02-10", parties=parties,
                                         office_code="421281", verification_count=1)
        raise not_found("RECORD_NOT_FOUND", "记录不存在")


@dataclass
class Harness:
    client: httpx.AsyncClient
    service: FakeMarriages
    links: VerifyLinks
    issuer: TokenIssuer
    clock: FakeClock

    def bearer(self, role: str) -> dict[str, str]:
        # a registrar whose training assessment is current (rules.md §1.4) by the gateway's clock
        assessed = self.clock.today() - dt.timedelta(days=100)
        token = self.issuer.issue(Caller(role, roles=frozenset({role}), jurisdiction="421281"),
                                  assessed_on=assessed).token
        return {"Authorization": f"Bearer {token}"}


async def _problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Problem)
    return exc.response(request.state.request_id)


@pytest_asyncio.fixture
async def harness() -> AsyncIterator[Harness]:
    private, public = generate_keypair()
    service = FakeMarriages()
    server = grpc.aio.server(interceptors=[RequestContextInterceptor(), ErrorInterceptor("marriage"),
                                           CallerAuthInterceptor(CallerVerifier(public))])
    pb_grpc.add_MarriageServiceServicer_to_server(service, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    routes = RouteTable.from_services(load_services())
    backends = Backends({"marriage": f"127.0.0.1:{port}"})
    links = VerifyLinks(KEY)
    issuer = TokenIssuer(KEY, 900)
    clock = FakeClock()  # the gateway's clock: 2024-03-01 in Beijing
    auth = Authenticator(issuer, Revocations(None, 900), clock)  # type: ignore[arg-type] - nothing revoked, no database
    caller_tokens = CallerTokens(CallerSigner(private), clock=clock)
    verification = PublicVerification(routes, backends, caller_tokens, 5.0, links)
    app = Starlette(routes=[*PrintApi(auth, routes, links, backends, caller_tokens, 5.0, clock).routes(),
                            *verification.routes()],
                    middleware=[Middleware(RequestMiddleware, metrics=Metrics())], exception_handlers={Problem: _problem})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://civic.test") as client:
        yield Harness(client, service, links, issuer, clock)
    await backends.close()
    await server.stop(grace=None)


async def test_a_current_record_is_verified_as_the_public_caller_with_masked_data(harness):
    page = await harness.client.get(f"/verify/{harness.links.for_record(REGISTERED)}")
    assert page.status_code == 200
    assert "核验通过" in page.text and "已登记结婚" in page.text and "J421281-2026-000001" in page.text
    assert "4212**********0112" in page.text and "累计核验次数" in page.text
    name, caller = harness.service.callers[-1]
    assert name == REGISTERED
    assert caller.subject == "public-verification" and caller.roles == frozenset({"public_verifier"})


async def test_a_divorced_or_lapsed_record_says_so(harness):
    divorced = await harness.client.get(f"/verify/{harness.links.for_record(DIVORCED)}")
    assert divorced.status_code == 200 and "已离婚" in divorced.text and "状态已变更" in divorced.text
    lapsed = await harness.client.get(f"/verify/{harness.links.for_record(RECEIPT)}")
    assert "已视为撤回离婚登记申请" in lapsed.text and "verdict-changed" in lapsed.text
    english = await harness.client.get(f"/verify/{harness.links.for_record(RECEIPT)}?lang=en")
    assert "Lapsed (deemed withdrawn)" in english.text and english.cookies.get("civic_lang") == "en"


async def test_unknown_and_forged_links(harness):
    missing = await harness.client.get(f"/verify/{harness.links.for_record('marriages/0190c0de-0000-7000-8000-00000000dead')}")
    assert missing.status_code == 404 and "未找到" in missing.text
    forged = await harness.client.get(f"/verify/{VerifyLinks('x' * 48).for_record(REGISTERED)}")
    assert forged.status_code == 404 and "核验码无效" in forged.text
    assert [n for n, _ in harness.service.callers] == ["marriages/0190c0de-0000-7000-8000-00000000dead"]


async def test_verify_links_only_for_staff_who_may_read_the_record(harness):
    made = await harness.client.post("/ui/api/verify-links", json={"name": REGISTERED},
                                      headers=harness.bearer("marriage_counselor"))
    assert made.status_code == 200
    body = made.json()
    assert re.fullmatch(r"http://civic\.test/verify/[\w-]+\.[\w-]+\.[\w-]+", body["url"])
    assert body["qr"].startswith("data:image/svg+xml;base64,")
    assert harness.links.read(body["url"].rsplit("/", 1)[1]).record == REGISTERED
    # Read first as the caller reads it: the service decides whether she may see the record.
    assert harness.service.reads == [(REGISTERED, harness.service.reads[0][1])]
    assert harness.service.reads[0][1].subject == "marriage_counselor"
    unknown = await harness.client.post("/ui/api/verify-links", json={"name": RECEIPT.replace("3", "9")},
                                        headers=harness.bearer("marriage_registrar"))
    assert unknown.status_code == 404 and unknown.json()["reason"] == "APPLICATION_NOT_FOUND"
    denied = await harness.client.post("/ui/api/verify-links", json={"name": REGISTERED},
                                       headers=harness.bearer("funeral_officer"))
    assert denied.status_code == 403
    anonymous = await harness.client.post("/ui/api/verify-links", json={"name": REGISTERED})
    assert anonymous.status_code == 401
    bad = await harness.client.post("/ui/api/verify-links", json={"name": "appointments/1"},
                                    headers=harness.bearer("marriage_registrar"))
    assert bad.status_code == 400 and bad.json()["violations"][0]["field"] == "name"


async def test_a_refusal_notice_is_numbered_signed_and_verifies_masked(harness):
    notice = {"reason": "PARTY_ALREADY_MARRIED", "detail": "男方（张伟）在婚姻登记信息库中登记为有配偶",
              "officeCode": "421281", "officeName": "赤壁市婚姻登记处",
              "parties": [{"name": "张伟", "idNumber": "421281199001010112"}, {"name": "王芳", "idNumber": "4212**********0229"}]}
    made = await harness.client.post("/ui/api/refusal-notices", json=notice, headers=harness.bearer("marriage_registrar"))
    assert made.status_code == 200, made.text
    body = made.json()
    # Dated and numbered by the gateway's day (as the rest of the gateway), not the machine's wall clock.
    assert re.fullmatch(r"BY421281-20240301-\w{6}", body["number"]) and body["date"] == "2024-03-01"
    assert body["parties"][0] == {"name": "张*", "idNumber": "4212**********0112"}
    page = await harness.client.get(body["url"].removeprefix("http://civic.test"))
    assert page.status_code == 200 and "本告知书由婚姻登记机关出具" in page.text
    assert "男方（张*）在婚姻登记信息库中登记为有配偶" in page.text
    assert "张伟" not in page.text and "421281199001010112" not in page.text and "累计核验次数" not in page.text
    assert harness.service.callers == []
    counselor = await harness.client.post("/ui/api/refusal-notices", json=notice, headers=harness.bearer("marriage_counselor"))
    assert counselor.status_code == 403
    empty = await harness.client.post("/ui/api/refusal-notices", json={"parties": []}, headers=harness.bearer("marriage_registrar"))
    assert empty.status_code == 400
    assert {v["field"] for v in empty.json()["violations"]} >= {"reason", "detail", "officeCode", "parties"}


async def test_a_divorce_refusal_notice_is_the_refusal_on_record_titled_for_the_divorce(harness):
    """不予离婚登记 prints the same numbered, signed notice, named for the divorce registration on the
    verification page too. Its reason, office, parties and day are the application's, read as the
    caller reads it: the notice is dated by the day of the refusal and numbered by the application, so
    a reprint on a later day is the same notice. Who may issue it is RefuseDivorce's policy."""
    notice = {"kind": "divorce", "application": REFUSED, "officeName": "赤壁市婚姻登记处",
              # what an older page sent: not taken for a refusal on record
              "reason": "DIVORCE_REFUSED", "detail": "另写的理由", "officeCode": "421202",
              "parties": [{"name": "李四", "idNumber": "4212**********0112"}]}
    made = await harness.client.post("/ui/api/refusal-notices", json=notice, headers=harness.bearer("marriage_registrar"))
    assert made.status_code == 200, made.text
    body = made.json()
    assert body["number"] == "BY421281-20240220-00A5C1" and body["date"] == "2024-02-20"
    assert body["detail"] == "男方张伟当场表示不同意离婚"
    assert body["parties"] == [{"name": "张*", "idNumber": "4212**********0112"},
                               {"name": "王*", "idNumber": "4212**********0229"}]
    assert harness.service.reads[-1] == (REFUSED, harness.service.reads[-1][1])
    assert harness.service.reads[-1][1].subject == "marriage_registrar"
    page = await harness.client.get(body["url"].removeprefix("http://civic.test"))
    assert page.status_code == 200 and "不予办理离婚登记告知书" in page.text and "不予办理结婚登记告知书" not in page.text
    assert "男方张*当场表示不同意离婚" in page.text and "张伟" not in page.text and "另写的理由" not in page.text
    assert "2024-02-20" in page.text
    harness.clock.advance(days=9)  # printed again later: the same notice
    again = (await harness.client.post("/ui/api/refusal-notices", json=notice,
                                       headers=harness.bearer("marriage_registrar"))).json()
    assert (again["number"], again["date"]) == (body["number"], body["date"])

    pending = await harness.client.post("/ui/api/refusal-notices", json={**notice, "application": RECEIPT},
                                        headers=harness.bearer("marriage_registrar"))
    assert pending.status_code == 409 and pending.json()["reason"] == "NOT_REFUSED"
    for missing in ({k: v for k, v in notice.items() if k != "application"}, {**notice, "application": REGISTERED}):
        refused = await harness.client.post("/ui/api/refusal-notices", json=missing,
                                            headers=harness.bearer("marriage_registrar"))
        assert refused.status_code == 400 and refused.json()["violations"][0]["field"] == "application"
    marriage = await harness.client.post(
        "/ui/api/refusal-notices", json={**notice, "kind": "marriage", "officeCode": "421281"},
        headers=harness.bearer("marriage_registrar"))
    page = await harness.client.get(marriage.json()["url"].removeprefix("http://civic.test"))
    assert "不予办理结婚登记告知书" in page.text and "不予办理离婚登记告知书" not in page.text
    counselor = await harness.client.post("/ui/api/refusal-notices", json=notice, headers=harness.bearer("marriage_counselor"))
    assert counselor.status_code == 403
    for kind in ("funeral", ["divorce"]):
        other = await harness.client.post("/ui/api/refusal-notices", json={**notice, "kind": kind},
                                          headers=harness.bearer("marriage_registrar"))
        assert other.status_code == 400 and other.json()["violations"][0]["field"] == "kind"


async def test_a_divorce_certificate_stands_while_its_receipt_has_moved_on(harness):
    """One registered divorce application, two printed documents: its divorce certificate is borne
    out by the registered state; its acceptance receipt is not (the cooling-off is over)."""
    certificate = await harness.client.get(f"/verify/{harness.links.for_record(DIVORCE, 'divorceCertificate')}")
    assert "verdict-current" in certificate.text and "L421281-2026-000002" in certificate.text
    receipt = await harness.client.get(f"/verify/{harness.links.for_record(DIVORCE)}")
    assert "verdict-changed" in receipt.text
    made = await harness.client.post("/ui/api/verify-links", json={"name": DIVORCE, "document": "divorceCertificate"},
                                     headers=harness.bearer("marriage_registrar"))
    assert made.status_code == 200 and harness.links.read(made.json()["url"].rsplit("/", 1)[1]).document
    wrong = await harness.client.post("/ui/api/verify-links", json={"name": DIVORCE, "document": "recordCertificate"},
                                      headers=harness.bearer("marriage_registrar"))
    assert wrong.status_code == 400 and wrong.json()["reason"] == "INVALID_DOCUMENT"


async def test_a_record_certificate_stands_after_the_divorce_a_marriage_certificate_does_not(harness):
    record = await harness.client.get(f"/verify/{harness.links.for_record(DIVORCED, 'recordCertificate')}")
    assert "verdict-current" in record.text and "已离婚" in record.text
    replacement = await harness.client.get(f"/verify/{harness.links.for_record(DIVORCED, 'divorceCertificate')}")
    assert "verdict-current" in replacement.text
    certificate = await harness.client.get(f"/verify/{harness.links.for_record(DIVORCED)}")
    assert "verdict-changed" in certificate.text


async def test_a_document_printed_under_its_own_number_is_verified_by_that_number(harness):
    """A record certificate (ZM…) printed from a divorced record: its link carries its number, the page
    shows that number and kind, and a number the record did not issue is not vouched for."""
    made = await harness.client.post("/ui/api/verify-links", headers=harness.bearer("marriage_registrar"), json={
        "name": DIVORCED, "document": "recordCertificate", "number": RECORD_CERTIFICATE})
    assert made.status_code == 200
    page = await harness.client.get(made.json()["url"].replace("http://civic.test", ""))
    assert "verdict-current" in page.text and RECORD_CERTIFICATE in page.text and "婚姻登记记录证明" in page.text
    assert "J421281-2020-000007" not in page.text and harness.service.numbers == [RECORD_CERTIFICATE]
    foreign = harness.links.for_record(DIVORCED, "recordCertificate", "ZM421281-2026-000010")
    assert (await harness.client.get(f"/verify/{foreign}")).status_code == 404
    for body in ({"name": DIVORCED, "number": "J421281-2020-000007"}, {"name": DIVORCE, "number": "L421281-2026-000002"},
                 {"name": DIVORCED, "number": 9}):
        refused = await harness.client.post("/ui/api/verify-links", json=body, headers=harness.bearer("marriage_registrar"))
        assert refused.status_code == 400 and refused.json()["reason"] == "INVALID_DOCUMENT_NUMBER"
