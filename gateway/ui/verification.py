"""The public verification page behind the QR codes: `/verify/<signed token>`, no sign-in.

A record's current state comes from the marriage service's VerifyRecord, called as the caller
"public-verification" (role public_verifier) through the gateway's own backend channels and
caller-token signing; the service counts the verification in the record's audit. A refusal
notice is no record: its signed content is shown as it was issued.
"""
from __future__ import annotations

import grpc
from servicekit.context import Caller
from servicekit.logging import get_logger
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.accounts.tokens import Principal
from gateway.authn import CallerTokens
from gateway.backends import BackendNotConfigured, Backends
from gateway.problems import Problem
from gateway.ratelimit import RateLimiter, client_address
from gateway.routes import Route as ApiRoute
from gateway.routes import RouteTable
from gateway.transcoding import to_json_dict
from gateway.ui.render import render
from gateway.ui.verify_links import InvalidLink, VerifyLinks

log = get_logger("civic.gateway.ui")
VERIFY_METHOD = "/civic.marriage.v1.MarriageService/VerifyRecord"
PUBLIC_CALLER = Caller(subject="public-verification", roles=frozenset({"public_verifier"}), kind="public")
VERIFICATIONS_PER_MINUTE = 60
# What the page can say (i18n keys verify.outcome.<outcome>).
OUTCOMES = ("current", "changed", "notice", "invalid", "not_found", "unavailable", "busy")
# States in which the document still stands as printed; any other state is shown as a warning. A
# record's own document (certificate, receipt) by default; a named one (verify_links.DOCUMENTS) by its own.
CURRENT_STATES = frozenset({"MARRIAGE_STATE_REGISTERED", "DIVORCE_STATE_COOLING_OFF", "DIVORCE_STATE_AWAITING_ISSUE"})
DOCUMENT_CURRENT_STATES = {
    "divorceCertificate": frozenset({"DIVORCE_STATE_DIVORCED", "MARRIAGE_STATE_DIVORCED"}),
    # It certifies the record as it was when issued; only a revoked registration, or a marriage a court
    # declared void or annulled (MARRIAGE_STATE_VOID), takes it back.
    "recordCertificate": frozenset({"MARRIAGE_STATE_REGISTERED", "MARRIAGE_STATE_DIVORCED",
                                    "MARRIAGE_STATE_ENDED_BY_DEATH"}),
}


class PublicVerification:
    def __init__(self, routes: RouteTable, backends: Backends, caller_tokens: CallerTokens, deadline_s: float,
                 links: VerifyLinks) -> None:
        # None while the generated code has no VerifyRecord: the page then says it is unavailable.
        self._route: ApiRoute | None = next((r for r in routes if r.full_method == VERIFY_METHOD), None)
        self._backends = backends
        self._caller_tokens = caller_tokens
        self._principal = Principal(PUBLIC_CALLER, "public-verification", 0.0, 0.0, "公众核验")
        self._deadline_s = deadline_s
        self._links = links
        self._limiter = RateLimiter({"verify": VERIFICATIONS_PER_MINUTE})

    def routes(self) -> list[Route]:
        return [Route("/verify/{token}", self.page, methods=["GET"])]

    async def page(self, request: Request) -> Response:
        try:
            self._limiter.check("verify", client_address(request))
        except Problem:
            return self._outcome(request, "busy", 429)
        try:
            claims = self._links.read(request.path_params["token"])
        except InvalidLink:
            return self._outcome(request, "invalid", 404)
        if claims.notice:
            return render(request, "verify.html", outcome="notice", notice=claims.notice, record=None, script="")
        try:
            reply = await self._verify(claims.record, claims.number, request.state.request_id)
        except grpc.aio.AioRpcError as error:
            log.warning("verification_failed", record=claims.record, code=error.code().name)
            if error.code() == grpc.StatusCode.NOT_FOUND:
                return self._outcome(request, "not_found", 404)
            return self._outcome(request, "unavailable", 503)
        except BackendNotConfigured:
            return self._outcome(request, "unavailable", 503)
        record = to_json_dict(reply)
        current = record.get("state") in DOCUMENT_CURRENT_STATES.get(claims.document, CURRENT_STATES)
        return render(request, "verify.html", outcome="current" if current else "changed", record=record,
                      notice=None, script="")

    async def _verify(self, name: str, number: str, request_id: str):
        metadata = self._caller_tokens.metadata(self._principal, request_id, self._route.policy)
        call = self._backends.unary(self._route)
        request = self._route.request_class(name=name, document_number=number)
        return await call(request, timeout=self._deadline_s, metadata=metadata)

    @staticmethod
    def _outcome(request: Request, outcome: str, status: int) -> Response:
        return render(request, "verify.html", status=status, outcome=outcome, record=None, notice=None, script="")
