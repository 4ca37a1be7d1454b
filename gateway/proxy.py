"""The JSON API of every service: match the route, check the caller, transcode, call the backend."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from servicekit.logging import get_logger
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match

from gateway.authn import Authenticator, CallerTokens
from gateway.backends import BackendNotConfigured, Backends
from gateway.bodies import (
    NDJSON_TYPES,
    body_chunks,
    is_json,
    media_type,
    read_body,
    read_json,
    unsupported_media_type,
)
from gateway.ops import Metrics
from gateway.problems import Problem, Violation, bad_request, from_rpc_error
from gateway.ratelimit import RateLimiter, client_address
from gateway.routes import NoRoute, Route, RouteTable
from gateway.settings import GatewaySettings
from gateway.transcoding import (
    build_request,
    check_idempotency_key,
    parse_json,
    problem_renamer,
    response_json,
)

log = get_logger("civic.gateway")
STREAM_CHUNK_BYTES = 1 << 20
MAX_REPORTED_VIOLATIONS = 100


@dataclass
class _Failure:
    problem: Problem | None = None


class Proxy:
    def __init__(
        self,
        routes: RouteTable,
        backends: Backends,
        auth: Authenticator,
        caller_tokens: CallerTokens,
        limiter: RateLimiter,
        metrics: Metrics,
        settings: GatewaySettings,
        own_routes: Sequence[BaseRoute] = (),
    ) -> None:
        """`own_routes` are the gateway's other routes (feed, sign-in, …): the catch-all proxy route
        sees every path they do not take, including theirs with another method (405, not 404)."""
        self.routes = routes
        self._own_routes = own_routes
        self._backends = backends
        self._auth = auth
        self._caller_tokens = caller_tokens
        self._limiter = limiter
        self._metrics = metrics
        self._settings = settings

    async def handle(self, request: Request) -> Response:
        route, path_values = self._match(request)
        request.state.route = route.label
        principal = self._auth.require_allowed(request, route.policy)
        key = check_idempotency_key(request.headers.get("idempotency-key", "").strip())
        metadata = self._caller_tokens.metadata(principal, request.state.request_id, route.policy)
        query = request.query_params.multi_items()
        try:
            if route.client_streaming:
                self._limiter.check("bulk", client_address(request))
                reply = await self._call_streaming(request, route, path_values, query, key, metadata)
            else:
                body = (
                    await read_json(request, self._settings.max_body_bytes, empty={}) if route.body else None
                )
                message = build_request(route, path_values, query, body, key)
                reply = await self._backends.unary(route)(
                    message, timeout=self._settings.deadline_s, metadata=metadata
                )
        except grpc.aio.AioRpcError as error:
            raise self._failed(route, error) from None
        except BackendNotConfigured:
            raise Problem(503, "BACKEND_NOT_CONFIGURED", f"{route.service.key} 服务未配置地址") from None
        return Response(response_json(route, reply), media_type="application/json")

    def _match(self, request: Request) -> tuple[Route, dict[tuple[str, ...], str]]:
        raw_path = request.scope.get("raw_path") or request.url.path.encode()
        try:
            return self.routes.match(request.method, raw_path.decode("latin-1").split("?", 1)[0])
        except NoRoute as missing:
            allowed = sorted({*missing.allowed, *self._own_methods(request)})
            if allowed:
                raise Problem(
                    405,
                    "METHOD_NOT_ALLOWED",
                    f"该地址不支持 {request.method} 方法",
                    headers={"Allow": ", ".join(allowed)},
                ) from None
            raise Problem(404, "ROUTE_NOT_FOUND", "没有这个接口地址") from None

    def _own_methods(self, request: Request) -> set[str]:
        """The methods the gateway's own routes take at this path."""
        methods: set[str] = set()
        for route in self._own_routes:
            match, _ = route.matches(request.scope)
            if match is Match.PARTIAL:
                methods.update(getattr(route, "methods", None) or ())
        return methods

    def _failed(self, route: Route, error: grpc.aio.AioRpcError) -> Problem:
        code = error.code()
        self._metrics.backend_errors.labels(route.service.key, code.name).inc()
        problem = from_rpc_error(error, problem_renamer(route))
        if problem.status >= 500:
            log.warning(
                "backend_call_failed", method=route.full_method, code=code.name, details=error.details()
            )
        return problem

    async def _call_streaming(
        self,
        request: Request,
        route: Route,
        path_values: dict[tuple[str, ...], str],
        query: list[tuple[str, str]],
        key: str,
        metadata: Any,
    ) -> Message:
        """A client-streaming RPC: a JSON array or JSON lines of request messages, or — for a message
        with one bytes field — any other content streamed into that field in chunks."""
        kind = media_type(request)
        call = self._backends.client_stream(route)
        timeout = self._settings.bulk_deadline_s
        limit = self._settings.bulk_max_body_bytes
        if not kind or is_json(kind) or kind in NDJSON_TYPES:
            raw = await read_body(request, limit)
            messages = _messages(route, path_values, query, key, _items(raw, kind in NDJSON_TYPES))
            return await call(iter(messages), timeout=timeout, metadata=metadata)
        field = _bytes_field(route)
        if field is None:
            raise unsupported_media_type(kind, "application/json 或 application/x-ndjson")
        template = build_request(route, path_values, query, {}, key)
        chunks = body_chunks(request, limit)
        first = await anext(chunks, b"")  # body_chunks yields no empty chunks: b"" is an empty body
        if not first:
            raise _empty_stream(field.json_name, "文件为空（0 字节）")
        failure = _Failure()
        try:
            return await call(
                _chunk_messages(template, field, _starting_with(first, chunks), failure),
                timeout=timeout,
                metadata=metadata,
            )
        except (asyncio.CancelledError, grpc.aio.AioRpcError):
            if failure.problem is not None:  # the body broke off (too large): say so, not "cancelled"
                raise failure.problem from None
            raise


def _items(raw: bytes, lines: bool) -> list[Any]:
    if lines:
        items = [line for line in raw.splitlines() if line.strip()]
        return [parse_json(line, f"[{index}]") for index, line in enumerate(items)]
    document = parse_json(raw) if raw.strip() else []
    items = document if isinstance(document, list) else [document]
    if not items:
        raise _empty_stream("", "应为非空的 JSON 数组")
    return items


def _empty_stream(field: str, description: str) -> Problem:
    return bad_request("EMPTY_STREAM", "请求体中没有任何条目", [Violation(field, description)])


async def _starting_with(first: bytes, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    yield first
    async for chunk in rest:
        yield chunk


def _messages(
    route: Route,
    path_values: dict[tuple[str, ...], str],
    query: list[tuple[str, str]],
    key: str,
    items: list[Any],
) -> list[Message]:
    """Every item becomes one request message; all items are checked before any is sent."""
    messages, violations = [], []
    for index, item in enumerate(items):
        try:
            messages.append(build_request(route, path_values, query, item, key, where=f"[{index}]"))
        except Problem as problem:
            violations.extend(problem.violations)
    if violations:
        raise bad_request("INVALID_ARGUMENT", "请求中有条目无效", violations[:MAX_REPORTED_VIOLATIONS])
    return messages


def _bytes_field(route: Route) -> FieldDescriptor | None:
    fields = [
        f
        for f in route.method.input_type.fields
        if f.type == FieldDescriptor.TYPE_BYTES and not f.is_repeated
    ]
    return fields[0] if len(fields) == 1 else None


async def _chunk_messages(
    template: Message, field: FieldDescriptor, chunks: AsyncIterator[bytes], failure: _Failure
) -> AsyncIterator[Message]:
    def message(data: bytes) -> Message:
        item = type(template)()
        item.CopyFrom(template)
        setattr(item, field.name, data)
        return item

    buffer = bytearray()
    try:
        async for chunk in chunks:
            buffer += chunk
            while len(buffer) >= STREAM_CHUNK_BYTES:
                yield message(bytes(buffer[:STREAM_CHUNK_BYTES]))
                del buffer[:STREAM_CHUNK_BYTES]
    except Problem as problem:
        failure.problem = problem
        raise
    if buffer:
        yield message(bytes(buffer))
