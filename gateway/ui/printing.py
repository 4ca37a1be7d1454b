"""What print pages ask the server for (signed in): the verification link and QR code of a record,
and a numbered, signed refusal notice (不予登记告知书), which is not a record of any service."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

import grpc
from servicekit.clock import Clock
from servicekit.logging import get_logger
from servicekit.pii import mask_id, mask_name, mask_text
from servicekit.policy import MethodPolicy
from servicekit.uuid7 import uuid7
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.accounts.tokens import Principal
from gateway.authn import Authenticator, CallerTokens
from gateway.backends import BackendNotConfigured, Backends
from gateway.bodies import json_response, read_json
from gateway.problems import Problem, Violation, bad_request, forbidden, from_rpc_error
from gateway.routes import Route as ApiRoute
from gateway.routes import RouteTable
from gateway.ui.qr import qr_data_url
from gateway.ui.verify_links import VerifyLinks, is_document_of, is_number_for, is_record_name

log = get_logger("civic.gateway.ui")
BODY_LIMIT = 16 << 10
MARRIAGE_SERVICE = "/civic.marriage.v1.MarriageService/"
# Who may print what: the roles that may read the record (or register, for a refusal).
READ_METHOD = {"marriages/": "GetMarriage", "divorceApplications/": "GetDivorceApplication"}
# A refusal notice's kind → the call whose refusal it tells of (its policy says who may issue it).
REFUSING_METHOD = {"marriage": "RegisterMarriage", "divorce": "RefuseDivorce"}
_REASON = re.compile(r"^[A-Z][A-Z0-9_]{1,63}$")
_OFFICE = re.compile(r"^[0-9]{6}([0-9]{6})?$")


def verify_url(request: Request, token: str) -> str:
    return f"{str(request.base_url).rstrip('/')}/verify/{token}"


def _route(routes: RouteTable, method: str) -> ApiRoute:
    return next(r for r in routes if r.full_method == MARRIAGE_SERVICE + method)


def _policy(routes: RouteTable, method: str) -> MethodPolicy:
    return _route(routes, method).policy


def _text(body: dict[str, Any], key: str, limit: int, violations: list[Violation], pattern: re.Pattern[str] | None = None,
          where: str = "") -> str:
    value = body.get(key, "")
    field = f"{where}{key}"
    if not isinstance(value, str) or not value.strip():
        violations.append(Violation(field, "必填"))
        return ""
    value = value.strip()
    if len(value) > limit or (pattern is not None and not pattern.match(value)):
        violations.append(Violation(field, "格式无效"))
    return value


class PrintApi:
    def __init__(self, auth: Authenticator, routes: RouteTable, links: VerifyLinks, backends: Backends,
                 caller_tokens: CallerTokens, deadline_s: float, clock: Clock) -> None:
        self._auth = auth
        self._clock = clock  # the gateway's: a notice is dated by the same day as the rest of the gateway
        self._links = links
        self._read = {prefix: _route(routes, method) for prefix, method in READ_METHOD.items()}
        self._refuse = {kind: _policy(routes, method) for kind, method in REFUSING_METHOD.items()}
        self._backends = backends
        self._caller_tokens = caller_tokens
        self._deadline_s = deadline_s

    def routes(self) -> list[Route]:
        return [Route("/ui/api/verify-links", self.verify_link, methods=["POST"]),
                Route("/ui/api/refusal-notices", self.refusal_notice, methods=["POST"])]

    async def verify_link(self, request: Request) -> Response:
        """{name, document?, number?} → {url, qr}: the QR code of a certificate or acceptance receipt
        (document: which of a record's printed documents, e.g. divorceCertificate, none = its own;
        number: the document's own number where it is not the record's, e.g. a replacement's BJ…)."""
        principal = self._auth.require(request)
        body = await read_json(request, BODY_LIMIT, empty={})
        name = body.get("name") if isinstance(body, dict) else None
        if not isinstance(name, str) or not is_record_name(name):
            raise bad_request("INVALID_NAME", "应为 marriages/{id} 或 divorceApplications/{id}",
                              [Violation("name", "格式无效")])
        document = body.get("document", "")
        if not isinstance(document, str) or not is_document_of(document, name):
            raise bad_request("INVALID_DOCUMENT", "该记录没有此种文书", [Violation("document", "格式无效")])
        number = body.get("number", "")
        if not isinstance(number, str) or not is_number_for(number, name):
            raise bad_request("INVALID_DOCUMENT_NUMBER", "文书编号应为结婚登记记录发出的证书字号，如 BJ421281-2024-000001",
                              [Violation("number", "格式无效")])
        read = next(r for prefix, r in self._read.items() if name.startswith(prefix))
        if not read.policy.allows(principal.caller):
            raise forbidden()
        await self._require_readable(request, read, principal, name)
        url = verify_url(request, self._links.for_record(name, document, number))
        log.info("verify_link_issued", record=name, document=document, number=number,
                 caller=principal.subject)
        return json_response({"url": url, "qr": qr_data_url(url)})

    async def _require_readable(self, request: Request, read: ApiRoute, principal: Principal, name: str) -> Any:
        """The record is read as the caller reads it (GetMarriage, GetDivorceApplication): a link is
        signed only for a record the caller may see — not for any id of another jurisdiction."""
        metadata = self._caller_tokens.metadata(principal, request.state.request_id, read.policy)
        try:
            return await self._backends.unary(read)(read.request_class(name=name), timeout=self._deadline_s,
                                                    metadata=metadata)
        except grpc.aio.AioRpcError as error:
            raise from_rpc_error(error) from None
        except BackendNotConfigured:
            raise Problem(503, "BACKEND_NOT_CONFIGURED", f"{read.service.key} 服务未配置地址") from None

    async def refusal_notice(self, request: Request) -> Response:
        """The refusal's reason and parties → a numbered notice whose QR code carries it, masked.
        `kind`: the registration refused — marriage (the default) or divorce (不予离婚登记)."""
        principal = self._auth.require(request)
        body = await read_json(request, BODY_LIMIT, empty={})
        if not isinstance(body, dict):
            raise bad_request("INVALID_ARGUMENT", "请求体应为 JSON 对象", [Violation("", "应为 JSON 对象")])
        kind = body.get("kind") or "marriage"
        if not isinstance(kind, str) or kind not in REFUSING_METHOD:
            raise bad_request("INVALID_ARGUMENT", "告知书种类应为 marriage 或 divorce", [Violation("kind", "格式无效")])
        refuse = self._refuse[kind]
        if not refuse.allows(principal.caller):
            raise forbidden()
        # A refusal is a registrar's decision: not while their assessment has lapsed (rules.md §1.4).
        self._auth.require_qualified(principal, refuse)
        if kind == "divorce":
            refused = await self._refused_application(request, principal, body)
        else:
            refused = _typed_refusal(body, self._clock.today())
        reason, detail, office, office_name, parties, day, serial = refused
        number = f"BY{office}-{day:%Y%m%d}-{serial}"
        masked = [{"name": mask_name(name), "idNumber": mask_id(id_number)} for name, id_number in parties]
        public_detail = mask_text(detail)
        for (name, _), shown in zip(parties, masked):
            public_detail = public_detail.replace(name, shown["name"])
        notice = {"no": number, "date": day.isoformat(), "office": office, "officeName": office_name,
                  "detail": public_detail, "parties": masked}
        if kind != "marriage":  # a marriage's notice names no kind, as those issued before kinds did
            notice["kind"] = kind
        url = verify_url(request, self._links.for_notice(notice))
        log.info("refusal_notice_issued", number=number, kind=kind, reason=reason, caller=principal.subject)
        return json_response({"number": number, "date": day.isoformat(), "parties": masked, "url": url,
                              "qr": qr_data_url(url), "detail": detail})

    async def _refused_application(self, request: Request, principal: Principal, body: dict[str, Any]) -> _Refusal:
        """A divorce's notice tells of a refusal on record (RefuseDivorce): the application is read as
        the caller reads it, and the notice carries its reason, office and parties, dated by the day of
        the refusal and numbered by the application — a reprint is the same notice, not a new one
        dated the day it was printed again."""
        name = body.get("application")
        if not isinstance(name, str) or not name.startswith("divorceApplications/") or not is_record_name(name):
            raise bad_request("INVALID_NAME", "应为不予离婚登记的申请 divorceApplications/{id}",
                              [Violation("application", "格式无效")])
        violations: list[Violation] = []
        office_name = _text(body, "officeName", 50, violations)
        if violations:
            raise bad_request("INVALID_ARGUMENT", "告知书内容不完整", violations)
        app = await self._require_readable(request, self._read["divorceApplications/"], principal, name)
        state = app.DESCRIPTOR.fields_by_name["state"].enum_type.values_by_number[app.state].name
        if state != "DIVORCE_STATE_REFUSED" or not app.close_date:
            raise Problem(409, "NOT_REFUSED", "该离婚登记申请未被决定不予登记，不能出具不予登记告知书")
        parties = [(p.name, p.id_number) for p in app.parties]
        serial = name.rsplit("/", 1)[1].replace("-", "")[-6:].upper()
        return ("DIVORCE_REFUSED", app.refusal_reason, app.office_code, office_name, parties,
                dt.date.fromisoformat(app.close_date), serial)


# reason, detail, office code, office name, parties (name, ID number), the notice's day, its serial
_Refusal = tuple[str, str, str, str, list[tuple[str, str]], dt.date, str]


def _typed_refusal(body: dict[str, Any], today: dt.date) -> _Refusal:
    """A marriage's refusal is not on record (a refused registration writes nothing): the window
    sends what it refused and why, and the notice is issued that day under a number of its own."""
    violations: list[Violation] = []
    reason = _text(body, "reason", 64, violations, _REASON)
    detail = _text(body, "detail", 300, violations)
    office = _text(body, "officeCode", 12, violations, _OFFICE)
    office_name = _text(body, "officeName", 50, violations)
    raw_parties = body.get("parties")
    if not isinstance(raw_parties, list) or not 1 <= len(raw_parties) <= 2:
        violations.append(Violation("parties", "应为一至两名当事人"))
        raw_parties = []
    parties = []
    for index, party in enumerate(raw_parties):
        party = party if isinstance(party, dict) else {}
        where = f"parties[{index}]."
        parties.append((_text(party, "name", 50, violations, where=where),
                        _text(party, "idNumber", 20, violations, where=where)))
    if violations:
        raise bad_request("INVALID_ARGUMENT", "告知书内容不完整", violations)
    return reason, detail, office, office_name, parties, today, str(uuid7())[-6:].upper()
