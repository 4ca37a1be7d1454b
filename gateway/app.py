"""`create_app(settings)`: the gateway as one Starlette application."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from servicekit.caller_token import CallerSigner
from servicekit.clock import Clock, SystemClock
from servicekit.db import Database
from servicekit.logging import get_logger
from servicekit.schema_version import require_current_schema
from servicekit.server import DATABASE_START_WAIT_S
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route, request_response
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from gateway.accounts.bootstrap import ensure_bootstrap_admin, ensure_demo_accounts
from gateway.accounts.http import AdminApi, AuthApi
from gateway.accounts.passwords import Passwords
from gateway.accounts.revocations import Revocations
from gateway.accounts.signin import SignIn
from gateway.accounts.store import AccountStore
from gateway.accounts.tables import MIGRATIONS, SCHEMA
from gateway.accounts.tokens import TokenIssuer
from gateway.authn import Authenticator, CallerTokens
from gateway.backends import Backends
from gateway.descriptors import ServiceInfo, load_services
from gateway.feed import EventFeed, FeedApi
from gateway.middleware import RequestMiddleware
from gateway.openapi import OpenApiBuilder
from gateway.ops import BACKEND_PREFIX, Check, Metrics, Readiness, healthz
from gateway.problems import TITLES, Problem
from gateway.proxy import Proxy
from gateway.ratelimit import RateLimiter
from gateway.routes import RouteTable
from gateway.settings import GatewaySettings
from gateway.ui import ui_routes

log = get_logger("civic.gateway")
STATIC = Path(__file__).parent / "static"
PROXIED_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


@dataclass
class Gateway:
    """The assembled parts (as `app.state.gateway`, for the supervisor and tests)."""

    settings: GatewaySettings
    routes: RouteTable
    backends: Backends
    db: Database
    store: AccountStore
    revocations: Revocations
    issuer: TokenIssuer
    feed: EventFeed
    metrics: Metrics
    openapi: dict
    auth: Authenticator
    caller_tokens: CallerTokens
    clock: Clock


def create_app(
    settings: GatewaySettings,
    services: list[ServiceInfo] | None = None,
    clock: Clock | None = None,
    with_ui: bool = True,
    passwords: Passwords | None = None,
) -> Starlette:
    """The application; `services` defaults to every Civic service of the generated code. The web
    UI (gateway.ui) is built for those services: `with_ui=False` leaves it out (an API-only
    gateway, or a test with an API of its own). `clock` and `passwords` (the argon2id hasher) are
    for tests."""
    routes = RouteTable.from_services(load_services() if services is None else services)
    api_routes = routes.for_callers()  # served and documented; the UI's verification page uses all
    metrics = Metrics()
    db = Database(settings.database_url, SCHEMA, settings.db_pool_size)
    passwords = passwords or Passwords()
    issuer = TokenIssuer(settings.token_key.get_secret_value(), settings.token_ttl_s)
    revocations = Revocations(db, settings.token_ttl_s, settings.revocation_refresh_s)
    clock = clock or SystemClock()
    store = AccountStore(db, passwords, revocations, clock)
    auth = Authenticator(issuer, revocations, clock)
    limiter = RateLimiter({"auth": settings.auth_rate_per_minute, "bulk": settings.bulk_rate_per_minute})
    backends = Backends(settings.backends)
    feed = EventFeed(settings.nats_url)
    signin = SignIn(
        db, passwords, issuer, clock, settings.login_max_failures, settings.lockout_s,
        settings.session_max_s,
    )
    caller_tokens = CallerTokens(CallerSigner(settings.caller_private_key.get_secret_value()), clock=clock)
    openapi = OpenApiBuilder(api_routes, settings.feed_max_wait_s).build()
    openapi_json = json.dumps(openapi, ensure_ascii=False).encode()
    readiness = Readiness(
        {
            "database": db.ping,
            "nats": feed.ready,
            **{f"{BACKEND_PREFIX}{key}": _serving(backends, key) for key in sorted(settings.backends)},
        }
    )
    gateway = Gateway(
        settings,
        routes,
        backends,
        db,
        store,
        revocations,
        issuer,
        feed,
        metrics,
        openapi,
        auth,
        caller_tokens,
        clock,
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        stop = asyncio.Event()
        # Not on tables older than this code (a release's pods started beside its migration Job).
        await require_current_schema(db, SCHEMA, MIGRATIONS, wait_s=DATABASE_START_WAIT_S)
        await feed.start()
        await _bootstrap_accounts(settings, store, clock.today())
        await revocations.refresh()
        refresher = asyncio.ensure_future(revocations.run(stop))
        log.info("gateway_started", routes=len(routes), backends=sorted(settings.backends))
        try:
            yield
        finally:
            stop.set()
            await refresher
            await backends.close()
            await feed.close()
            await db.dispose()

    async def openapi_endpoint(request: Request) -> Response:
        return Response(openapi_json, media_type="application/json")

    async def docs(request: Request) -> Response:
        return FileResponse(STATIC / "docs.html", media_type="text/html; charset=utf-8")

    own_routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readiness.endpoint, methods=["GET"]),
        Route("/readyz/self", readiness.own_endpoint, methods=["GET"]),
        Route("/metrics", metrics.endpoint, methods=["GET"]),
        Route("/openapi.json", openapi_endpoint, methods=["GET"]),
        Route("/docs", docs, methods=["GET"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
        *AuthApi(signin, auth, revocations, limiter, clock).routes(),
        *AdminApi(store, auth, clock).routes(),
        Route("/v1/exchange/events", FeedApi(feed, auth, settings.feed_max_wait_s).events, methods=["GET"]),
        *(ui_routes(gateway) if with_ui else []),
    ]
    proxy = Proxy(api_routes, backends, auth, caller_tokens, limiter, metrics, settings, own_routes)
    app_routes = [*own_routes, Route("/{path:path}", _EveryMethod(proxy.handle))]
    middleware = [Middleware(RequestMiddleware, metrics=metrics)]
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origins,
                allow_methods=PROXIED_METHODS,
                allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id"],
                expose_headers=["X-Request-Id", "Retry-After"],
                max_age=600,
            )
        )
    app = Starlette(
        routes=app_routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={Problem: _problem_response, HTTPException: _http_exception},
    )
    app.state.gateway = gateway
    return app


class _EveryMethod:
    """A request handler as an ASGI endpoint, which a Route hands every method (a function endpoint
    would be GET only, and a list of methods leaves the rest to Starlette's 405). The proxy then
    refuses a method it has no route for itself: Allow names the methods of that path, in Chinese."""

    def __init__(self, handler: Callable[[Request], Awaitable[Response]]) -> None:
        self._app = request_response(handler)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)


def _serving(backends: Backends, key: str) -> Check:
    return lambda: backends.serving(key)


async def _bootstrap_accounts(settings: GatewaySettings, store: AccountStore, today: dt.date) -> None:
    admin = settings.bootstrap_admin_credentials()
    if admin is not None and await ensure_bootstrap_admin(store, *admin):
        log.info("bootstrap_admin_created", username=admin[0])
    if settings.demo_accounts:
        created = await ensure_demo_accounts(store, today)
        log.info("demo_accounts_ready", created=created)


async def _problem_response(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Problem)
    return exc.response(request.state.request_id)


async def _http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's own refusals (a missing static file, …): its detail is an English status phrase,
    so the problem says it in Chinese instead."""
    assert isinstance(exc, HTTPException)
    reasons = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}
    details = {404: "没有这个地址", 405: f"该地址不支持 {request.method} 方法"}
    status = exc.status_code
    problem = Problem(
        status,
        reasons.get(status, "HTTP_ERROR"),
        details.get(status) or TITLES.get(status) or TITLES[500 if status >= 500 else 400],
        headers=dict(exc.headers or {}),
    )
    return problem.response(request.state.request_id)
