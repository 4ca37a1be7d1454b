"""gRPC server interceptors: request context, logging, caller verification, error mapping.

Order (outermost first): RequestContext → Logging → Errors → CallerAuth → the servicer.
"""
from __future__ import annotations

import abc
import asyncio
import time
from typing import Any, Awaitable, Callable

import grpc
import structlog
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from servicekit import context
from servicekit.caller_token import METADATA_KEY, CallerVerifier
from servicekit.db import is_out_of_reach, is_unstorable_text
from servicekit.errors import DomainError, ErrorKind, permission_denied, unauthenticated
from servicekit.logging import error_text, get_logger
from servicekit.metrics import ServiceMetrics
from servicekit.policy import method_descriptor, policy_of
from servicekit.uuid7 import uuid7

log = get_logger("civic.rpc")

Around = Callable[[Any, grpc.aio.ServicerContext, Callable[[], Awaitable[Any]]], Awaitable[Any]]
UNGUARDED_PREFIXES = ("/grpc.health.", "/grpc.reflection.")


def _wrap(handler: grpc.RpcMethodHandler, around: Around) -> grpc.RpcMethodHandler:
    """Apply `around` to unary-response handlers (every Civic RPC has a unary response)."""
    if handler is None:
        return handler
    if handler.unary_unary:
        inner = handler.unary_unary

        async def unary_unary(request: Any, ctx: grpc.aio.ServicerContext) -> Any:
            return await around(request, ctx, lambda: inner(request, ctx))

        return grpc.unary_unary_rpc_method_handler(
            unary_unary, handler.request_deserializer, handler.response_serializer)
    if handler.stream_unary:
        inner_s = handler.stream_unary

        async def stream_unary(requests: Any, ctx: grpc.aio.ServicerContext) -> Any:
            return await around(requests, ctx, lambda: inner_s(requests, ctx))

        return grpc.stream_unary_rpc_method_handler(
            stream_unary, handler.request_deserializer, handler.response_serializer)
    return handler


class _Interceptor(grpc.aio.ServerInterceptor, abc.ABC):
    async def intercept_service(self, continuation, details):  # type: ignore[no-untyped-def]
        handler = await continuation(details)
        if details.method.startswith(UNGUARDED_PREFIXES):
            return handler
        return _wrap(handler, lambda req, ctx, call: self.around(details, ctx, call))

    @abc.abstractmethod
    async def around(self, details: grpc.HandlerCallDetails, ctx: grpc.aio.ServicerContext,
                     call: Callable[[], Awaitable[Any]]) -> Any:
        """Run `call` (the rest of the chain) with this interceptor's concern around it."""


def _metadata(details: grpc.HandlerCallDetails) -> dict[str, str]:
    return {k: v for k, v in (details.invocation_metadata or ()) if isinstance(v, str)}


class RequestContextInterceptor(_Interceptor):
    """Binds the request id (from `x-request-id`, or a new one) and method for the whole call."""

    async def around(self, details, ctx, call):  # type: ignore[no-untyped-def]
        request_id = _metadata(details).get("x-request-id") or str(uuid7())
        token = context.bind(context.RequestContext(request_id=request_id[:128], method=details.method))
        structlog.contextvars.bind_contextvars(request_id=request_id[:128], method=details.method)
        try:
            return await call()
        finally:
            structlog.contextvars.unbind_contextvars("request_id", "method", "caller")
            context.reset(token)


class LoggingInterceptor(_Interceptor):
    """One summary line per call: request id, method, caller, status, duration; the same status and
    duration counted in the service's metrics (method and code labels only)."""

    def __init__(self, metrics: ServiceMetrics | None = None) -> None:
        self._metrics = metrics

    async def around(self, details, ctx, call):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        status = "OK"
        try:
            return await call()
        except BaseException as exc:
            status = _status_name(ctx, exc)
            raise
        finally:
            seconds = time.perf_counter() - start
            log.info("rpc", status=status, duration_ms=round(seconds * 1000, 2))
            if self._metrics is not None:
                self._metrics.rpc(details.method, status, seconds)


def _status_name(ctx: grpc.aio.ServicerContext, exc: BaseException) -> str:
    code = ctx.code()
    if isinstance(code, grpc.StatusCode):
        return code.name
    return "CANCELLED" if isinstance(exc, asyncio.CancelledError) else "UNKNOWN"


_CODES = {
    ErrorKind.INVALID_ARGUMENT: grpc.StatusCode.INVALID_ARGUMENT,
    ErrorKind.NOT_FOUND: grpc.StatusCode.NOT_FOUND,
    ErrorKind.ALREADY_EXISTS: grpc.StatusCode.ALREADY_EXISTS,
    ErrorKind.FAILED_PRECONDITION: grpc.StatusCode.FAILED_PRECONDITION,
    ErrorKind.ABORTED: grpc.StatusCode.ABORTED,
    ErrorKind.PERMISSION_DENIED: grpc.StatusCode.PERMISSION_DENIED,
    ErrorKind.UNAUTHENTICATED: grpc.StatusCode.UNAUTHENTICATED,
    ErrorKind.RESOURCE_EXHAUSTED: grpc.StatusCode.RESOURCE_EXHAUSTED,
    ErrorKind.UNAVAILABLE: grpc.StatusCode.UNAVAILABLE,
}


def to_status(error: DomainError, domain: str) -> grpc.Status:
    """A typed error → gRPC status with google.rpc.ErrorInfo and, for bad fields, BadRequest."""
    code = _CODES[error.kind]
    info = any_pb2.Any()
    info.Pack(error_details_pb2.ErrorInfo(reason=error.reason, domain=domain, metadata=error.metadata))
    details = [info]
    if error.violations:
        bad = any_pb2.Any()
        bad.Pack(error_details_pb2.BadRequest(field_violations=[
            error_details_pb2.BadRequest.FieldViolation(field=v.field, description=v.description)
            for v in error.violations]))
        details.append(bad)
    status = status_pb2.Status(code=code.value[0], message=error.message, details=details)
    return rpc_status.to_status(status)


class ErrorInterceptor(_Interceptor):
    """Typed domain errors → status + details; the database out of reach → UNAVAILABLE (503, worth
    a retry: a restart or failover, one warning line each); text PostgreSQL cannot store (a NUL
    character) → INVALID_ARGUMENT; anything else unexpected → INTERNAL without leaking text."""

    def __init__(self, service: str) -> None:
        self._domain = f"civic.{service}"
        self._unavailable = DomainError("DEPENDENCY_UNAVAILABLE", "服务暂时不可用，请稍后重试",
                                        ErrorKind.UNAVAILABLE)
        self._unstorable = DomainError("UNSTORABLE_CHARACTER", "输入中含有无法保存的字符（如 NUL 控制字符），请删除后重试",
                                       ErrorKind.INVALID_ARGUMENT)

    async def around(self, details, ctx, call):  # type: ignore[no-untyped-def]
        try:
            return await call()
        except DomainError as err:
            await ctx.abort_with_status(to_status(err, self._domain))
        except grpc.aio.AbortError:
            raise
        except Exception as exc:
            if is_out_of_reach(exc):
                log.warning("rpc_dependency_unavailable", error=error_text(exc))
                await ctx.abort_with_status(to_status(self._unavailable, self._domain))
                return None
            if is_unstorable_text(exc):
                await ctx.abort_with_status(to_status(self._unstorable, self._domain))
                return None
            log.exception("rpc_unhandled_error")
            await ctx.abort_with_status(rpc_status.to_status(status_pb2.Status(
                code=code_pb2.INTERNAL, message="内部错误，请稍后重试或联系管理员")))


class CallerAuthInterceptor(_Interceptor):
    """Verifies the gateway-signed caller token and the method's declared permission."""

    def __init__(self, verifier: CallerVerifier) -> None:
        self._verifier = verifier

    async def around(self, details, ctx, call):  # type: ignore[no-untyped-def]
        token = _metadata(details).get(METADATA_KEY)
        if not token:
            raise unauthenticated("CALLER_TOKEN_MISSING", "缺少调用方凭证")
        caller = self._verifier.verify(token)
        method = method_descriptor(details.method)
        if method is None or not policy_of(method).allows(caller):
            raise permission_denied("PERMISSION_DENIED", "无权执行此操作", method=details.method)
        current = context.current()
        bound = context.bind(context.RequestContext(current.request_id, current.method, caller))
        structlog.contextvars.bind_contextvars(caller=caller.subject)
        try:
            return await call()
        finally:
            context.reset(bound)
