"""HTTP endpoints of sign-in (`/v1/auth/*`) and account administration (`/v1/admin/*`)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any
from urllib.parse import parse_qsl, unquote

from servicekit.clock import Clock
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.accounts import qualification
from gateway.accounts.revocations import Revocations
from gateway.accounts.roles import ADMIN
from gateway.accounts.signin import SignIn
from gateway.accounts.store import Account, AccountStore, Actor, NewClient, NewUser, parse_assessed_on
from gateway.authn import Authenticator
from gateway.bodies import (
    FORM_TYPE,
    is_json,
    json_response,
    media_type,
    read_body,
    read_json,
    unsupported_media_type,
)
from gateway.problems import Problem, Violation, bad_request, forbidden
from gateway.ratelimit import RateLimiter, client_address
from gateway.transcoding import parse_json

TOKEN_BODY_LIMIT = 16 << 10
BASIC_CHALLENGE = 'Basic realm="civic", charset="UTF-8"'
ADMIN_BODY_LIMIT = 64 << 10
# Both spellings, as everywhere in the API: OAuth's snake_case and the JSON API's camelCase.
_TOKEN_FIELDS = {
    "grant_type": "grant_type",
    "grantType": "grant_type",
    "username": "username",
    "password": "password",
    "client_id": "client_id",
    "clientId": "client_id",
    "client_secret": "client_secret",
    "clientSecret": "client_secret",
    "scope": "scope",
}


def _missing(*names: str) -> Problem:
    return bad_request("MISSING_CREDENTIALS", "缺少登录信息", [Violation(n, "必填") for n in names])


class AuthApi:
    def __init__(
        self,
        signin: SignIn,
        auth: Authenticator,
        revocations: Revocations,
        limiter: RateLimiter,
        clock: Clock,
    ) -> None:
        self._signin = signin
        self._clock = clock
        self._auth = auth
        self._revocations = revocations
        self._limiter = limiter

    def routes(self) -> list[Route]:
        return [
            Route("/v1/auth/token", self.token, methods=["POST"]),
            Route("/v1/auth/renew", self.renew, methods=["POST"]),
            Route("/v1/auth/revoke", self.revoke, methods=["POST"]),
            Route("/v1/auth/me", self.me, methods=["GET"]),
        ]

    async def token(self, request: Request) -> Response:
        """OAuth 2.0 token endpoint: password grant (staff) and client-credentials grant (exchange)."""
        self._limiter.check("auth", client_address(request))
        form = await _token_request(request)
        grant = form.get("grant_type", "")
        if grant == "password":
            if not form.get("username") or not form.get("password"):
                raise _missing(*(n for n in ("username", "password") if not form.get(n)))
            issued = await self._signin.password(form["username"], form["password"])
        elif grant == "client_credentials":
            client_id, secret = _client_credentials(request, form)
            scopes = frozenset(form["scope"].split()) if form.get("scope", "").strip() else None
            try:
                issued = await self._signin.client_credentials(client_id, secret, scopes)
            except Problem as refused:
                if refused.status == 401 and _basic_header(request):
                    refused.headers.setdefault("WWW-Authenticate", BASIC_CHALLENGE)
                raise
        else:
            raise bad_request(
                "UNSUPPORTED_GRANT_TYPE",
                "grant_type 须为 password 或 client_credentials",
                [Violation("grant_type", "应为 password 或 client_credentials")],
            )
        return json_response(issued.oauth_body(), headers={"Pragma": "no-cache"})

    async def renew(self, request: Request) -> Response:
        """A fresh token for the bearer's session (staff); the token it replaces stops working, so
        signing out with the new one ends the session."""
        principal = self._auth.require(request)
        issued = await self._signin.renew(principal)
        await self._revocations.revoke_token(principal)
        return json_response(issued.oauth_body(), headers={"Pragma": "no-cache"})

    async def revoke(self, request: Request) -> Response:
        """Sign out: the bearer token stops working (on every replica within the refresh time)."""
        principal = self._auth.require(request)
        await self._revocations.revoke_token(principal)
        return Response(status_code=204)

    async def me(self, request: Request) -> Response:
        principal = self._auth.require(request)
        caller = principal.caller
        expires = dt.datetime.fromtimestamp(principal.expires_at, dt.UTC)
        me: dict[str, Any] = {
            "subject": caller.subject,
            "kind": caller.kind,
            "displayName": principal.display_name,
            "roles": sorted(caller.roles),
            "scopes": sorted(caller.scopes),
            "jurisdiction": caller.jurisdiction,
            "expireTime": expires.isoformat().replace("+00:00", "Z"),
        }
        if qualification.REGISTRAR in caller.roles:  # rules.md §1.4, by the gateway's today
            me["registrarQualification"] = qualification.standing(
                principal.assessed_on, self._clock.today()
            ).to_json()
        return json_response(me)


async def _token_request(request: Request) -> dict[str, str]:
    kind = media_type(request)
    raw = await read_body(request, TOKEN_BODY_LIMIT)
    if is_json(kind):
        document = parse_json(raw) if raw.strip() else {}
        if not isinstance(document, dict):
            raise bad_request("INVALID_TOKEN_REQUEST", "请求体应为 JSON 对象")
        pairs = list(document.items())
    elif kind in (FORM_TYPE, ""):
        try:
            pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
        except UnicodeDecodeError as exc:
            raise bad_request("INVALID_TOKEN_REQUEST", "请求体不是有效的 UTF-8 文本") from exc
    else:
        raise unsupported_media_type(kind, f"{FORM_TYPE} 或 application/json")
    form: dict[str, str] = {}
    violations = []
    for key, value in pairs:
        name = _TOKEN_FIELDS.get(key)
        if name is None:
            continue  # RFC 6749 §3.2: unrecognized parameters are ignored (OAuth libraries add their own)
        if not isinstance(value, str):
            violations.append(Violation(key, "应为字符串"))
        elif name in form:
            violations.append(Violation(key, "字段重复"))
        else:
            form[name] = value
    if violations:
        raise bad_request("INVALID_TOKEN_REQUEST", "登录请求有误", violations)
    return form


def _basic_header(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    return header[6:].strip() if header.lower().startswith("basic ") else None


def _client_credentials(request: Request, form: dict[str, str]) -> tuple[str, str]:
    """client_secret_basic (Authorization: Basic) or client_secret_post (in the body). A failed Basic
    authentication is a 401 with a Basic challenge (RFC 6749 §5.2)."""
    basic = _basic_header(request)
    if basic is not None:
        try:
            decoded = base64.b64decode(basic, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise Problem(
                401,
                "INVALID_CREDENTIALS",
                "Authorization: Basic 无法解码：应为“客户端标识:密钥”的 UTF-8 文本经 Base64 编码",
                headers={"WWW-Authenticate": BASIC_CHALLENGE},
            ) from exc
        client_id, _, secret = decoded.partition(":")
        return unquote(client_id), unquote(secret)
    if not form.get("client_id") or not form.get("client_secret"):
        raise _missing(*(n for n in ("client_id", "client_secret") if not form.get(n)))
    return form["client_id"], form["client_secret"]


class AdminApi:
    """Accounts of staff (`/v1/admin/users`) and exchange clients (`/v1/admin/clients`), for admins.
    An admin manages the accounts inside their own jurisdiction."""

    def __init__(self, store: AccountStore, auth: Authenticator, clock: Clock) -> None:
        self._store = store
        self._auth = auth
        self._clock = clock

    def routes(self) -> list[Route]:
        return [
            Route("/v1/admin/users", self.list_users, methods=["GET"]),
            Route("/v1/admin/users", self.create_user, methods=["POST"]),
            Route("/v1/admin/users/{username}:unlock", self.unlock_user, methods=["POST"]),
            Route("/v1/admin/users/{username}", self.get_user, methods=["GET"]),
            Route("/v1/admin/users/{username}", self.update_user, methods=["PATCH"]),
            Route("/v1/admin/clients", self.list_clients, methods=["GET"]),
            Route("/v1/admin/clients", self.create_client, methods=["POST"]),
            Route("/v1/admin/clients/{client_id}:rotateSecret", self.rotate_client_secret, methods=["POST"]),
            Route("/v1/admin/clients/{client_id}", self.update_client, methods=["PATCH"]),
        ]

    def _admin(self, request: Request) -> Actor:
        principal = self._auth.require(request)
        if ADMIN not in principal.caller.roles:
            raise forbidden(detail="仅账号管理员可以管理账号")
        return Actor(principal.subject, request.state.request_id, principal.caller.jurisdiction)

    def _account(self, account: Account) -> dict[str, Any]:
        """An account as the API shows it: a registrar's with their standing (rules.md §1.4) by the
        gateway's today, as /v1/auth/me shows it to them — the admin's screen lists it."""
        shown = account.to_json()
        if qualification.REGISTRAR in account.roles:
            shown["registrarQualification"] = qualification.standing(
                account.assessed_on, self._clock.today()
            ).to_json()
        return shown

    async def list_users(self, request: Request) -> Response:
        accounts = await self._store.list_users(self._admin(request))
        return json_response({"users": [self._account(a) for a in accounts]})

    async def get_user(self, request: Request) -> Response:
        account = await self._store.get_user(request.path_params["username"], self._admin(request))
        return json_response(self._account(account))

    async def create_user(self, request: Request) -> Response:
        actor = self._admin(request)
        body = _fields(
            await _object(request),
            {"username": str, "password": str, "roles": list, "jurisdiction": str, "displayName": str,
             "assessedOn": (str, type(None))},
            required=("username", "password", "roles"),
        )
        assessed_on, problem = parse_assessed_on(body.get("assessedOn"))
        if problem:
            raise bad_request("INVALID_ACCOUNT", "账号信息有误", [Violation("assessedOn", problem)])
        spec = NewUser(
            body["username"],
            body["password"],
            tuple(body["roles"]),
            body.get("jurisdiction", ""),
            body.get("displayName", ""),
            assessed_on,
        )
        account = await self._store.create_user(spec, actor)
        return json_response(self._account(account), status=201)

    async def update_user(self, request: Request) -> Response:
        actor = self._admin(request)
        changes = await self._store.user_changes(await _object(request), actor)
        account = await self._store.update_user(request.path_params["username"], changes, actor)
        return json_response(self._account(account))

    async def unlock_user(self, request: Request) -> Response:
        account = await self._store.unlock_user(request.path_params["username"], self._admin(request))
        return json_response(self._account(account))

    async def list_clients(self, request: Request) -> Response:
        clients = await self._store.list_clients(self._admin(request))
        return json_response({"clients": [c.to_json() for c in clients]})

    async def create_client(self, request: Request) -> Response:
        actor = self._admin(request)
        body = _fields(
            await _object(request),
            {"clientId": str, "scopes": list, "jurisdiction": str, "displayName": str},
            required=("clientId", "scopes"),
        )
        client, secret = await self._store.create_client(
            NewClient(
                body["clientId"],
                tuple(body["scopes"]),
                body.get("jurisdiction", ""),
                body.get("displayName", ""),
            ),
            actor,
        )
        return json_response({**client.to_json(), "clientSecret": secret}, status=201)

    async def update_client(self, request: Request) -> Response:
        actor = self._admin(request)
        changes = self._store.client_changes(await _object(request), actor)
        client = await self._store.update_client(request.path_params["client_id"], changes, actor)
        return json_response(client.to_json())

    async def rotate_client_secret(self, request: Request) -> Response:
        """A new secret, answered this once (the response is not cached: Cache-Control no-store)."""
        client, secret = await self._store.rotate_client_secret(
            request.path_params["client_id"], self._admin(request)
        )
        return json_response({**client.to_json(), "clientSecret": secret})


async def _object(request: Request) -> dict[str, Any]:
    body = await read_json(request, ADMIN_BODY_LIMIT, empty={})
    if not isinstance(body, dict):
        raise bad_request("INVALID_ARGUMENT", "请求体应为 JSON 对象", [Violation("", "应为 JSON 对象")])
    return body


def _fields(body: dict[str, Any], types: dict[str, Any], required: tuple[str, ...]) -> dict[str, Any]:
    violations = [Violation(k, "未知字段") for k in body if k not in types]
    violations += [
        Violation(k, "类型错误")
        for k, t in types.items()
        if k in body and (not isinstance(body[k], t) or (t is not bool and isinstance(body[k], bool)))
    ]
    violations += [Violation(k, "必填") for k in required if k not in body]
    if violations:
        raise bad_request("INVALID_ARGUMENT", "请求中有字段无效", violations)
    return body
