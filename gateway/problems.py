"""Errors as RFC 9457 `application/problem+json`, from gRPC statuses and the gateway's own checks.

A problem body: {type, title, status, detail, reason, violations: [{field, description}], requestId}
(+ domain and metadata when a service sent them in google.rpc.ErrorInfo).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import grpc
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status
from starlette.responses import Response

MEDIA_TYPE = "application/problem+json"

TITLES = {
    400: "请求有误",
    401: "未登录或登录已失效",
    403: "无权执行此操作",
    404: "未找到",
    405: "不支持该请求方法",
    409: "与当前状态冲突",
    410: "所请求的内容已不再保留",
    413: "请求内容过大",
    415: "不支持的内容类型",
    429: "请求过于频繁",
    500: "服务器内部错误",
    503: "服务暂时不可用",
}

# A service's RESOURCE_EXHAUSTED (a day's bookings, a year's certificate numbers) is a limit it
# keeps, not the gateway's rate limit: "请求过于频繁" would send the user to retry in vain.
DOMAIN_TITLES = {
    429: "已达上限",
}

# FAILED_PRECONDITION → 409 (design.md §3 lets us pick 409 or 412; 412 is about HTTP preconditions).
HTTP_STATUS = {
    grpc.StatusCode.INVALID_ARGUMENT: 400,
    grpc.StatusCode.OUT_OF_RANGE: 400,
    grpc.StatusCode.UNAUTHENTICATED: 401,
    grpc.StatusCode.PERMISSION_DENIED: 403,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.ABORTED: 409,
    grpc.StatusCode.FAILED_PRECONDITION: 409,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 429,
    grpc.StatusCode.UNAVAILABLE: 503,
    grpc.StatusCode.DEADLINE_EXCEEDED: 503,
    grpc.StatusCode.CANCELLED: 503,
}

# What the gateway says when a status carries no ErrorInfo: transport and server failures are not
# the service's words, and their text (English, internal) is not shown to window staff.
_FALLBACK = {
    grpc.StatusCode.UNAVAILABLE: ("BACKEND_UNAVAILABLE", "后端服务暂时不可用，请稍后重试"),
    grpc.StatusCode.DEADLINE_EXCEEDED: ("BACKEND_TIMEOUT", "后端服务未在时限内响应，请稍后重试"),
    grpc.StatusCode.CANCELLED: ("BACKEND_CANCELLED", "请求已取消，请重试"),
}
_INTERNAL = ("INTERNAL", "内部错误，请稍后重试或联系管理员")
RETRY_AFTER_S = "2"


@dataclass(frozen=True)
class Violation:
    field: str
    description: str


# A problem lists at most this many violations (5,000 unknown query parameters made a 300 KB answer);
# violationsOmitted counts the rest.
MAX_VIOLATIONS = 100


@dataclass(eq=False)
class Problem(Exception):
    status: int
    reason: str
    detail: str
    violations: list[Violation] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    domain: str = ""
    metadata: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        Exception.__init__(self, f"{self.status} {self.reason}: {self.detail}")

    @property
    def title(self) -> str:
        if self.domain and self.status in DOMAIN_TITLES:
            return DOMAIN_TITLES[self.status]
        return TITLES.get(self.status) or TITLES[500 if self.status >= 500 else 400]

    def body(self, request_id: str) -> dict[str, object]:
        body: dict[str, object] = {
            "type": f"urn:civic:problem:{self.reason}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "reason": self.reason,
            "violations": [{"field": v.field, "description": v.description}
                           for v in self.violations[:MAX_VIOLATIONS]],
            "requestId": request_id,
        }
        if len(self.violations) > MAX_VIOLATIONS:
            body["violationsOmitted"] = len(self.violations) - MAX_VIOLATIONS
        if self.domain:
            body["domain"] = self.domain
        if self.metadata:
            body["metadata"] = dict(self.metadata)
        return body

    def response(self, request_id: str) -> Response:
        headers = dict(self.headers)
        if self.status in (429, 503) and "retry-after" not in {k.lower() for k in headers}:
            headers["Retry-After"] = RETRY_AFTER_S
        # backslashreplace: a lone surrogate echoed from a request is written as its JSON escape.
        content = json.dumps(self.body(request_id), ensure_ascii=False).encode("utf-8", "backslashreplace")
        return Response(content, status_code=self.status, headers=headers, media_type=MEDIA_TYPE)


def bad_request(reason: str, detail: str, violations: list[Violation] | None = None) -> Problem:
    return Problem(400, reason, detail, violations or [])


def unauthenticated(reason: str = "UNAUTHENTICATED", detail: str = "请先登录") -> Problem:
    return Problem(401, reason, detail, headers={"WWW-Authenticate": 'Bearer realm="civic"'})


def forbidden(reason: str = "PERMISSION_DENIED", detail: str = "当前账号无权执行此操作") -> Problem:
    return Problem(403, reason, detail)


def from_rpc_error(error: grpc.aio.AioRpcError, rename: Callable[[str], str] = lambda f: f) -> Problem:
    """A failed call → a problem, with the service's ErrorInfo reason and BadRequest violations;
    `rename` maps the services' proto field paths to the JSON names clients send."""
    code = error.code()
    status = HTTP_STATUS.get(code, 500)
    rich = _rich_status(error)
    info = _unpack(rich, error_details_pb2.ErrorInfo)
    bad = _unpack(rich, error_details_pb2.BadRequest)
    violations = [Violation(rename(v.field), v.description) for v in (bad.field_violations if bad else ())]
    if info is not None and info.reason:
        return Problem(
            status,
            info.reason,
            error.details() or TITLES.get(status, ""),
            violations,
            domain=info.domain,
            metadata=dict(info.metadata),
        )
    if status >= 500:
        reason, detail = _FALLBACK.get(code, _INTERNAL)
        return Problem(status, reason, detail, violations)
    return Problem(status, code.name, error.details() or TITLES[status], violations)


def _rich_status(error: grpc.aio.AioRpcError) -> status_pb2.Status | None:
    try:
        return rpc_status.from_call(error)
    except ValueError:  # details inconsistent with the status: ignore the details
        return None


def _unpack(rich: status_pb2.Status | None, kind: type) -> object | None:
    if rich is None:
        return None
    for detail in rich.details:
        if detail.Is(kind.DESCRIPTOR):
            message = kind()
            detail.Unpack(message)
            return message
    return None
