"""Around every request: the request id, security headers, one log line, metrics, and a problem
response (never a stack trace) for anything unexpected."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable

import structlog
from servicekit.logging import get_logger
from servicekit.uuid7 import uuid7
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.ops import Metrics
from gateway.problems import Problem

log = get_logger("civic.http")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
        "form-action 'self'"
    ),
    "Cross-Origin-Opener-Policy": "same-origin",
    # Responses carry personal data and tokens: no cache keeps them.
    "Cache-Control": "no-store",
}


_RAW_SECURITY_HEADERS = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]


def with_gateway_headers(headers: Iterable[tuple[bytes, bytes]], request_id: str) -> list[tuple[bytes, bytes]]:
    """The response's headers with X-Request-Id set and each security header the response did not
    set itself."""
    raw = [(name, value) for name, value in headers if name.lower() != b"x-request-id"]
    present = {name.lower() for name, _ in raw}
    raw.append((b"x-request-id", request_id.encode("latin-1")))
    raw.extend(item for item in _RAW_SECURITY_HEADERS if item[0] not in present)
    return raw


def request_id_from(headers: Headers) -> str:
    """The client's X-Request-Id when it is sane, else a new one."""
    given = headers.get("x-request-id", "")
    return given if _REQUEST_ID.match(given) else str(uuid7())


class RequestMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = request_id_from(Headers(scope=scope))
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        response_started = False
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal response_started, status
            if message["type"] == "http.response.start":
                response_started, status = True, message["status"]
                message["headers"] = with_gateway_headers(message.get("headers", ()), request_id)
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_headers)
            except Exception:
                log.exception("request_failed", method=scope["method"])
                if response_started:
                    raise
                await Problem(500, "INTERNAL", "内部错误，请稍后重试或联系管理员").response(request_id)(
                    scope, receive, send_with_headers
                )
            finally:
                seconds = time.perf_counter() - started
                route = state.get("route") or getattr(scope.get("route"), "path", None) or "unmatched"
                self.metrics.observe(route, scope["method"], status, seconds)
                principal = state.get("principal")
                log.info(
                    "http_request",
                    method=scope["method"],
                    route=route,
                    status=status,
                    duration_ms=round(seconds * 1000, 2),
                    caller=principal.subject if principal else None,
                )
