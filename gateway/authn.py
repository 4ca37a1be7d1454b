"""Who is calling: the bearer token of a request, and the signed caller token sent on to services."""

from __future__ import annotations

import time

from servicekit.caller_token import METADATA_KEY, TTL_S, CallerSigner
from servicekit.clock import Clock, SystemClock
from servicekit.context import Caller
from servicekit.policy import MethodPolicy
from starlette.requests import Request

from gateway.accounts import qualification
from gateway.accounts.revocations import Revocations
from gateway.accounts.roles import ROLES
from gateway.accounts.tokens import InvalidToken, Principal, TokenIssuer
from gateway.problems import Problem, forbidden, unauthenticated

MAX_CACHED = 10_000


class Authenticator:
    def __init__(self, issuer: TokenIssuer, revocations: Revocations, clock: Clock | None = None) -> None:
        self._issuer = issuer
        self._revocations = revocations
        self._clock = clock or SystemClock()

    def principal(self, request: Request) -> Principal | None:
        """The verified bearer of the request; None without an Authorization header."""
        header = request.headers.get("authorization")
        if header is None:
            return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise unauthenticated("INVALID_TOKEN", "Authorization 须为 Bearer 令牌")
        try:
            principal = self._issuer.verify(token.strip())
        except InvalidToken as exc:
            raise unauthenticated("INVALID_TOKEN", "登录凭证无效或已过期，请重新登录") from exc
        if self._revocations.is_revoked(principal):
            raise unauthenticated("TOKEN_REVOKED", "登录凭证已注销，请重新登录")
        request.state.principal = principal
        return principal

    def require(self, request: Request) -> Principal:
        principal = self.principal(request)
        if principal is None:
            raise unauthenticated()
        return principal

    def require_allowed(self, request: Request, policy: MethodPolicy) -> Principal:
        principal = self.require(request)
        if not policy.allows(principal.caller):
            raise refusal(principal.caller, policy)
        self.require_qualified(principal, policy)
        return principal

    def require_qualified(self, principal: Principal, policy: MethodPolicy) -> None:
        """A registering call of a registrar whose training assessment has lapsed (or was never
        recorded) is refused, by the gateway's today (rules.md §1.4)."""
        if qualification.blocked(principal.caller, policy, principal.assessed_on, self._clock.today()):
            raise qualification.not_qualified(principal.assessed_on)


def refusal(caller: Caller, policy: MethodPolicy) -> Problem:
    """A 403 that names what the operation needs: an exchange client its scope (with RFC 6750's
    insufficient_scope challenge), staff the roles."""
    if caller.kind == "client":
        if not policy.scopes:
            return forbidden(detail="数据交换客户端无权调用此接口（仅限工作人员）")
        scopes = " ".join(sorted(policy.scopes))
        problem = forbidden(detail=f"需要授权范围 {scopes}：请以含该范围的客户端凭证重新换取令牌")
        problem.headers["WWW-Authenticate"] = (
            f'Bearer realm="civic", error="insufficient_scope", scope="{scopes}"'
        )
        return problem
    if not policy.roles:
        return forbidden(detail="工作人员账号无权调用此接口（仅限数据交换客户端）")
    roles = "、".join(ROLES.get(role, role) for role in sorted(policy.roles))
    return forbidden(detail=f"当前账号无权执行此操作，需要以下角色之一：{roles}")


class CallerTokens:
    """Signed caller tokens, one per bearer token, reused while at least half their life is left
    (signing on every call would cost more than the rest of the gateway's work)."""

    def __init__(self, signer: CallerSigner, ttl_s: int = TTL_S, clock: Clock | None = None) -> None:
        self._signer = signer
        self._ttl_s = ttl_s
        self._clock = clock or SystemClock()
        self._cache: dict[tuple[str, frozenset[str]], tuple[str, float]] = {}

    def for_principal(self, principal: Principal, policy: MethodPolicy) -> str:
        """The caller token of a call under ``policy``: a registrar not qualified today is signed
        without `marriage_registrar` for anything but reads, so a service refuses it as well."""
        caller = qualification.signed_caller(principal.caller, policy, principal.assessed_on, self._clock.today())
        key = (principal.token_id, caller.roles)
        now = time.monotonic()
        cached = self._cache.get(key)
        if cached is not None and cached[1] > now:
            return cached[0]
        if len(self._cache) >= MAX_CACHED:
            self._cache = {k: v for k, v in self._cache.items() if v[1] > now}
            if len(self._cache) >= MAX_CACHED:
                self._cache.clear()
        token = self._signer.sign(caller, self._ttl_s)
        self._cache[key] = (token, now + self._ttl_s / 2)
        return token

    def metadata(
        self, principal: Principal, request_id: str, policy: MethodPolicy
    ) -> tuple[tuple[str, str], ...]:
        """The gRPC metadata of a backend call made for ``principal`` under the method's ``policy``:
        the request id and the signed caller."""
        return (("x-request-id", request_id), (METADATA_KEY, self.for_principal(principal, policy)))
